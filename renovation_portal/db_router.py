"""Read replicas: public reads from a replica, everything else from the primary.

Active when ``DATABASE_REPLICA_URLS`` (or the single ``DATABASE_REPLICA_URL``)
is set (settings.py): each replica gets an alias (``replica``, ``replica2``, …)
and the router below. Which database a read goes to is decided once per
request by :class:`ReadRoutingMiddleware`:

- A ``GET`` or ``HEAD`` of a public page or of the API reads from one healthy
  replica, the same for the whole request.
- Writes, every request of the admin, every request that is not a ``GET`` or
  ``HEAD``, and every request of a visitor who has *just written* read from
  the primary. A visitor has just written for ``READ_YOUR_WRITES_SECONDS``
  after any request that could write (a clerk's save, a resident's feedback):
  the answer to that request sets a signed cookie holding the time, so any app
  server behind the load balancer knows it without shared state, and nobody
  misses their own change however far the replica lags.
- Outside a request (management commands, jobs) every read is from the primary,
  and so is a read inside a transaction on the primary (it must see the
  transaction's own writes and the rows it locks).

A replica serves only while it answers and its lag is at most
``DATABASE_REPLICA_MAX_LAG_SECONDS``; each process checks each replica at most
once every ``DATABASE_REPLICA_CHECK_SECONDS`` (a query of about a millisecond,
made by the request that finds the last check too old). When a query on a
replica fails during a request (the replica stopped meanwhile), the replica is
marked down and the view runs again on the primary: a ``GET`` is safe to repeat,
and the visitor sees no error.

https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#an-example
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Sessions, logins and staff accounts are never read from a replica: a
# session written on one request is read on the next, and they are read by
# middleware, where a failing replica could not be retried.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "admin", "axes", "otp_static", "otp_totp"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WROTE_COOKIE = "portal_wrote"
WROTE_SALT = "renovation_portal.db_router.wrote"

# The lag of a streaming replica: none while it has replayed all it received
# (or while it is not a replica at all: a second alias of the primary);
# otherwise the age of the last transaction it replayed, which overstates the
# lag when the primary was idle before its last write (a cautious error).
# https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-RECOVERY-INFO-TABLE
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(
    EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_aliases() -> list[str]:
    """The replicas' aliases, in the order of ``DATABASE_REPLICA_URLS``."""
    return [alias for alias in connections if alias.startswith(REPLICA)]


# ------------------------------------------------------------------------------
# Which database this request reads from
# ------------------------------------------------------------------------------
@dataclass
class Reads:
    """The database the current request reads from (None: the primary), and
    whether any read actually went to a replica."""

    alias: str | None
    used: bool = False


_reads: contextvars.ContextVar[Reads | None] = contextvars.ContextVar(
    "database_reads", default=None
)


@contextlib.contextmanager
def reading_from(alias: str | None):
    """Reads inside the block go to ``alias`` (None: the primary)."""
    token = _reads.set(Reads(alias))
    try:
        yield _reads.get()
    finally:
        _reads.reset(token)


def prefer_primary() -> None:
    """The rest of the current request reads from the primary (what it shows
    changed more recently than a replica may lag: the page cache knows)."""
    reads = _reads.get()
    if reads is not None:
        reads.alias = None


def replica_read() -> bool:
    """Whether the current request has read anything from a replica."""
    reads = _reads.get()
    return reads is not None and reads.used


