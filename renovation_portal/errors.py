"""Every error page a visitor can meet is the portal's own, in their language:
JSON under ``/api/``, an admin page under the admin, the site's page
elsewhere (issue 22) — 400, 403, a refused CSRF check, 404 and 500.

The answer to an uncaught exception: 503 when the database is unreachable,
a 500 page otherwise.

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

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error

from renovation_portal.api.exceptions import not_found as api_not_found

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


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _is_admin(request) -> bool:
    return request.path.startswith(f"/{settings.ADMIN_URL}")


def _json(status: HTTPStatus, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _admin_page(request, status: HTTPStatus, title: str, message: str):
    """An error page in the admin's own layout and the clerk's language, with
    the way back to the admin's home. Rendered at once, so that a fault in it
    still reaches the 500 handler."""
    from django.contrib import admin

    context = {
        **admin.site.each_context(request),
        "title": title,
        "message": message,
    }
    response = TemplateResponse(request, "admin/error.html", context, status=status)
    return response.render()


def _forbidden_message() -> str:
    return gettext(
        "You may not open this page. It belongs to another area or needs a "
        "permission your account does not have; ask your administrator if you "
        "need it."
    )


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    """``handler400``: a request Django refused to read."""
    if _is_api(request):
        return _json(
            HTTPStatus.BAD_REQUEST,
            gettext("The request could not be read."),
            "bad_request",
        )
    return django_bad_request(request, exception, template_name=template_name)


@requires_csrf_token
def permission_denied(request, exception=None):
    """``handler403``."""
    if _is_api(request):
        return _json(
            HTTPStatus.FORBIDDEN,
            gettext("You do not have permission to do this."),
            "permission_denied",
        )
    if _is_admin(request):
        return _admin_page(
            request,
            HTTPStatus.FORBIDDEN,
            gettext("Not allowed"),
            _forbidden_message(),
        )
    return TemplateResponse(
        request,
        "403.html",
        {"message": _forbidden_message()},
        status=HTTPStatus.FORBIDDEN,
    ).render()


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form sent without its security token, most
    often from a page left open too long or with cookies blocked. Django's own
    page is English-only with an inline style the CSP blocks."""
    message = gettext(
        "The form could not be sent because its security check failed. This "
        "happens when the page was open for a long time or cookies are blocked. "
        "Go back, reload the page and send the form again; nothing was saved."
    )
    title = gettext("The form has expired")
    if _is_api(request):
        return _json(HTTPStatus.FORBIDDEN, message, "csrf_failed")
    if _is_admin(request):
        return _admin_page(request, HTTPStatus.FORBIDDEN, title, message)
    return TemplateResponse(
        request,
        "403.html",
        {"title": title, "message": message},
        status=HTTPStatus.FORBIDDEN,
    ).render()


@requires_csrf_token
def page_not_found(request, exception=None, template_name="404.html"):
    """``handler404``."""
    if _is_api(request):
        return api_not_found(request)
    if _is_admin(request):
        return _admin_page(
            request,
            HTTPStatus.NOT_FOUND,
            gettext("Page not found"),
            gettext(
                "There is no record or page at this address, or it is outside "
                "your area. It may have been deleted, or the address may have a "
                "typing mistake."
            ),
        )
    return django_page_not_found(request, exception, template_name=template_name)


@requires_csrf_token
def handle_server_error(request, template_name="500.html"):
    """``handler500``: Django calls it inside the ``except`` block, so the
    exception being handled is ``sys.exc_info()``'s. Under ``/api/`` the
    answer is JSON, like every other API answer."""
    if database_unreachable(sys.exc_info()[1]):
        return unavailable(request)
    if _is_api(request):
        return _json(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            gettext(
                "Something went wrong on our side. Please try again in a few minutes."
            ),
            "server_error",
        )
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
