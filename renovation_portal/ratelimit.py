"""A fixed-window rate limit per client address, in Django's cache. Knows no app.

The address is the one ``renovation_portal.middleware.client_ip`` reads, the
same as DRF's throttles and django-axes: ``REMOTE_ADDR`` unless ``NUM_PROXIES``
trusted proxies append to ``X-Forwarded-For``, and then only the entry they
wrote, so a client cannot reset its own limit by forging the header
(STYLE.md "Known traps"). With ``REDIS_URL`` the counts are shared by every app
server; with the local-memory cache each process counts on its own.

https://docs.djangoproject.com/en/5.2/topics/cache/#cache-arguments
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

from renovation_portal.middleware import client_ip


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def hit(scope: str, request, *, limit: int, window: int) -> Verdict:
    """Count one attempt of ``request``'s client in ``scope``; refuse past ``limit``
    attempts in the current ``window`` seconds."""
    now = int(time.time())
    window_start = now - now % window
    # Hashed, so the cache holds no address in clear.
    client = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{client}:{window_start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=window_start + window - now)
