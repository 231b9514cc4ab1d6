"""Anonymous page caching and conditional GET (renovation_portal/page_cache.py)."""

import time
from http import HTTPStatus

import pytest
from django.core.cache import cache

from renovation_portal import page_cache as page_cache_module
from renovation_portal.page_cache import ALL, LocalPages
from tests.estates.factories import EstateFactory
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def estate():
    return EstateFactory(name_zh_hans="测试小区", name_en="Test Compound")


def page(estate, prefix="/en"):
    return f"{prefix}/estates/{estate.slug}/"


def test_second_request_is_served_from_the_cache_without_a_query(
    client, estate, django_assert_num_queries
):
    first = client.get(page(estate))
    with django_assert_num_queries(0):
        second = client.get(page(estate))

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content


@pytest.mark.parametrize(
    "path",
    ["/", "/en/", "/en/estates/", "/en/lanes/", "/en/events/", "/en/programmes/"],
)
def test_public_pages_are_cached(client, path):
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"


def test_a_worker_answers_a_hit_from_its_own_memory(client, estate):
    first = client.get(page(estate))
    # The shared cache loses the page but keeps the versions.
    ((key, _entry),) = page_cache_module.local_pages._entries.items()
    cache.delete(key)

    second = client.get(page(estate))

    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_worker_may_be_told_to_trust_the_versions_for_a_second(
    client, estate, monkeypatch, settings
):
    settings.PAGE_CACHE_GENERATION_SECONDS = 1
    client.get(page(estate))
    # Another process saved a record: only the shared versions moved.
    page_cache_module._bump_in_cache([ALL])
    # This worker trusts the versions it read for up to a second ...
    assert client.get(page(estate))["X-Page-Cache"] == "hit"

    started = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: started + 1.0)

    # ... and no longer.
    assert client.get(page(estate))["X-Page-Cache"] == "miss"


def test_an_edit_through_another_worker_shows_at_once_without_listening(client, estate):
    client.get(page(estate))
    page_cache_module._bump_in_cache([ALL])

    assert client.get(page(estate))["X-Page-Cache"] == "miss"


def test_a_stale_page_held_here_gives_way_to_a_fresh_one_another_worker_stored(
    client, estate, django_assert_num_queries
):
    client.get(page(estate))
    ((key, stale),) = page_cache_module.local_pages._entries.items()
    # A staff edit; another worker renders the page afresh and stores it.
    estate.name_en = "Renamed Compound"
    estate.save()
    page_cache_module.local_pages.clear()
    client.get(page(estate))
    # This worker still holds the page of before the edit.
    page_cache_module.local_pages.put(key, stale)

    with django_assert_num_queries(0):
        answer = client.get(page(estate))

    assert answer["X-Page-Cache"] == "hit"
    assert b"Renamed Compound" in answer.content


def test_a_workers_pages_stay_within_their_bytes():
    pages = LocalPages(max_bytes=10)
    pages.put("a", (1, b"12345", []))
    pages.put("b", (1, b"12345", []))
    pages.get("a")  # used last: "b" is now the oldest
    pages.put("c", (1, b"123", []))
    pages.put("huge", (1, b"12345678901", []))

    assert pages.size <= 10
    assert pages.get("b") is None
    assert pages.get("huge") is None
    assert pages.get("a") == (1, b"12345", [])
    assert pages.get("c") == (1, b"123", [])


def test_an_edit_shows_on_the_next_request(client, estate):
    client.get(page(estate))
    estate.name_en = "Renamed Compound"
    estate.save()

    response = client.get(page(estate))

    assert response["X-Page-Cache"] == "miss"
    assert "Renamed Compound" in response.text


def test_an_edit_of_another_record_shows_on_the_next_request(client, estate):
    lane = LaneFactory(name_en="Test Lane")
    client.get(lane.get_absolute_url().replace("/lanes/", "/en/lanes/", 1))
    lane.estates.add(estate)  # m2m_changed

    response = client.get(f"/en/lanes/{lane.slug}/")

    assert "Test Compound" in response.text


def test_a_deletion_shows_on_the_next_request(client, estate):
    assert "Test Compound" in client.get("/en/estates/").text
    estate.delete()

    assert "Test Compound" not in client.get("/en/estates/").text


