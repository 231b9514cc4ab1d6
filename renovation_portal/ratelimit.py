"""A fixed-window rate limit per client address, in Django's cache. Knows no app.

The address is the one ``renovation_portal.middleware.client_ip`` reads, the
same as DRF's throttles and django-axes: ``REMOTE_ADDR`` unless ``NUM_PROXIES``
trusted proxies append to ``X-Forwarded-For``, and then only the entry they
wrote, so a client cannot reset its own limit by forging the header
(STYLE.md "Known traps"). With ``REDIS_URL`` the counts are shared by every app
server; with the local-memory cache each process counts on its own.

While Redis does not answer, the shared cache forgets every count
(renovation_portal/cache.py), which would lift every limit (issue 22). So the
counts go to :data:`store`: the shared cache while it answers, and this
process's own memory for each call it does not. A client then meets the limit
of each worker it reaches, so at most workers × limit attempts get through in
a window instead of all of them (docs/operations.md).

https://docs.djangoproject.com/en/5.2/topics/cache/#cache-arguments
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

from renovation_portal import cache as resilient_cache
from renovation_portal.middleware import client_ip


class SharedOrLocal:
    """The cache calls a limit needs, kept in the shared cache, or in this
    process's memory for any call the shared cache did not answer."""

    def __init__(self):
        self.local = LocMemCache(
            "renovation-portal-limits", {"OPTIONS": {"MAX_ENTRIES": 20_000}}
        )

    def _call(self, name, *args):
        before = resilient_cache.failures()
        try:
            value = getattr(cache, name)(*args)
        except ValueError:
            if resilient_cache.failures() == before:
                raise
            return getattr(self.local, name)(*args)
        if resilient_cache.failures() == before:
            return value
        return getattr(self.local, name)(*args)

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT):
        return self._call("set", key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT):
        return self._call("add", key, value, timeout)

    def incr(self, key, delta=1):
        return self._call("incr", key, delta)


store = SharedOrLocal()


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def _key(scope: str, request, window: int) -> tuple[str, int]:
    return _subject_key(scope, client_address(request), window)


def _subject_key(scope: str, subject: str, window: int) -> tuple[str, int]:
    now = int(time.time())
    window_start = now - now % window
    # Hashed, so the cache holds no address in clear.
    hashed = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{hashed}:{window_start}", window_start + window - now


def hit(scope: str, request, *, limit: int, window: int) -> Verdict:
    """Count one attempt of ``request``'s client in ``scope``; refuse past ``limit``
    attempts in the current ``window`` seconds."""
    return _hit(*_key(scope, request, window), limit=limit, window=window)


def hit_subject(scope: str, subject: str, *, limit: int, window: int) -> Verdict:
    """The same for any subject: a phone number, an e-mail address, a channel."""
    return _hit(*_subject_key(scope, subject, window), limit=limit, window=window)


def _hit(key: str, retry_after: int, *, limit: int, window: int) -> Verdict:
    store.add(key, 0, window + 5)
    try:
        count = store.incr(key)
    except ValueError:  # the key expired between add() and incr()
        store.set(key, 1, window + 5)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=retry_after)


def check(scope: str, request, *, limit: int, window: int) -> Verdict:
    """Has ``request``'s client already reached ``limit`` in ``scope``? Counts
    nothing (the attempt is counted with :func:`hit` if it fails)."""
    key, retry_after = _key(scope, request, window)
    count = store.get(key, 0) or 0
    return Verdict(allowed=count < limit, retry_after=retry_after)
