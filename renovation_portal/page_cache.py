"""Anonymous page caching and conditional GET for the public pages (issues 7, 17).

A public page is the same for every anonymous visitor who asks for it in the
same language, with elder mode in the same state, on the same day. Such a page
is stored in the configured cache (Redis with ``REDIS_URL``) under a key made of
exactly those things, together with the *tags* of what it was built from and
each tag's version when it was rendered (issue 17; like Drupal's cache tags or
the surrogate keys of Varnish and Fastly). A write bumps the versions of the
tags of what it changed (:func:`tags_of`, through the model signals connected
in ``apps.py``); an entry is served only while every one of its tags has the
version it was stored with, so an edit shows at once on every page that shows
it, and on no other.

The tags:

- ``estates.estate:12``: the record itself. Every portal record made while a
  page renders tags the page (a ``post_init`` receiver), so a page that shows
  a record goes stale when that record is saved or deleted.
- ``estates.estate:12+``: the records under it, those whose foreign key points
  to it (its steps, its notices, its councils' links). A page that lists a
  record's children says so (:func:`shows_children_of`).
- ``estates.estate:*``: every list or count of that kind of record. A page
  that lists or counts a kind says so (:func:`shows_every`).
- ``any``: any write of a portal record but a resident's (feedback, survey
  answers: :data:`QUIET`). The pages that do not declare precisely what they
  show (every page not in :data:`PRECISE_PAGES`, and figures kept by
  :func:`per_generation`) carry it: they are as stale after any clerk's edit
  as before issue 17, never staler.
- ``all``: every page; :func:`bump` (imports and synthetic data written in
  bulk, which send no signals).

A resident's feedback or survey answer therefore stales no public page, except
a compound's page whose satisfaction results the answer changes. Versions are
numbers of one sequence kept in Redis (a bump takes the next number for all its
tags at once, in a script), so a page rendered while a write happened is seen
to be older than it and is not stored. The sequence never falls behind the
clock in microseconds, so a version also tells when its tag was last bumped:
a page rendered from a read replica (issue 20) is not stored while one of its
tags was bumped more recently than the replica may lag
(:func:`renovation_portal.db_router.stale_seconds`), for the replica may not
have the change yet. And a stored page found stale because of so recent a
change is rendered again from the primary: the change shows at once on every
server, to every visitor, and that render is stored.

Each worker also keeps the pages it answered last in its own memory
(:class:`LocalPages`, at most ``PAGE_CACHE_LOCAL_BYTES``), and the versions of
the tags it read last. With Redis every worker listens for bumps
(:mod:`renovation_portal.generation_watch`): a bump made through any worker
names its tags, and the others forget those tags' versions at once, so most
hits make no round trip at all and an edit still shows at once everywhere.
While a worker is not listening it rereads a version after
``PAGE_CACHE_GENERATION_SECONDS`` (0 by default: on every request).

The key and its tags' versions give the page's ETag, so a browser that sends it
back gets ``304 Not Modified`` while nothing it shows changed; the events feed
and the open-data downloads get ETags without being stored.

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

import contextlib
import contextvars
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

from renovation_portal import db_router, generation_watch
from renovation_portal.context_processors import ELDER_MODE_COOKIE

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "page-cache:sequence"
TAG_KEY = "page-cache:tag:{}"
ALL = "all"
ANY = "any"

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
# The pages that say precisely what they show (a record's own page: the long
# tail of 250,000 compounds): they do not carry ``any``.
PRECISE_PAGES = frozenset(
    {
        "estates:estate-detail",
        "estates:community-detail",
        "estates:courtyard-detail",
        "lanes:lane-detail",
    }
)
# Answers that get an ETag (and 304) but are not stored: the calendar feed
# changes its time stamp on every request, the downloads can be large.
CONDITIONAL_ONLY = frozenset({"lanes:event-feed", "data-download"})

# Apps whose records the public pages show.
PORTAL_APPS = frozenset({"estates", "lanes", "governance", "renovation_portal"})

# What residents write (and staff's handling of it): no public page lists it.
# A write of one of these bumps only its own tags and what the function
# registered for it (:func:`quiet_writes`) returns: a survey answer, say,
# changes the survey's public results only once there are enough answers.
QUIET: dict[str, Callable[[models.Model], set[str]] | None] = {
    "governance.feedback": None,
    "governance.feedbackcontact": None,
    "governance.feedbackstatuschange": None,
    "governance.feedbackreply": None,
    "governance.feedbackphoto": None,
    "governance.surveyresponse": None,
}


def quiet_writes(label: str, changes: Callable[[models.Model], set[str]]) -> None:
    """A write of a ``label`` record stales only the pages of the tags
    ``changes(record)`` gives, besides the record's own tags."""
    QUIET[label] = changes


