"""``/healthz``: is this app server able to serve? For load balancers and
monitoring.

200 with ``{"database": "ok", "cache": "ok"}`` when the primary database (and
Redis, when ``REDIS_URL`` is set) answer; 503 otherwise, quickly: PostgreSQL's
connect timeout, its statement timeout and Redis's socket timeouts
(settings.py) bound every check. The answer names no host, version or error
text: the probe is public.

With read replicas (issue 20) each is reported under ``replicas`` with its
lag and whether this server reads from it: ``"ok"``, ``"lagging"`` (past
``DATABASE_REPLICA_MAX_LAG_SECONDS``) or ``"unavailable"``. A replica that is
down or lagging does not make the answer 503: this server then reads from the
primary and can serve; a load balancer must not take it out.
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from renovation_portal import db_router

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
NOT_CONFIGURED = "not configured"
LAGGING = "lagging"
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


def replica_status(alias: str) -> dict:
    """Ask the replica now (this also updates what this process reads from)."""
    health = db_router.check(alias)
    status = UNAVAILABLE if health.lag is None else OK if health.serving else LAGGING
    lag = None if health.lag is None else round(health.lag, 3)
    return {"status": status, "lag_seconds": lag, "serving": health.serving}


@never_cache
@require_GET
def healthz(request):
    status = {"database": database_status("default")}
    replicas = db_router.replica_aliases()
    others = [alias for alias in connections if alias != "default"]
    for alias in others:
        if alias not in replicas:
            status[alias] = database_status(alias)
    status["cache"] = cache_status()
    healthy = all(value in {OK, NOT_CONFIGURED} for value in status.values())
    if replicas:
        status["replicas"] = {alias: replica_status(alias) for alias in replicas}
    return JsonResponse(
        status, status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE
    )