def test_an_edit_in_the_admin_shows_on_the_next_request(client, admin_client, estate):
    anonymous = client.__class__()
    anonymous.get(page(estate))
    admin_client.post(
        f"/admin/estates/estate/{estate.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert anonymous.get(page(estate)).status_code == HTTPStatus.NOT_FOUND


def test_languages_do_not_mix(client, estate):
    chinese = client.get(page(estate, prefix=""))
    english = client.get(page(estate))
    chinese_again = client.get(page(estate, prefix=""))

    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.text
    assert '<html lang="zh-Hans">' in chinese_again.text
    assert chinese_again.content == chinese.content


def test_unprefixed_page_stays_chinese_for_an_english_browser(client, estate):
    client.get(page(estate, prefix=""))
    response = client.get(page(estate, prefix=""), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-Hans">' in response.text


def test_elder_mode_pages_are_kept_apart(client, estate):
    client.get(page(estate))
    client.cookies["elder_mode"] = "1"

    response = client.get(page(estate))

    assert response["X-Page-Cache"] == "miss"
    assert '<body class="elder">' in response.text


def test_logged_in_staff_never_get_a_cached_page(client, admin_client, estate):
    anonymous = client.__class__()
    anonymous.get(page(estate))
    response = admin_client.get(page(estate))

    assert "X-Page-Cache" not in response


def test_a_page_rendered_for_staff_is_not_kept(admin_client, estate):
    admin_client.get(page(estate))
    anonymous = admin_client.__class__()

    assert anonymous.get(page(estate))["X-Page-Cache"] == "miss"


def test_a_visitor_with_a_pending_message_is_not_served_from_the_cache(client, estate):
    client.get(page(estate))
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in client.get(page(estate))


def test_cached_pages_carry_no_csrf_token_and_set_no_cookie(client, estate):
    client.get(page(estate))
    response = client.get(page(estate))
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


def test_a_search_is_not_cached(client, estate):
    client.get("/en/estates/?q=test")
    assert "X-Page-Cache" not in client.get("/en/estates/?q=test")


def test_a_missing_page_is_not_cached(client):
    client.get("/en/estates/no-such-compound/")
    response = client.get("/en/estates/no-such-compound/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "X-Page-Cache" not in response


def test_cached_pages_keep_the_security_headers(client, estate):
    client.get(page(estate))
    response = client.get(page(estate))
    assert response["X-Page-Cache"] == "hit"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "nonce" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_api_docs_page_with_its_nonce_is_never_cached(client):
    first = client.get("/api/docs/")
    second = client.get("/api/docs/")
    assert "X-Page-Cache" not in second
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_caching_is_off_when_page_cache_seconds_is_zero(client, settings, estate):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(page(estate))
    assert "X-Page-Cache" not in client.get(page(estate))


# ------------------------------------------------------------------------------
# Conditional GET
# ------------------------------------------------------------------------------
def test_page_answers_304_to_its_etag(client, estate):
    etag = client.get(page(estate))["ETag"]

    response = client.get(page(estate), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == etag


def test_page_answers_200_to_its_old_etag_after_an_edit(client, estate):
    etag = client.get(page(estate))["ETag"]
    estate.name_en = "Renamed Compound"
    estate.save()

    response = client.get(page(estate), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_etag_differs_by_language(client, estate):
    assert client.get(page(estate))["ETag"] != client.get(page(estate, ""))["ETag"]


def test_browsers_revalidate_and_shared_caches_do_not_keep_pages(client, estate):
    first = client.get(page(estate))
    second = client.get(page(estate))
    assert first["Cache-Control"] == second["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(
    "path", ["/events.ics", "/en/events.ics", "/data/estates.csv", "/data/lanes.json"]
)
def test_feed_and_downloads_answer_304_to_their_etag(client, estate, path):
    first = client.get(path)
    assert first.status_code == HTTPStatus.OK

    response = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert "X-Page-Cache" not in first  # answered afresh, not stored


def test_download_etag_changes_after_an_edit(client, estate):
    etag = client.get("/data/estates.csv")["ETag"]
    estate.name_en = "Renamed Compound"
    estate.save()

    response = client.get("/data/estates.csv", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.OK


def test_pages_still_answer_when_the_cache_is_down(client, estate, monkeypatch):
    from renovation_portal import page_cache

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    monkeypatch.setattr(page_cache, "cache", Down())

    response = client.get(page(estate))
    estate.name_en = "Renamed Compound"
    estate.save()  # the edit itself does not fail

    assert response.status_code == HTTPStatus.OK
    assert "Renamed Compound" in client.get(page(estate)).text


def test_nothing_is_kept_while_redis_answers_as_if_empty(client, estate, monkeypatch):
    """A Redis that is down answers every read as a miss (ResilientRedisCache):
    no page is then kept, even in a worker's own memory, since no edit
    could say it is stale."""
    from renovation_portal import page_cache

    class Silent:
        def get(self, key, default=None):
            return default

        def get_many(self, keys):
            return {}

        def add(self, *args, **kwargs):
            return False

        def set(self, *args, **kwargs):
            return None

        def set_many(self, *args, **kwargs):
            return []

        def incr(self, key, delta=1):
            raise ValueError(key)

    monkeypatch.setattr(page_cache, "cache", Silent())
    client.get(page(estate))

    assert client.get(page(estate)).get("X-Page-Cache") != "hit"
    estate.name_en = "Renamed Compound"
    estate.save()
    assert "Renamed Compound" in client.get(page(estate)).text


def test_synthetic_data_made_in_bulk_shows_on_cached_pages_at_once(client, estate):
    from estates.models import Estate
    from sitewide.synthetic import synthetic_data_changed

    client.get("/en/")
    # Bulk inserts send no signal; the synthetic-data commands call this.
    Estate.objects.filter(pk=estate.pk).update(is_synthetic=True)
    synthetic_data_changed()

    response = client.get("/en/")

    assert response["X-Page-Cache"] == "miss"
    assert "This site contains synthetic test data" in response.text


def fresh_home(client, n: int) -> str:
    """The home page rendered afresh: a query string is never cached."""
    response = client.get(f"/en/?fresh={n}")
    assert "X-Page-Cache" not in response
    return response.text


def test_home_counts_once_per_change_and_shows_an_edit_at_once(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EstateFactory.create_batch(2)
    with CaptureQueriesContext(connection) as first:
        assert "The register holds 2 compounds." in fresh_home(client, 1)
    with CaptureQueriesContext(connection) as second:
        assert "The register holds 2 compounds." in fresh_home(client, 2)
    EstateFactory()

    assert len(second) < len(first)  # the counts were not made again
    assert "The register holds 3 compounds." in fresh_home(client, 3)


def test_case_study_stage_counts_follow_a_staff_edit_at_once(client, estate):
    from estates.models import SectionKind, Stage
    from tests.estates.factories import (
        CaseStudySectionFactory,
        ProgrammeMembershipFactory,
    )

    membership = ProgrammeMembershipFactory(estate=estate)
    CaseStudySectionFactory(programme=membership.programme, kind=SectionKind.STAGES)
    path = f"/en/programmes/{membership.programme.slug}/case-study/"
    client.get(f"{path}?fresh=1")
    estate.stage = Stage.CONSTRUCTION
    estate.save()

    text = client.get(f"{path}?fresh=2").text

    assert '<th scope="row">Construction</th><td>1</td>' in text


def test_counts_are_kept_with_redis_even_when_pages_are_not(client, settings, estate):
    settings.PAGE_CACHE_SECONDS = 0
    settings.REDIS_URL = "redis://shared-by-every-worker"  # the cache is LocMem
    fresh_home(client, 1)
    EstateFactory()

    assert "The register holds 2 compounds." in fresh_home(client, 2)


def test_a_subdistrict_feed_answers_304_to_its_own_etag_only(client, estate):
    from tests.lanes.factories import EventFactory

    event = EventFactory()
    path = f"/events.ics?subdistrict={event.subdistrict.slug}"
    first = client.get(path)
    first.getvalue()  # streamed: read it, as a browser would

    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    whole = client.get("/events.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    whole.getvalue()

    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert whole.status_code == HTTPStatus.OK
    event.title_zh_hans = "改名的活动"
    event.save()
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == HTTPStatus.OK
    assert "改名的活动" in changed.getvalue().decode()