def stale_seconds() -> float:
    """How far behind the primary a replica in use may be: its lag was at most
    the limit when last checked, and a lag grows by at most a second a second
    until the next check; plus a second for clocks apart."""
    return (
        settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        + settings.DATABASE_REPLICA_CHECK_SECONDS
        + 1.0
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or reads.alias is None:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        reads.used = True
        return reads.alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica copies the primary's schema; never migrate it directly.
        return db == DEFAULT_DB_ALIAS


# ------------------------------------------------------------------------------
# Replica health: answering, and not lagging past the limit
# ------------------------------------------------------------------------------
@dataclass
class Health:
    serving: bool = False
    lag: float | None = None
    checked: float = float("-inf")  # time.monotonic() of the last check
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


_health: dict[str, Health] = {}
_health_lock = threading.Lock()


def _health_of(alias: str) -> Health:
    health = _health.get(alias)
    if health is None:
        with _health_lock:
            health = _health.setdefault(alias, Health())
    return health


def measure_lag(alias: str) -> float:
    """The replica's lag in seconds; raises DatabaseError when it does not answer."""
    connection = connections[alias]
    sql = LAG_SQL if connection.vendor == "postgresql" else "SELECT 0"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return float(cursor.fetchone()[0] or 0)


def _close_quietly(alias: str) -> None:
    with contextlib.suppress(Exception):
        connections[alias].close()


def check(alias: str) -> Health:
    """Ask the replica now; record and return what it answered."""
    health = _health_of(alias)
    try:
        lag = measure_lag(alias)
    except DatabaseError as error:
        _close_quietly(alias)
        if health.serving or health.checked == float("-inf"):
            logger.warning("Replica %r does not answer; reads go to the primary", alias)
        health.serving, health.lag, health.error = False, None, type(error).__name__
    else:
        limit = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        if health.serving and lag > limit:
            logger.warning(
                "Replica %r lags %.1f s (limit %.1f s); reading from the primary",
                alias,
                lag,
                limit,
            )
        health.serving, health.lag, health.error = lag <= limit, lag, ""
    health.checked = time.monotonic()
    return health


def health(alias: str) -> Health:
    """The replica's health, checked again when the last check is too old.
    While one thread checks, the others go on with the last answer."""
    state = _health_of(alias)
    due = time.monotonic() - state.checked >= settings.DATABASE_REPLICA_CHECK_SECONDS
    if due and state.lock.acquire(blocking=False):
        try:
            check(alias)
        finally:
            state.lock.release()
    return state


def mark_down(alias: str, error: BaseException) -> None:
    """A query on the replica failed: read from the primary until its next check."""
    state = _health_of(alias)
    if state.serving:
        logger.warning(
            "Replica %r failed (%s); reading from the primary",
            alias,
            type(error).__name__,
        )
    state.serving, state.lag, state.error = False, None, type(error).__name__
    state.checked = time.monotonic()
    _close_quietly(alias)


def forget_health() -> None:
    """Check every replica again on its next use (tests)."""
    with _health_lock:
        _health.clear()


def choose_replica() -> str | None:
    """A healthy replica picked at random (the load spread evenly), or None."""
    serving = [alias for alias in replica_aliases() if health(alias).serving]
    if not serving:
        return None
    return serving[0] if len(serving) == 1 else random.choice(serving)


# ------------------------------------------------------------------------------
# The request: the visitor who just wrote, the admin, a replica that fails
# ------------------------------------------------------------------------------
def _primary_path(path: str) -> bool:
    return path.startswith("/" + settings.ADMIN_URL) or path == "/healthz"


def just_wrote(request) -> bool:
    """Whether the visitor's last write is younger than the window, by the
    signed time in their cookie."""
    value = request.COOKIES.get(WROTE_COOKIE)
    if not value:
        return False
    try:
        signing.TimestampSigner(salt=WROTE_SALT).unsign(
            value, max_age=settings.READ_YOUR_WRITES_SECONDS
        )
    except signing.BadSignature:  # forged, or older than the window
        return False
    return True


def _mark_wrote(response) -> None:
    response.set_cookie(
        WROTE_COOKIE,
        signing.TimestampSigner(salt=WROTE_SALT).sign("1"),
        max_age=max(1, int(settings.READ_YOUR_WRITES_SECONDS + 0.999)),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class ReadRoutingMiddleware:
    """Decides, once per request, which database its reads come from. Sits
    above the page cache, which asks :func:`replica_read` before storing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        alias = None
        if (
            request.method in SAFE_METHODS
            and not _primary_path(request.path_info)
            and not just_wrote(request)
        ):
            alias = choose_replica()
        token = _reads.set(Reads(alias))
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in SAFE_METHODS:
            # Whatever it answered, the request may have written.
            _mark_wrote(response)
        return response

    def process_exception(self, request, exception):
        reads = _reads.get()
        if reads is None or reads.alias is None:
            return None
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not _broken(reads.alias):
            return None
        mark_down(reads.alias, exception)
        reads.alias = None
        match = request.resolver_match
        if match is None:
            return None
        # The same view again, on the primary: only GET and HEAD get here.
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response


def _broken(alias: str) -> bool:
    """Whether the replica's connection failed, rather than the query (a
    statement timeout, or a mistake in it, which the primary would repeat)."""
    connection = connections[alias]
    if connection.connection is None:
        return True  # it could not even connect
    try:
        return not connection.is_usable()
    except Exception:
        return True
