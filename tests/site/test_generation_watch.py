"""Every worker hears at once which page-cache tags moved
(renovation_portal/generation_watch.py), over a real Redis on 127.0.0.1."""

import time
import uuid

import pytest
import redis
from django.core.cache import cache, caches

from renovation_portal import generation_watch, page_cache
from renovation_portal.page_cache import ALL
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/13"  # a database of its own: cleared by these tests
WAIT_SECONDS = 5


def wait_until(condition) -> bool:
    """Poll for something another thread does (never a speed check)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def shared_redis(settings):
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("these tests need Redis on 127.0.0.1:6379")
    settings.REDIS_URL = REDIS
    settings.CACHES = {
        "default": {
            "BACKEND": "renovation_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_WATCH = True
    settings.PAGE_CACHE_GENERATION_SECONDS = 0
    page_cache.local_pages.clear()
    page_cache.forget_generation()
    yield
    page_cache.watcher.stop()
    page_cache.local_pages.clear()
    page_cache.forget_generation()
    cache.clear()


@pytest.fixture
def listening(client, shared_redis):
    """A worker that has served the page once and listens; the page is held."""
    estate = EstateFactory(name_zh_hans="测试小区", name_en="Test Compound")
    path = f"/en/estates/{estate.slug}/"
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert wait_until(lambda: page_cache.watcher.listening)
    assert client.get(path)["X-Page-Cache"] == "hit"
    return path


def test_an_edit_through_another_worker_reaches_this_one_at_once(client, listening):
    # Another worker saved a record: it bumped the shared versions and said so.
    page_cache._bump_in_cache([ALL])
    generation_watch.announce([ALL])

    assert wait_until(lambda: ALL not in page_cache._known)
    assert client.get(listening)["X-Page-Cache"] == "miss"


def test_a_listening_worker_answers_hits_without_asking_redis(
    client, listening, monkeypatch
):
    def no_round_trip(*args, **kwargs):
        raise AssertionError("a hit read the shared cache")

    shared = caches["default"]
    monkeypatch.setattr(shared, "get", no_round_trip)
    monkeypatch.setattr(shared, "get_many", no_round_trip)

    assert client.get(listening)["X-Page-Cache"] == "hit"


def test_every_save_is_announced(shared_redis):
    heard = redis.Redis.from_url(REDIS).pubsub(ignore_subscribe_messages=True)
    heard.subscribe(generation_watch.channel())
    heard.get_message(timeout=1)  # the subscription's confirmation

    EstateFactory()

    assert heard.get_message(timeout=WAIT_SECONDS) is not None
    heard.close()


def test_a_worker_that_cannot_listen_reads_the_generation_each_time(
    client, shared_redis, settings
):
    settings.PAGE_CACHE_WATCH = False
    estate = EstateFactory()
    path = f"/en/estates/{estate.slug}/"
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"

    page_cache._bump_in_cache([ALL])  # another worker's edit, not announced

    assert not page_cache.watcher.listening
    assert client.get(path)["X-Page-Cache"] == "miss"


def test_a_version_read_before_a_bump_is_not_trusted_after_it(settings, monkeypatch):
    settings.PAGE_CACHE_GENERATION_SECONDS = 60
    tag = "estates.estate:1"
    reads = []

    def read_while_a_bump_is_heard(keys):
        # A request is reading the old version when the news of a new one comes.
        page_cache.forget_generation([tag])
        reads.append(keys)
        return {}

    monkeypatch.setattr(cache, "get_many", read_while_a_bump_is_heard)
    assert page_cache.versions([tag]) == {tag: 0}

    assert tag not in page_cache._known
    assert reads


def _another_worker_writes(record) -> set[str]:
    """What another worker's save of ``record`` does to the shared cache."""
    tags = page_cache.tags_of(record)
    page_cache._bump_in_cache(sorted(tags))
    generation_watch.announce(sorted(tags))
    return tags


def test_an_edit_through_another_worker_stales_only_its_compounds_page(
    client, shared_redis, monkeypatch
):
    edited, other = EstateFactory.create_batch(2)
    pages = {e.pk: f"/en/estates/{e.slug}/" for e in (edited, other)}
    for path in pages.values():
        client.get(path)
    assert wait_until(lambda: page_cache.watcher.listening)
    for path in pages.values():
        assert client.get(path)["X-Page-Cache"] == "hit"

    tags = _another_worker_writes(edited)
    assert wait_until(lambda: not tags & page_cache._known.keys())

    def no_round_trip(*args, **kwargs):
        raise AssertionError("a hit read the shared cache")

    with monkeypatch.context() as patched:
        shared = caches["default"]
        patched.setattr(shared, "get", no_round_trip)
        patched.setattr(shared, "get_many", no_round_trip)
        assert client.get(pages[other.pk])["X-Page-Cache"] == "hit"
    assert client.get(pages[edited.pk])["X-Page-Cache"] == "miss"


def test_a_residents_feedback_through_another_worker_stales_no_page(
    client, shared_redis
):
    from tests.governance.factories import FeedbackFactory

    estate = EstateFactory()
    paths = ["/en/", f"/en/estates/{estate.slug}/", "/en/estates/"]
    for path in paths:
        client.get(path)
    assert wait_until(lambda: page_cache.watcher.listening)
    heard = page_cache._forgotten

    feedback = FeedbackFactory(estate=estate)
    _another_worker_writes(feedback)
    assert wait_until(lambda: page_cache._forgotten > heard)

    for path in paths:
        assert client.get(path)["X-Page-Cache"] == "hit", path
