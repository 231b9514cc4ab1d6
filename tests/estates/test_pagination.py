"""Deep pages of the compound list: a capped count and a last page (issue 7)."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renovation_portal.pagination import CappedPaginator
from tests.estates.factories import CommunityFactory, EstateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_page_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "max_pages", 2)
    community = CommunityFactory()
    EstateFactory.create_batch(45, community=community)  # 3 pages of 20


def test_the_list_counts_no_further_than_the_pages_it_serves(client, two_page_cap):
    with CaptureQueriesContext(connection) as captured:
        client.get("/en/estates/")
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("LIMIT 41" in sql for sql in counts)


def test_the_list_says_there_are_more_and_asks_to_narrow_the_search(
    client, two_page_cap
):
    text = client.get("/en/estates/").content.decode()
    assert "More than 40 compounds found" in text
    assert "Only the first 2 pages are shown" in text


def test_a_page_past_the_cap_shows_the_last_page_served(client, two_page_cap):
    response = client.get("/en/estates/", {"page": 3})
    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].number == 2
    assert "Only the first 2 pages are shown" in response.content.decode()


def test_a_short_list_shows_its_exact_count_and_no_cap_note(client):
    EstateFactory.create_batch(3)
    text = client.get("/en/estates/").content.decode()
    assert "3 compounds found" in text
    assert "Only the first" not in text


def test_the_api_refuses_a_page_past_the_cap_and_says_why(client, two_page_cap):
    response = client.get(
        "/api/v1/estates/", {"page": 3}, headers={"accept-language": "en"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Narrow the search" in response.json()["detail"]


def test_the_api_count_stops_one_past_the_pages_it_serves(client, two_page_cap):
    body = client.get("/api/v1/estates/", {"page": 2}).json()
    assert body["count"] == 41
    assert len(body["results"]) == 20
    assert body["next"] is None


def test_with_too_many_communities_the_list_shows_no_drop_down_but_filters(
    client, monkeypatch
):
    from estates import filters

    monkeypatch.setattr(filters, "MAX_COMMUNITY_CHOICES", 2)
    wanted = EstateFactory(name_zh_hans="测试甲苑")
    EstateFactory.create_batch(2)
    response = client.get("/en/estates/", {"community": wanted.community.slug})
    text = response.content.decode()
    assert '<select name="community"' not in text
    assert f'type="hidden" name="community" value="{wanted.community.slug}"' in text
    assert list(response.context["estates"]) == [wanted]


def test_with_few_communities_the_list_offers_them_in_a_drop_down(client):
    estate = EstateFactory()
    text = client.get("/en/estates/").content.decode()
    assert '<select name="community"' in text
    assert f'<option value="{estate.community.slug}">' in text


@pytest.fixture
def two_page_search(monkeypatch):
    """45 compounds that a search for "leyuan" finds, one of them by its whole
    name, with the list capped at two pages of 20."""
    monkeypatch.setattr(CappedPaginator, "max_pages", 2)
    community = CommunityFactory()
    exact = EstateFactory(name_zh_hans="乐园", community=community)
    EstateFactory.create_batch(44, name_zh_hans="乐园小区", community=community)
    return exact


def test_a_search_past_the_cap_says_there_are_more_and_ranks_first_the_best(
    client, two_page_search
):
    response = client.get("/en/estates/", {"q": "leyuan"})
    text = response.content.decode()
    assert "More than 40 compounds found" in text
    assert "showing 1–20" in text
    assert response.context["page_obj"].object_list[0] == two_page_search


def test_a_search_serves_each_match_once_across_its_pages(client, two_page_search):
    first = client.get("/en/estates/", {"q": "leyuan"}).context["page_obj"]
    second = client.get("/en/estates/", {"q": "leyuan", "page": 2}).context["page_obj"]
    past = client.get("/en/estates/", {"q": "leyuan", "page": 3}).context["page_obj"]
    firsts, seconds = list(first.object_list), list(second.object_list)
    assert len(firsts) == len(seconds) == 20
    assert not set(firsts) & set(seconds)
    assert past.number == 2
    assert list(past.object_list) == seconds


def test_a_search_counts_its_matches_without_a_second_search(client, two_page_search):
    with CaptureQueriesContext(connection) as captured:
        client.get("/en/estates/", {"q": "leyuan"})
    searches = [q["sql"] for q in captured if "LIKE" in q["sql"].upper()]
    assert not [sql for sql in searches if "COUNT(" in sql.upper()]
    assert [sql for sql in searches if "LIMIT 41" in sql]


def test_a_search_with_few_matches_shows_their_exact_count(client, two_page_search):
    EstateFactory(name_zh_hans="九大院")
    text = client.get("/en/estates/", {"q": "jdy"}).content.decode()
    assert "1 compound found" in text
    assert "Only the first" not in text
