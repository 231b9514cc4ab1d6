"""Read replicas (issue 20): which database each request reads from, the
visitor who just wrote, a replica that is down or lagging, and the page cache.

The replica here is a second alias of the test database, as on one server (on
PostgreSQL in CI, on SQLite locally): the tests count which alias each query
went to. The tests commit (``transaction=True``): a second connection does not
see a test's open transaction.
"""

import contextlib
import json
import time
from http import HTTPStatus

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connections

from estates.models import Estate
from renovation_portal import db_router, page_cache
from renovation_portal.db_router import WROTE_COOKIE, ReplicaRouter, reading_from
from tests.estates.factories import EstateFactory

ROUTER = ["renovation_portal.db_router.ReplicaRouter"]
REPLICAS = ["default", "replica", "replica2"]

pytestmark = pytest.mark.django_db(transaction=True, databases=REPLICAS)


def _add_alias(alias, **changes):
    primary = connections["default"].settings_dict
    entry = {
        **primary,
        "TEST": {**primary["TEST"], "MIRROR": "default"},
        **changes,
    }
    connections.settings[alias] = entry


def _drop_alias(alias):
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture(scope="module", autouse=True)
def _replica_aliases(django_db_setup, django_db_blocker):
    """Two replicas: second aliases of the test database."""
    with django_db_blocker.unblock():
        _add_alias("replica")
        _add_alias("replica2")
    yield
    _drop_alias("replica")
    _drop_alias("replica2")


@pytest.fixture(autouse=True)
def _router(settings):
    settings.DATABASE_ROUTERS = ROUTER
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 5
    settings.DATABASE_REPLICA_CHECK_SECONDS = 1
    settings.READ_YOUR_WRITES_SECONDS = 15
    db_router.forget_health()
    yield
    db_router.forget_health()


@pytest.fixture
def one_replica():
    """Only ``replica`` (the second is taken away for the test)."""
    saved = connections.settings.pop("replica2")
    connections["replica"].close()
    yield
    connections.settings["replica2"] = saved


def _break(alias):
    """The replica stops answering: its database is gone."""
    settings = connections.settings[alias]
    saved = dict(settings)
    if settings["ENGINE"].endswith("sqlite3"):
        settings["NAME"] = "/nonexistent-folder/replica.sqlite3"
    else:
        settings["NAME"] = "replica_that_does_not_exist"
    connection = connections[alias]
    connection.settings_dict = settings
    # Closed after the name changed: SQLite ignores closing an in-memory database.
    connection.close()
    return saved


def _mend(alias, saved):
    connections[alias].close()
    connections.settings[alias].clear()
    connections.settings[alias].update(saved)
    connections[alias].settings_dict = connections.settings[alias]


@pytest.fixture
def estate():
    return EstateFactory(name_zh_hans="副本小区", name_en="Replica Compound")


def _reads(client, path, **kwargs):
    """The response and the number of queries each database answered (health
    checks left out)."""
    counts = dict.fromkeys(REPLICAS, 0)

    def counter(alias):
        def count(execute, sql, params, many, context):
            if not _health_check(sql):
                counts[alias] += 1
            return execute(sql, params, many, context)

        return count

    with contextlib.ExitStack() as stack:
        for alias in REPLICAS:
            stack.enter_context(connections[alias].execute_wrapper(counter(alias)))
        response = client.get(path, **kwargs)
    return response, counts


def _health_check(sql):
    return sql == "SELECT 0" or "pg_is_in_recovery" in sql


def _replica_reads(counts):
    return counts["replica"] + counts["replica2"]


# ------------------------------------------------------------------------------
# The router
# ------------------------------------------------------------------------------
def test_outside_a_request_every_read_is_from_the_primary():
    assert ReplicaRouter().db_for_read(Estate) == "default"


def test_inside_a_public_request_reads_go_to_its_replica():
    with reading_from("replica2"):
        assert ReplicaRouter().db_for_read(Estate) == "replica2"