# Figures kept by per_generation expire after ten minutes at most even if no
# write bumps them (a change made outside Django).
VALUE_SECONDS = 10 * 60

# Headers the middleware above this one adds to every response anyway.
NOT_STORED_HEADERS = frozenset({"set-cookie", "content-security-policy"})

# A worker forgets every version it knows beyond this many tags.
KNOWN_TAGS_MAX = 100_000


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def generation_kept() -> bool:
    """Whether writes bump tags: when pages are cached, or when the cache is
    shared by every worker (Redis), so that figures kept by
    :func:`per_generation` reach them all and go stale together. Local memory
    without page caching keeps nothing: each worker would miss the others'
    edits."""
    return enabled() or bool(settings.REDIS_URL)


# ------------------------------------------------------------------------------
# Tags: what a record's write changes, what a page shows.
# ------------------------------------------------------------------------------
def record_tag(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def children_tag(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}+"


def every_tag(model) -> str:
    return f"{model._meta.label_lower}:*"


def _portal(model) -> bool:
    return model._meta.app_label in PORTAL_APPS


def tags_of(instance) -> set[str]:
    """The tags a save or delete of ``instance`` bumps."""
    meta = instance._meta
    label = meta.label_lower
    tags = {record_tag(instance), every_tag(instance)}
    if label in QUIET:
        changes = QUIET[label]
        return tags | (changes(instance) if changes is not None else set())
    for field in meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.related_model is None:
            continue
        value = getattr(instance, field.attname, None)
        if value is not None and _portal(field.related_model):
            tags.add(f"{field.related_model._meta.label_lower}:{value}+")
    tags.add(ANY)
    return tags


_collected: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "page_cache_tags", default=None
)


def depends_on(*tags: str) -> None:
    """The page being rendered shows what these tags name."""
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)


def shows_children_of(*objects) -> None:
    """The page lists (or counts) the records under these records."""
    depends_on(*(children_tag(obj) for obj in objects if obj.pk is not None))


def shows_every(*models) -> None:
    """The page lists or counts every record of these kinds (a new one, or a
    change to any, may change it)."""
    depends_on(*(every_tag(model) for model in models))


def record_made(sender, instance, **kwargs) -> None:
    """post_init receiver: a record made while a page renders tags the page."""
    collected = _collected.get()
    if collected is not None and instance.pk is not None and _portal(sender):
        collected.add(record_tag(instance))


@contextlib.contextmanager
def collecting():
    """Collect the tags of what is made or declared inside the block."""
    tags: set[str] = set()
    token = _collected.set(tags)
    try:
        yield tags
    finally:
        _collected.reset(token)


# ------------------------------------------------------------------------------
# Versions: read (and trusted for a while) by each worker, bumped by writes.
# ------------------------------------------------------------------------------
# The versions this worker read last: tag -> (version, when read, the count of
# forgettings when the read began). A bump heard while a request was reading
# an old version must not be overwritten by that old value.
_known: dict[str, tuple[int, float]] = {}
_forgotten = 0


def forget_generation(tags=None) -> None:
    """Read these tags' versions (all, with None) from the cache again."""
    global _forgotten
    _forgotten += 1
    if tags is None:
        _known.clear()
        return
    for tag in tags:
        _known.pop(tag, None)


watcher = generation_watch.GenerationWatcher(on_change=forget_generation)


