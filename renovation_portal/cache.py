"""Redis as a cache the portal can lose: a stopped or unreachable Redis makes
every cache call a miss, never an error.

The cache only ever speeds things up or counts (API throttles, the feedback
rate limit, cached sessions backed by the database), so when Redis is down the
pages are served from the database: a read is a miss, a write is dropped, an
``incr`` behaves as for a missing key (``ValueError``, which callers handle),
and a warning is logged. ``/healthz`` still reports the outage, because what
it writes does not read back. ``REDIS_SOCKET_TIMEOUT`` bounds each call.
Like django-redis's ``IGNORE_EXCEPTIONS``, with Django's own Redis backend.

https://docs.djangoproject.com/en/5.2/topics/cache/#redis
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _missing_key(key, delta):
    raise ValueError(f"Key '{key}' not found (the cache does not answer).")


# What each call answers while Redis does not: what it answers for a key the
# cache does not hold.
FALLBACKS = {
    "add": lambda key, value, timeout: False,
    "get": lambda key, default: default,
    "set": lambda key, value, timeout: None,
    "touch": lambda key, timeout: False,
    "delete": lambda key: False,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
    "incr": _missing_key,
    "set_many": lambda data, timeout: [],
    "delete_many": lambda keys: None,
    "clear": lambda: False,
}


_failures = 0


def failures() -> int:
    """How many cache calls this process has answered without Redis so far.

    A caller that must know whether its own call reached Redis (a rate limit,
    which must keep counting somewhere: renovation_portal/ratelimit.py) reads
    this before and after the call."""
    return _failures


def _resilient(name):
    method = getattr(RedisCacheClient, name)
    fallback = FALLBACKS[name]

    @functools.wraps(method)
    def call(self, *args):
        global _failures
        try:
            return method(self, *args)
        except UNREACHABLE as error:
            _failures += 1
            logger.warning("The cache does not answer (%s): %s", name, error)
            return fallback(*args)

    return call


def _shared_client(self, key=None, *, write=False):
    """One redis-py client per connection pool, made once.

    Django makes a new ``redis.Redis`` for every call, which copies redis-py's
    table of about 170 reply handlers each time (0.16 ms of a 0.5 ms cached
    page, profiled; issue 7). A client is safe to share between threads: each
    command takes its own connection from the pool.
    https://redis.readthedocs.io/en/stable/advanced_features.html
    """
    index = self._get_connection_pool_index(write)
    clients = self.__dict__.setdefault("_shared_clients", {})
    client = clients.get(index)
    if client is None:
        pool = self._get_connection_pool(write)
        client = clients[index] = self._client(connection_pool=pool)
    return client


ResilientRedisCacheClient = type(
    "ResilientRedisCacheClient",
    (RedisCacheClient,),
    {
        "get_client": _shared_client,
        **{name: _resilient(name) for name in FALLBACKS},
    },
)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose calls fall back to a miss when Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
