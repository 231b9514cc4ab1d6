"""Every worker told at once which page-cache tags moved (issues 7, 17).

A worker that trusts the tag versions it read last answers a cached page with
no round trip to Redis, which is what brings cached pages near the static-file
ceiling; but then an edit saved through another worker would show only when
that trust runs out. So each worker listens on a Redis channel
(:class:`GenerationWatcher`, a daemon thread started by the first request that
looks a page up) and :func:`announce` publishes on it the tags of every bump.
A message makes the worker forget the versions of those tags: its next
request that needs one reads it again. While it listens, a worker trusts what
it read for up to ``LISTENING_TRUST_SECONDS`` (a last guard should a message
be lost with a connection that has died unnoticed); while it does not (Redis
down, the thread still connecting), it trusts it only for
``PAGE_CACHE_GENERATION_SECONDS``, 0 by default: it reads the versions for
every request.

https://redis.readthedocs.io/en/stable/advanced_features.html#publish-subscribe
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

LISTENING_TRUST_SECONDS = 30.0
# redis-py pings a quiet subscription this often, so a dead connection is
# noticed within seconds rather than never.
HEALTH_CHECK_SECONDS = 5
# How long one wait for a message lasts (the stop flag is checked between).
POLL_SECONDS = 0.5
RETRY_SECONDS = 1.0


def channel() -> str:
    """The channel's name, with the cache's key prefix: two portals sharing a
    Redis server do not hear each other."""
    return cache.make_key("page-cache:generation-moved")


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=1,
        socket_timeout=HEALTH_CHECK_SECONDS + 1,
        health_check_interval=HEALTH_CHECK_SECONDS,
    )


# The publishing client of this process, for this REDIS_URL.
_publisher: tuple[int, str, redis.Redis] | None = None


def announce(tags=()) -> None:
    """Tell every listening worker that these tags moved (one per line). Never
    fails the edit: a worker that misses it reads the versions again within
    ``LISTENING_TRUST_SECONDS`` anyway."""
    global _publisher
    if not settings.REDIS_URL:
        return
    try:
        here = (os.getpid(), settings.REDIS_URL)
        if _publisher is None or _publisher[:2] != here:
            _publisher = (*here, _client(settings.REDIS_URL))
        _publisher[2].publish(channel(), "\n".join(tags).encode())
    except Exception as error:
        logger.warning("Could not announce a new page cache generation: %s", error)


class GenerationWatcher:
    """One listening thread per process (a forked worker starts its own)."""

    def __init__(self, on_change: Callable[..., None]) -> None:
        self._on_change = on_change
        self._pid: int | None = None
        self._url: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.listening = False

    def start(self) -> None:
        """Listen in this process to ``REDIS_URL`` (again, if it changed)."""
        if self._pid == os.getpid() and self._url == settings.REDIS_URL:
            return
        with self._lock:
            if self._pid == os.getpid() and self._url == settings.REDIS_URL:
                return
            self._stop.set()  # a thread listening elsewhere ends by itself
            self._pid, self._url = os.getpid(), settings.REDIS_URL
            self.listening = False
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._listen,
                args=(self._stop, settings.REDIS_URL, channel()),
                name="page-cache-watch",
                daemon=True,
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop listening (tests; a worker's thread ends with its process)."""
        with self._lock:
            self._stop.set()
            if self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=5)
            self._thread = None
            self._pid = self._url = None
            self.listening = False

    def _listen(self, stop: threading.Event, url: str, name: str) -> None:
        warned = False
        while not stop.is_set():
            pubsub = None
            try:
                pubsub = _client(url).pubsub()
                pubsub.subscribe(name)
                while not stop.is_set():
                    message = pubsub.get_message(timeout=POLL_SECONDS)
                    if message is None:
                        continue
                    if message["type"] == "subscribe" and not stop.is_set():
                        warned = False
                        self.listening = True
                        # Whatever moved before is unknown.
                        self._on_change()
                    elif message["type"] == "message":
                        data = message["data"] or b""
                        self._on_change(data.decode().split("\n") if data else None)
            except Exception as error:
                if not warned:
                    logger.warning("Not listening for page cache changes: %s", error)
                    warned = True
            finally:
                if self._stop is stop:  # not a thread replaced meanwhile
                    self.listening = False
                self._on_change()
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # a dead connection
                        pubsub.close()
            stop.wait(RETRY_SECONDS)