def _trust_seconds() -> float:
    trusted = settings.PAGE_CACHE_GENERATION_SECONDS
    if watcher.listening:
        trusted = max(trusted, generation_watch.LISTENING_TRUST_SECONDS)
    return trusted


def versions(tags) -> dict[str, int]:
    """The current version of each tag (0 for a tag never bumped): from this
    worker's memory while it trusts it, else from the cache in one round trip."""
    now = time.monotonic()
    trusted = _trust_seconds()
    found: dict[str, int] = {}
    unknown = []
    for tag in tags:
        held = _known.get(tag)
        if held is not None and now - held[1] < trusted:
            found[tag] = held[0]
        else:
            unknown.append(tag)
    if unknown:
        forgotten = _forgotten
        read = cache.get_many([TAG_KEY.format(tag) for tag in unknown])
        if len(_known) > KNOWN_TAGS_MAX:
            _known.clear()
        for tag in unknown:
            version = read.get(TAG_KEY.format(tag), 0)
            found[tag] = version
            if forgotten == _forgotten and trusted > 0:
                _known[tag] = (version, now)
    return found


def sequence() -> int | None:
    """The last version given to any tag: a page whose tags are all at or
    below the sequence read before rendering it was rendered from rows no
    write changed meanwhile. A lost sequence (Redis restarted) starts again
    from the clock; None when the cache does not answer."""
    value = cache.get(SEQUENCE_KEY)
    if value is None:
        cache.add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=None)
        value = cache.get(SEQUENCE_KEY)
    return value


# One script bumps every tag of a write to the next number of the sequence: one
# more than the last, or Redis's clock in microseconds when that is later, so
# a version says when it was given. A lost sequence (Redis restarted) starts
# again from the clock, never from a number used before. (Lua numbers are
# doubles, exact for whole microseconds for another 200 years.)
_BUMP_SCRIPT = """
local now = redis.call('TIME')
local clock = tonumber(now[1]) * 1000000 + tonumber(now[2])
local next = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
if clock > next then next = clock end
local value = string.format('%d', next)
for i = 1, #KEYS do redis.call('SET', KEYS[i], value) end
return value
"""
_local_bump_lock = threading.Lock()


def _clock() -> int:
    return time.time_ns() // 1000


def _bump_in_cache(tags: list[str]) -> None:
    keys = [SEQUENCE_KEY, *(TAG_KEY.format(tag) for tag in tags)]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        full = [cache.make_and_validate_key(key) for key in keys]
        client.eval(_BUMP_SCRIPT, len(full), *full)
        return
    # Local memory (one process): the same, without the script.
    with _local_bump_lock:
        number = max((cache.get(SEQUENCE_KEY) or 0) + 1, _clock())
        cache.set_many(dict.fromkeys(keys, number), timeout=None)


def bump_tags(tags) -> None:
    """Make every page carrying one of ``tags`` stale, here and (announced)
    in every worker. Never fails the edit that called it."""
    tags = sorted(set(tags))
    if not tags:
        return
    forget_generation(tags)
    try:
        _bump_in_cache(tags)
    except Exception:  # the cache is down: pages expire by themselves
        logger.warning("Could not bump the page cache tags", exc_info=True)
        return
    generation_watch.announce(tags)


def bump() -> None:
    """Make every stored page and figure stale."""
    bump_tags([ALL])


def _recently_bumped(current: dict[str, int]) -> bool:
    """Whether a tag was bumped more recently than a replica in use may lag."""
    if not current:
        return False
    return _clock() - max(current.values()) <= db_router.stale_seconds() * 1_000_000


def fresh_on_replicas(current: dict[str, int]) -> bool:
    """Whether what was rendered may be kept under these versions: always when
    it was read from the primary; when read from a replica, only if no tag
    was bumped more recently than a replica in use may lag."""
    return not db_router.replica_read() or not _recently_bumped(current)


def _changed_lately(current: dict[str, int]) -> None:
    """A stored page went stale: when what changed is younger than a replica's
    lag, the page is rendered again from the primary, so that the change
    shows at once on every server (and that page can be stored)."""
    if _recently_bumped(current):
        db_router.prefer_primary()


