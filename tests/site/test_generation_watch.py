"""Every worker hears at once that the page-cache generation moved
(renovation_portal/generation_watch.py), over a real Redis on 127.0.0.1."""

import time
import uuid

import pytest
import redis
from django.core.cache import cache, caches

from renovation_portal import generation_watch, page_cache
from renovation_portal.page_cache import GENERATION_KEY
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
    # Another worker saved a record: it bumped the shared generation and said so.
    cache.incr(GENERATION_KEY)
    generation_watch.announce()

    assert wait_until(lambda: page_cache._recent_generation() is None)
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

    cache.incr(GENERATION_KEY)  # another worker's edit, not announced

    assert not page_cache.watcher.listening
    assert client.get(path)["X-Page-Cache"] == "miss"


def test_a_generation_read_before_a_bump_is_not_trusted_after_it(settings):
    settings.PAGE_CACHE_GENERATION_SECONDS = 60
    forgotten = page_cache._forgotten
    # A request is reading the old generation when the news of a new one comes.
    page_cache.forget_generation()
    page_cache._remember(41, forgotten)

    assert page_cache._recent_generation() is None
