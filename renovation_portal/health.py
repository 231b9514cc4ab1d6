"""``/healthz``: is this app server able to serve? For load balancers and
monitoring.

200 with ``{"database": "ok", "cache": "ok"}`` when the database (and Redis,
when ``REDIS_URL`` is set) answer; 503 otherwise, quickly: PostgreSQL's
connect timeout, its statement timeout and Redis's socket timeouts
(settings.py) bound every check. The answer names no host, version or error
text: the probe is public.
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
NOT_CONFIGURED = "not configured"
CACHE_KEY = "healthz"


def database_status(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # One line: a load balancer asks every few seconds during an outage.
        logger.error("Health check: database %r does not answer: %s", alias, error)
        return UNAVAILABLE
    return OK


def cache_status() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    try:
        cache.set(CACHE_KEY, OK, timeout=10)
        answer = cache.get(CACHE_KEY)
    except Exception:
        # redis-py raises its own ConnectionError/TimeoutError, not OSError.
        logger.exception("Health check: the cache does not answer")
        return UNAVAILABLE
    return OK if answer == OK else UNAVAILABLE


@never_cache
@require_GET
def healthz(request):
    checks = {alias: database_status(alias) for alias in connections}
    status = {"database": checks.pop("default")}
    status.update(checks)
    status["cache"] = cache_status()
    healthy = all(value in {OK, NOT_CONFIGURED} for value in status.values())
    return JsonResponse(
        status, status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE
    )
