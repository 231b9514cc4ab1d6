"""Anonymous page caching and conditional GET for the public pages (issue 7).

A public page is the same for every anonymous visitor who asks for it in the
same language, with elder mode in the same state, on the same day. Such a page
is stored in the configured cache (Redis with ``REDIS_URL``) under a key made of
exactly those things, together with the *generation* number current when it
was rendered; every save or delete of a portal record bumps the generation
(signals, connected in ``apps.py``), so an entry of an older generation is
never served: the next request after a staff edit renders afresh and the edit
shows at once. Old entries expire after ``PAGE_CACHE_SECONDS``.

Each worker also keeps the pages it answered last in its own memory
(:class:`LocalPages`, at most ``PAGE_CACHE_LOCAL_BYTES``), with their
generation: a hit then costs at most one small read of the generation from the
cache rather than the whole page. A page not held locally comes with the
generation in one round trip (``get_many``). A worker also remembers the
generation it read, and with Redis every worker listens for bumps
(:mod:`renovation_portal.generation_watch`): a bump made through any worker
makes the others forget it at once, so most hits make no round trip at all
and an edit still shows at once everywhere (issue 7: cached pages at 0.8 of
the static-file ceiling). While a worker is not listening it rereads the
generation after ``PAGE_CACHE_GENERATION_SECONDS`` (0 by default: on every
request).

The key and the generation give the page's ETag, so a browser that sends it back gets
``304 Not Modified`` while nothing changed; the events feed and the open-data
downloads get the same ETags without being stored.

What is never stored: a response to a visitor with a session or a pending
message (staff who are logged in, a resident who just sent feedback), a
response that sets a cookie, uses a CSRF token or a CSP nonce, varies on
cookies, or is not a plain 200. Pages with a query string (a search, page 2)
are not stored either, which keeps the number of entries bounded; of those,
only the feed and downloads get an ETag (``/events.ics?subdistrict=…``).

The middleware sits just below WhiteNoise: a hit is answered before sessions,
language, CSRF and authentication run, and without a database query; the
security and CSP headers are still added by the middleware above it. The
cached pages use no CSP nonce (they have no inline script), so their policy is
the same for every response.

Caching is off when ``PAGE_CACHE_SECONDS`` is 0, the default without
``REDIS_URL``: local memory is one cache per worker process, and a staff edit
handled by one worker could not reach the others' caches.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

from renovation_portal import generation_watch
from renovation_portal.context_processors import ELDER_MODE_COOKIE

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"

# Pages stored and answered from the cache (URL names).
CACHED_PAGES = frozenset(
    {
        "home",
        "data",
        "programmes:programme-list",
        "programmes:programme-detail",
        "programmes:programme-case-study",
        "programmes:programme-compounds",
        "programmes:compare",
        "estates:estate-list",
        "estates:estate-detail",
        "estates:community-detail",
        "estates:courtyard-detail",
        "lanes:lane-list",
        "lanes:lane-detail",
        "lanes:event-list",
        "governance:governance",
    }
)
# Answers that get an ETag (and 304) but are not stored: the calendar feed
# changes its time stamp on every request, the downloads can be large.
CONDITIONAL_ONLY = frozenset({"lanes:event-feed", "data-download"})

# Apps whose records the public pages show; a write to any of them bumps the
# generation.
PORTAL_APPS = frozenset({"estates", "lanes", "governance", "renovation_portal"})

# Figures kept under a generation expire after ten minutes at most even if no
# write bumps it (a change made outside Django).
VALUE_SECONDS = 10 * 60

# Headers the middleware above this one adds to every response anyway.
NOT_STORED_HEADERS = frozenset({"set-cookie", "content-security-policy"})


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def generation_kept() -> bool:
    """Whether writes bump the generation: when pages are cached, or when the
    cache is shared by every worker (Redis), so that figures kept under the
    generation (:func:`per_generation`) reach them all and go stale together.
    Local memory without page caching keeps nothing: each worker would miss
    the others' edits."""
    return enabled() or bool(settings.REDIS_URL)


