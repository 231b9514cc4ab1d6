"""The answer to an uncaught exception: 503 when the database is unreachable,
Django's 500 page otherwise.

A stopped or restarting PostgreSQL raises ``OperationalError`` (connection
refused, terminated by the administrator, starting up, statement timeout) or
``InterfaceError`` (connection already closed) wherever a request first
touches it: a view, a serializer, a middleware. Those are not faults of the
portal's code; the visitor gets "try again shortly" with ``Retry-After`` and
the load balancer a 503, never a traceback. The request's transaction, if
any, was rolled back, so nothing is half-written. Django still logs each such
answer (``django.request``), for the operators: one line with the database's
own message rather than a traceback (:class:`OneLineWhileDatabaseDown`); in a
restart of a few seconds a busy server answered about 1,300 of them, and their
tracebacks buried everything else in the log (docs/operations.md).

https://docs.djangoproject.com/en/5.2/topics/http/views/#customizing-error-views
"""

from __future__ import annotations

import logging
import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 10
UNREACHABLE = (OperationalError, InterfaceError)


def database_unreachable(exception: BaseException | None) -> bool:
    return isinstance(exception, UNREACHABLE)


def unavailable(request) -> HttpResponse:
    status = HTTPStatus.SERVICE_UNAVAILABLE
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": gettext(
                    "The service is briefly unavailable. Please try again in a minute."
                ),
                "code": "unavailable",
            },
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # Like 500.html: no request context, so no context processor or
        # database query can fail again while rendering it.
        response = HttpResponse(render_to_string("503.html"), status=status)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def handle_server_error(request, template_name="500.html"):
    """``handler500``: Django calls it inside the ``except`` block, so the
    exception being handled is ``sys.exc_info()``'s."""
    if database_unreachable(sys.exc_info()[1]):
        return unavailable(request)
    return server_error(request, template_name=template_name)


class OneLineWhileDatabaseDown(logging.Filter):
    """On ``django.request``: a 503 for an unreachable database is logged as
    one line, "Service Unavailable: /path (OperationalError: …)", without its
    traceback. Every other record passes as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if database_unreachable(error):
            first_line = (str(error).strip().splitlines() or [""])[0]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {first_line})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