def test_sessions_and_logins_are_read_from_the_primary(django_user_model):
    from django.contrib.sessions.models import Session

    with reading_from("replica"):
        assert ReplicaRouter().db_for_read(Session) == "default"
        assert ReplicaRouter().db_for_read(django_user_model) == "default"


def test_a_read_inside_a_transaction_is_from_the_primary():
    from django.db import transaction

    with reading_from("replica"), transaction.atomic():
        assert ReplicaRouter().db_for_read(Estate) == "default"


def test_writes_always_go_to_the_primary():
    with reading_from("replica"):
        assert ReplicaRouter().db_for_write(Estate) == "default"


def test_only_the_primary_is_migrated():
    router = ReplicaRouter()

    assert router.allow_migrate("default", "estates")
    assert not router.allow_migrate("replica", "estates")
    assert not router.allow_migrate("replica2", "estates")


# ------------------------------------------------------------------------------
# Public pages and the API read from a replica; the admin from the primary
# ------------------------------------------------------------------------------
def test_a_compound_page_is_read_from_a_replica(client, estate):
    response, counts = _reads(client, estate.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "副本小区" in response.content.decode()
    assert _replica_reads(counts) > 0
    assert counts["default"] == 0


def test_one_request_reads_from_one_replica(client, estate):
    for _ in range(10):
        _response, counts = _reads(client, estate.get_absolute_url())
        assert 0 in (counts["replica"], counts["replica2"])


def test_requests_are_spread_over_the_replicas(client, estate):
    used = set()
    for _ in range(30):
        _response, counts = _reads(client, estate.get_absolute_url())
        used |= {alias for alias in ("replica", "replica2") if counts[alias]}

    assert used == {"replica", "replica2"}


def test_an_api_answer_is_read_from_a_replica(client, estate):
    response, counts = _reads(client, f"/api/v1/estates/{estate.slug}/")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["slug"] == estate.slug
    assert _replica_reads(counts) > 0
    assert counts["default"] == 0


def test_the_admin_reads_from_the_primary(admin_client, estate):
    response, counts = _reads(
        admin_client, f"/admin/estates/estate/{estate.pk}/change/"
    )

    assert response.status_code == HTTPStatus.OK
    assert _replica_reads(counts) == 0
    assert counts["default"] > 0


def test_without_the_router_nothing_reads_from_a_replica(client, estate, settings):
    settings.DATABASE_ROUTERS = []

    _response, counts = _reads(client, estate.get_absolute_url())

    assert _replica_reads(counts) == 0


# ------------------------------------------------------------------------------
# Read your writes
# ------------------------------------------------------------------------------
def _send_feedback(client, estate):
    body = {"estate": estate.slug, "category": "other", "text": "楼道灯坏了"}
    return client.post(
        "/api/v1/feedback/", data=json.dumps(body), content_type="application/json"
    )


def test_a_write_marks_the_visitor_with_a_signed_cookie(client, estate):
    response = _send_feedback(client, estate)

    assert response.status_code == HTTPStatus.CREATED
    morsel = response.cookies[WROTE_COOKIE]
    assert morsel["httponly"]
    assert int(morsel["max-age"]) == 15
    signing.TimestampSigner(salt=db_router.WROTE_SALT).unsign(morsel.value)


def test_after_writing_the_visitor_reads_from_the_primary(client, estate):
    _send_feedback(client, estate)

    response, counts = _reads(client, estate.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert _replica_reads(counts) == 0
    assert counts["default"] > 0


def test_a_feedback_reference_reads_back_at_once_after_sending_it(client, estate):
    sent = _send_feedback(client, estate).json()

    response, counts = _reads(client, f"/api/v1/feedback/{sent['reference']}/")

    assert response.status_code == HTTPStatus.OK
    assert _replica_reads(counts) == 0


def test_a_failed_write_still_marks_the_visitor(client, estate):
    response = client.post(
        "/api/v1/feedback/", data="{}", content_type="application/json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert WROTE_COOKIE in response.cookies


def test_after_the_window_the_visitor_reads_from_a_replica_again(
    client, estate, monkeypatch
):
    _send_feedback(client, estate)
    later = time.time() + 16
    monkeypatch.setattr(signing.time, "time", lambda: later)

    _response, counts = _reads(client, estate.get_absolute_url())

    assert _replica_reads(counts) > 0


def test_a_forged_cookie_does_not_hold_reads_on_the_primary(client, estate):
    client.cookies[WROTE_COOKIE] = "1:forged:signature"

    _response, counts = _reads(client, estate.get_absolute_url())

    assert _replica_reads(counts) > 0


def test_reading_sets_no_cookie(client, estate):
    response = client.get(estate.get_absolute_url())

    assert WROTE_COOKIE not in response.cookies


# ------------------------------------------------------------------------------
# A replica down or lagging: reads fall back to the primary
# ------------------------------------------------------------------------------
def test_a_replica_that_is_down_is_left_out(client, estate, one_replica):
    saved = _break("replica")
    try:
        response, counts = _reads(client, estate.get_absolute_url())
    finally:
        _mend("replica", saved)

    assert response.status_code == HTTPStatus.OK
    assert "副本小区" in response.content.decode()
    assert counts["default"] > 0


def test_a_replica_that_fails_during_a_request_is_retried_on_the_primary(
    client, estate, one_replica
):
    # The replica was healthy at its last check, then stops.
    db_router.check("replica")
    assert db_router.health("replica").serving
    saved = _break("replica")
    try:
        response, counts = _reads(client, estate.get_absolute_url())
        api, _api_counts = _reads(client, f"/api/v1/estates/{estate.slug}/")
    finally:
        _mend("replica", saved)

    assert response.status_code == HTTPStatus.OK
    assert "副本小区" in response.content.decode()
    assert counts["default"] > 0
    assert api.status_code == HTTPStatus.OK
    assert api.json()["slug"] == estate.slug
    assert not db_router.health("replica").serving


def test_a_replica_comes_back_at_its_next_check(client, estate, one_replica, settings):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    saved = _break("replica")
    try:
        client.get(estate.get_absolute_url())
    finally:
        _mend("replica", saved)

    _response, counts = _reads(client, estate.get_absolute_url())

    assert counts["replica"] > 0


def test_a_replica_lagging_past_the_limit_is_left_out(
    client, estate, one_replica, monkeypatch
):
    monkeypatch.setattr(db_router, "measure_lag", lambda alias: 30.0)

    _response, counts = _reads(client, estate.get_absolute_url())

    assert counts["replica"] == 0
    assert counts["default"] > 0


def test_a_replica_within_the_limit_serves(client, estate, one_replica, monkeypatch):
    monkeypatch.setattr(db_router, "measure_lag", lambda alias: 4.0)

    _response, counts = _reads(client, estate.get_absolute_url())

    assert counts["replica"] > 0


def test_a_second_alias_of_the_primary_has_no_lag():
    assert db_router.measure_lag("replica") == 0


def test_the_health_of_a_replica_is_checked_at_most_once_a_period(
    client, estate, one_replica, monkeypatch
):
    asked = []

    def lag(alias):
        asked.append(alias)
        return 0.0

    monkeypatch.setattr(db_router, "measure_lag", lag)
    for _ in range(5):
        client.get(estate.get_absolute_url())

    assert asked == ["replica"]


# ------------------------------------------------------------------------------
# /healthz reports each database
# ------------------------------------------------------------------------------
def test_healthz_reports_each_replica(client):
    answer = client.get("/healthz")

    assert answer.status_code == HTTPStatus.OK
    assert answer.json()["replicas"] == {
        "replica": {"status": "ok", "lag_seconds": 0.0, "serving": True},
        "replica2": {"status": "ok", "lag_seconds": 0.0, "serving": True},
    }


def test_healthz_stays_ok_with_a_replica_down(client, one_replica):
    saved = _break("replica")
    try:
        answer = client.get("/healthz")
    finally:
        _mend("replica", saved)

    assert answer.status_code == HTTPStatus.OK
    assert answer.json()["database"] == "ok"
    assert answer.json()["replicas"]["replica"] == {
        "status": "unavailable",
        "lag_seconds": None,
        "serving": False,
    }


def test_healthz_reports_a_lagging_replica(client, one_replica, monkeypatch):
    monkeypatch.setattr(db_router, "measure_lag", lambda alias: 12.5)

    answer = client.get("/healthz")

    assert answer.status_code == HTTPStatus.OK
    assert answer.json()["replicas"]["replica"] == {
        "status": "lagging",
        "lag_seconds": 12.5,
        "serving": False,
    }


# ------------------------------------------------------------------------------
# The page cache keeps no page a replica may have rendered from old rows
# ------------------------------------------------------------------------------
@pytest.fixture
def cached_pages(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    page_cache.local_pages.clear()
    page_cache.forget_generation()
    yield
    cache.clear()
    page_cache.local_pages.clear()


def test_a_page_just_changed_is_not_stored_from_a_replica(client, estate, cached_pages):
    estate.name_zh_hans = "改过的名字"
    estate.save()

    first = client.get(estate.get_absolute_url())
    second = client.get(estate.get_absolute_url())

    assert "改过的名字" in second.content.decode()
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "miss"


def test_a_page_unchanged_for_longer_than_the_lag_is_stored_from_a_replica(
    client, estate, cached_pages, monkeypatch
):
    estate.save()
    later = time.time_ns() + 60 * 1_000_000_000
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: later)

    first = client.get(estate.get_absolute_url())
    second = client.get(estate.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"


def test_a_page_rendered_from_the_primary_is_stored_at_once(
    client, estate, cached_pages, settings
):
    settings.DATABASE_ROUTERS = []
    estate.save()

    client.get(estate.get_absolute_url())

    assert client.get(estate.get_absolute_url())["X-Page-Cache"] == "hit"


def test_versions_carry_the_time_of_their_bump(cached_pages):
    before = time.time_ns() // 1000
    page_cache.bump_tags(["estates.estate:1"])
    after = time.time_ns() // 1000

    (version,) = page_cache.versions(["estates.estate:1"]).values()

    assert before <= version <= after + 1


def test_a_stored_page_just_changed_is_rendered_from_the_primary(
    client, estate, cached_pages, monkeypatch
):
    # Stored long after its last change (from a replica).
    estate.save()
    later = time.time_ns() + 60 * 1_000_000_000
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: later)
    client.get(estate.get_absolute_url())
    monkeypatch.undo()
    estate.name_zh_hans = "刚改的名字"
    estate.save()

    response, counts = _reads(client, estate.get_absolute_url())
    after = client.get(estate.get_absolute_url())

    assert "刚改的名字" in response.content.decode()
    assert response["X-Page-Cache"] == "miss"
    assert _replica_reads(counts) == 0
    assert counts["default"] > 0
    assert after["X-Page-Cache"] == "hit"
    assert "刚改的名字" in after.content.decode()


def test_a_stored_page_changed_long_ago_is_rendered_from_a_replica(
    client, estate, cached_pages, monkeypatch
):
    estate.save()
    later = time.time_ns() + 60 * 1_000_000_000
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: later)
    client.get(estate.get_absolute_url())
    # A change whose version is older than the lag (a clock 60 s later).
    page_cache.bump_tags([page_cache.record_tag(estate)])
    much_later = later + 60 * 1_000_000_000
    monkeypatch.setattr(page_cache.time, "time_ns", lambda: much_later)

    _response, counts = _reads(client, estate.get_absolute_url())

    assert _replica_reads(counts) > 0


def test_a_preflight_request_sets_no_cookie(client):
    response = client.options(
        "/api/v1/estates/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert WROTE_COOKIE not in response.cookies