def generation() -> int:
    """The current generation. A lost key (Redis restarted or evicted it)
    restarts from the clock, never from a number used before."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


# The generation this worker read last, when (time.monotonic()), and the count
# of forgettings when the read began: a bump heard while a request was reading
# the old generation must not be overwritten by that old value.
_seen: tuple[int, float, int] | None = None
_forgotten = 0


def _remember(current: int, forgotten: int) -> None:
    global _seen
    _seen = (current, time.monotonic(), forgotten)


def forget_generation() -> None:
    """Read the generation from the cache again at the next request."""
    global _seen, _forgotten
    _forgotten += 1
    _seen = None


def _recent_generation() -> int | None:
    seen = _seen
    if seen is None:
        return None
    current, read_at, forgotten = seen
    trusted = settings.PAGE_CACHE_GENERATION_SECONDS
    if watcher.listening:
        trusted = max(trusted, generation_watch.LISTENING_TRUST_SECONDS)
    if forgotten != _forgotten or time.monotonic() - read_at >= trusted:
        return None
    return current


watcher = generation_watch.GenerationWatcher(on_change=forget_generation)


def bump() -> None:
    """Make every stored page stale. Never fails the edit that called it."""
    forget_generation()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or (ResilientRedisCache) no Redis
        if not cache.add(GENERATION_KEY, time.time_ns(), timeout=None):
            return  # nothing moved here; a Redis that is down hears nothing
    except Exception:  # the cache is down: pages expire by themselves
        logger.warning("Could not bump the page cache generation", exc_info=True)
        return
    generation_watch.announce()


def record_changed(sender, using=None, **kwargs) -> None:
    """post_save, post_delete and m2m_changed receiver for every model."""
    if sender._meta.app_label not in PORTAL_APPS or not generation_kept():
        return
    # Now, so that this request (and a test) sees the change; and again at
    # commit, so that a page rendered from the old rows while the transaction
    # was open is not kept under the new generation.
    bump()
    transaction.on_commit(bump, using=using)


def per_generation(name: str, compute):
    """``compute()``, worked out at most once per generation: costly figures
    (exact counts over every compound) that many pages show, even pages
    rendered afresh. The value is stored with the generation read before
    computing it, like a page, so a write during the computation leaves it
    stale, and the next request after an edit computes it again. Without a
    kept generation, or with the cache down, it is computed every time."""
    if not generation_kept():
        return compute()
    key = f"page-cache:value:{name}"
    try:
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()
        entry = found.get(key)
        if entry is not None and entry[0] == current:
            return entry[1]
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)
        return compute()
    value = compute()
    try:
        cache.set(key, (current, value), timeout=VALUE_SECONDS)
    except Exception:
        logger.warning("Could not store a value", exc_info=True)
    return value


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def _skipped_path(path: str) -> bool:
    prefixes = (
        "/api/",
        "/i18n/",
        "/" + settings.ADMIN_URL,
        settings.STATIC_URL,
        settings.MEDIA_URL,
    )
    return path.startswith(prefixes) or path == "/healthz"


def _language(request) -> str:
    """The page's language, as the URL decides it (``i18n_patterns`` with
    ``prefix_default_language=False``: no prefix is Chinese)."""
    return translation.get_language_from_path(request.path_info) or (
        settings.LANGUAGE_CODE
    )


def page_key(request) -> str | None:
    """The cache key of this request's page (without the generation), or None
    when it may not be cached."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return None
    if not _anonymous(request):
        return None
    path = request.path_info
    if _skipped_path(path):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # Django answers 400 on the normal path.
    parts = (
        request.scheme,
        host,
        request.path,
        request.META.get("QUERY_STRING", ""),
        _language(request),
        request.COOKIES.get(ELDER_MODE_COOKIE) == "1",
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"page-cache:{digest}"


class LocalPages:
    """The pages this worker answered last, each with its generation: a
    least-recently-used list bounded by the bytes of the pages it holds."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple] = OrderedDict()
        # gunicorn's threaded workers share the list.
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        size = len(entry[1])
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old[1])
            if size > self.max_bytes:
                return
            self._entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _key, oldest = self._entries.popitem(last=False)
                self.size -= len(oldest[1])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


local_pages = LocalPages(settings.PAGE_CACHE_LOCAL_BYTES)


def lookup(key: str) -> tuple[int, tuple | None]:
    """The current generation and the page stored under ``key`` if it was
    stored in this generation: when this worker holds the page, the generation
    it still trusts (see :func:`_recent_generation`), or else the generation
    alone from the cache; otherwise (or when the page it holds is stale) both
    in one round trip.
    Starts this worker's listening for bumps (with Redis)."""
    if settings.REDIS_URL and settings.PAGE_CACHE_WATCH:
        watcher.start()
    forgotten = _forgotten
    held = local_pages.get(key)
    if held is not None:
        current = _recent_generation()
        if current is None:
            current = cache.get(GENERATION_KEY)
        if current is None:
            return generation(), None
        _remember(current, forgotten)
        if held[0] == current:
            return current, held
        # Stale here: another worker may have stored this generation's page.
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        return generation(), None
    _remember(current, forgotten)
    entry = found.get(key)
    if entry is None or entry[0] != current:
        return current, None
    local_pages.put(key, entry)
    return current, entry


def _etag(key: str, current: int) -> str:
    digest = hashlib.sha256(f"{key}:{current}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def _storable(request, response) -> bool:
    vary = response.get("Vary", "")
    return (
        response.status_code == HTTPStatus.OK
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
        and "cookie" not in vary.lower()
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and getattr(request, "LANGUAGE_CODE", None) == _language(request)
    )


def _revalidate(response) -> None:
    # Browsers keep the page but ask each time; shared caches may not keep it,
    # as it differs by the elder-mode cookie.
    response["Cache-Control"] = "private, no-cache"


def _discard(response) -> None:
    """Close a response answered by a 304 instead (its file, its generator)
    without ``response.close()``, which also sends ``request_finished``: the
    request is not over, and that signal closes the database connection it
    still uses (``close_old_connections``)."""
    for closer in response._resource_closers:
        closer()
    response._resource_closers.clear()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = page_key(request)
            if key is None:
                current, entry = None, None
            elif request.META.get("QUERY_STRING"):
                current, entry = generation(), None  # never stored
            else:
                current, entry = lookup(key)
        except Exception:  # the cache is down: serve without it
            logger.warning("Page cache unavailable", exc_info=True)
            key = entry = None
        if entry is not None:
            return self._from_cache(request, _etag(key, current), entry)

        response = self.get_response(request)
        if key is None or response.status_code != HTTPStatus.OK:
            return response
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        with_query = bool(request.META.get("QUERY_STRING"))
        if view_name not in CONDITIONAL_ONLY and (
            with_query or view_name not in CACHED_PAGES
        ):
            return response
        storable = (
            view_name in CACHED_PAGES
            and not with_query
            and _storable(request, response)
        )
        response["ETag"] = _etag(key, current)
        _revalidate(response)
        if storable:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in NOT_STORED_HEADERS
            ]
            entry = (current, response.content, headers)
            local_pages.put(key, entry)
            try:
                # Stored with the generation read before rendering: if a
                # record changed meanwhile, this entry is already stale.
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Could not store a page", exc_info=True)
            response["X-Page-Cache"] = "miss"
        conditional = get_conditional_response(
            request, etag=response["ETag"], response=response
        )
        if conditional is not response:
            _discard(response)
        return conditional

    def _from_cache(self, request, etag, entry):
        _generation, content, headers = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(request, etag=etag, response=response)