def changed(instance) -> None:
    """A record was written without a signal (``bulk_update``): bump its tags
    now and at commit, as its save would have."""
    record_changed(type(instance), instance=instance)


def _bump_now_and_at_commit(tags, using) -> None:
    # Now, so that this request (and a test) sees the change; and again at
    # commit, so that a page rendered from the old rows while the transaction
    # was open is not kept under the new versions.
    bump_tags(tags)
    transaction.on_commit(lambda: bump_tags(tags), using=using)


def record_changed(sender, instance=None, using=None, **kwargs) -> None:
    """post_save and post_delete receiver for every model; without an
    instance (a write in bulk), every page goes stale."""
    if not _portal(sender) or not generation_kept():
        return
    tags = {ALL} if instance is None else tags_of(instance)
    _bump_now_and_at_commit(tags, using)


def relation_changed(
    sender, instance, action, model, pk_set, using=None, **kwargs
) -> None:
    """m2m_changed receiver: both ends of each link changed."""
    if not action.startswith("post_") or not generation_kept():
        return
    if not (_portal(sender) or _portal(type(instance))):
        return
    tags = {record_tag(instance), children_tag(instance), every_tag(instance)}
    tags |= {every_tag(model), every_tag(sender), ANY}
    label = model._meta.label_lower
    if pk_set is None:  # cleared: which records were linked is not known
        tags.add(ALL)
    else:
        tags |= {f"{label}:{pk}" for pk in pk_set} | {f"{label}:{pk}+" for pk in pk_set}
    _bump_now_and_at_commit(tags, using)


def per_generation(name: str, compute):
    """``compute()``, worked out at most once per change of any portal record:
    costly figures (exact counts over every compound) that many pages show,
    even pages rendered afresh. The value is stored with the versions of
    ``all`` and ``any`` read before computing it, so a write during the
    computation leaves it stale, and the next request after an edit computes
    it again. Without a kept generation, or with the
    cache down, it is computed every time."""
    if not generation_kept():
        return compute()
    key = f"page-cache:value:{name}"
    depends_on(ALL, ANY)
    try:
        # Read before computing: a write meanwhile leaves the value stale.
        current = versions([ALL, ANY])
        entry = cache.get(key)
        if entry is not None and entry[0] == current:
            return entry[1]
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)
        return compute()
    value = compute()
    if not fresh_on_replicas(current):
        return value
    try:
        cache.set(key, (current, value), timeout=VALUE_SECONDS)
    except Exception:
        logger.warning("Could not store a value", exc_info=True)
    return value


# How long a value computed by a job is kept (stale ones are still served
# while the job computes the next), and how long one job's claim lasts.
KEPT_SECONDS = 24 * 60 * 60
REFRESH_CLAIM_SECONDS = 60


def kept_or_refreshed(name: str, compute, refresh) -> object:
    """Like :func:`per_generation`, for values too costly to compute on a
    request (the map's national grid, issue 19): a value of an earlier
    generation is served as it is while ``refresh()`` (a queued job, claimed
    once per ``REFRESH_CLAIM_SECONDS``) stores the next with
    :func:`store_kept`. Only when none was ever stored is ``compute()`` run
    here. Without a kept generation, or with the cache down, it is computed."""
    if not generation_kept():
        return compute()
    key = f"page-cache:kept:{name}"
    depends_on(ALL, ANY)
    try:
        current = versions([ALL, ANY])
        entry = cache.get(key)
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)
        return compute()
    if entry is not None:
        if entry[0] != current and cache.add(
            f"{key}:claim", 1, timeout=REFRESH_CLAIM_SECONDS
        ):
            refresh()
        return entry[1]
    value = compute()
    if fresh_on_replicas(current):
        _store(key, current, value)
    return value


def store_kept(name: str, compute) -> None:
    """Compute a :func:`kept_or_refreshed` value now and keep it, marked
    with the versions read before computing (so a write meanwhile leaves it
    stale); the refresh job calls this."""
    if not generation_kept():
        return
    key = f"page-cache:kept:{name}"
    current = versions([ALL, ANY])
    value = compute()
    _store(key, current, value)
    cache.delete(f"{key}:claim")


