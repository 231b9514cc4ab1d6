"""What ``make bench`` needs inside the server, mounted only with ``BENCH=1``.

- :class:`ServerTimingMiddleware` adds ``Server-Timing: app;dur=…, db;desc=…``
  to every response: the time the request spent in Django (all middleware and
  the view; for a streamed response, until the view returned) and how many
  database queries it made. It is a diagnostic header for the benchmark and
  stays off in production.
- :func:`floor` is the framework floor the benchmark compares the estate page
  with: one query and a one-line template, through the same middleware.

https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Server-Timing
"""

from __future__ import annotations

import time
from contextlib import ExitStack

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.http import HttpResponse
from django.template.loader import get_template
from django.views.decorators.http import require_GET


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'app;dur={elapsed_ms:.2f}, db;desc="queries";dur={counter.count}'
        )
        return response


@require_GET
def floor(request):
    first = ContentType.objects.order_by("pk").first()
    return HttpResponse(get_template("bench/floor.html").render({"model": first}))