def _store(key, current, value) -> None:
    try:
        cache.set(key, (current, value), timeout=KEPT_SECONDS)
    except Exception:
        logger.warning("Could not store a value", exc_info=True)


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


def lookup(key: str) -> tuple[int | None, tuple | None]:
    """The page stored under ``key`` if every tag it carries still has the
    version it was stored with: when this worker holds the page and trusts
    the versions it knows, without a round trip. Otherwise (or when the page
    held here is stale) the shared entry, with the sequence: the number a
    page rendered now must not be older than to be kept (None: keep nothing,
    the cache does not answer).
    Starts this worker's listening for bumps (with Redis)."""
    if settings.REDIS_URL and settings.PAGE_CACHE_WATCH:
        watcher.start()
    held = local_pages.get(key)
    if held is not None:
        current = versions(held[0])
        if current == held[0]:
            return None, held
        _changed_lately(current)
    # Stale here, or not held: another worker may have stored a fresh one.
    found = cache.get_many([SEQUENCE_KEY, key])
    before = found.get(SEQUENCE_KEY)
    if before is None:  # lost, or the cache does not answer: nothing is kept
        return sequence(), None
    entry = found.get(key)
    if entry is None:
        return before, None
    current = versions(entry[0])
    if current != entry[0]:
        _changed_lately(current)
        return before, None
    local_pages.put(key, entry)
    return before, entry


def _etag(key: str, current: dict[str, int]) -> str:
    stamp = ",".join(f"{tag}={current[tag]}" for tag in sorted(current))
    digest = hashlib.sha256(f"{key}:{stamp}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def page_tags(view_name: str, collected: set[str]) -> set[str]:
    """The tags a page rendered by ``view_name`` carries."""
    if view_name in PRECISE_PAGES:
        tags = set(collected)
        # A record's own tag is redundant beside every record of its kind.
        kinds = {tag[:-2] for tag in tags if tag.endswith(":*")}
        tags = {
            tag
            for tag in tags
            if tag.endswith(("+", ":*")) or tag.rpartition(":")[0] not in kinds
        }
        tags.add(ALL)
        return tags
    return {ALL, ANY} | {tag for tag in collected if tag.endswith(":*")}


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
                before, entry = None, None
            elif request.META.get("QUERY_STRING"):
                before, entry = None, None  # never stored
            else:
                before, entry = lookup(key)
        except Exception:  # the cache is down: serve without it
            logger.warning("Page cache unavailable", exc_info=True)
            key = entry = None
        if entry is not None:
            return self._from_cache(request, _etag(key, entry[0]), entry)
        if key is None:
            return self.get_response(request)

        with collecting() as collected:
            response = self.get_response(request)
        if response.status_code != HTTPStatus.OK:
            return response
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        with_query = bool(request.META.get("QUERY_STRING"))
        if view_name not in CONDITIONAL_ONLY and (
            with_query or view_name not in CACHED_PAGES
        ):
            return response
        try:
            current = versions(page_tags(view_name, collected))
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
            return response
        storable = (
            view_name in CACHED_PAGES
            and not with_query
            and before is not None
            and _storable(request, response)
        )
        response["ETag"] = _etag(key, current)
        _revalidate(response)
        if storable:
            # Not kept when a tag moved past the sequence read before the
            # page was rendered: a write happened meanwhile, and the page may
            # show the rows of before it under the versions of after.
            if max(current.values()) <= before and fresh_on_replicas(current):
                self._store(key, current, response)
            response["X-Page-Cache"] = "miss"
        conditional = get_conditional_response(
            request, etag=response["ETag"], response=response
        )
        if conditional is not response:
            _discard(response)
        return conditional

    def _store(self, key, current, response):
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in NOT_STORED_HEADERS
        ]
        entry = (current, response.content, headers)
        local_pages.put(key, entry)
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Could not store a page", exc_info=True)

    def _from_cache(self, request, etag, entry):
        _versions, content, headers = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(request, etag=etag, response=response)
