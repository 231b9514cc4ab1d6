"""Search, filters, ordering and pagination of the API's lists."""

from http import HTTPStatus

import pytest

from tests.estates.factories import CommunityFactory, EstateFactory
from tests.governance.factories import MeetingFactory
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_search_jdy_finds_jiudayuan_first(client, source_data):
    response = client.get("/api/v1/estates/?search=jdy")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["results"][0]["name"] == "九大院"


def test_search_answers_in_english_with_accept_language(client, source_data):
    response = client.get("/api/v1/estates/?search=jdy", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["results"][0]["name"] == "Jiudayuan"


def test_search_matches_full_pinyin(client, source_data):
    response = client.get("/api/v1/estates/?search=jinxiu")

    assert slugs(response)[0] == "jinxiujiangnan"


def test_search_on_other_resources_matches_either_language(client):
    LaneFactory(name_zh_hans="测试书巷", name_en="Test Book Lane")
    LaneFactory(name_zh_hans="测试艺巷", name_en="Test Art Lane")

    response = client.get("/api/v1/lanes/?search=book")

    assert [item["name"] for item in response.json()["results"]] == ["测试书巷"]


def test_filter_by_community(client):
    community = CommunityFactory()
    inside = EstateFactory(community=community)
    EstateFactory()

    response = client.get(f"/api/v1/estates/?community={community.slug}")

    assert slugs(response) == [inside.slug]


def test_filter_by_year(client):
    EstateFactory(renovation_year=2020)
    wanted = EstateFactory(renovation_year=2021)

    response = client.get("/api/v1/estates/?year=2021")

    assert slugs(response) == [wanted.slug]


def test_filter_has_coordinates(client):
    located = EstateFactory(latitude="35.7", longitude="114.3")
    EstateFactory()

    response = client.get("/api/v1/estates/?has_coordinates=true")

    assert slugs(response) == [located.slug]


def test_filter_by_lane(client):
    beside = EstateFactory()
    EstateFactory()
    lane = LaneFactory(estates=[beside])

    response = client.get(f"/api/v1/estates/?lane={lane.slug}")

    assert slugs(response) == [beside.slug]


def test_filter_meetings_by_kind_and_date_range(client):
    wanted = MeetingFactory(kind="monthly_coordination", held_on="2024-05-10")
    MeetingFactory(kind="monthly_coordination", held_on="2023-05-10")
    MeetingFactory(kind="weekly_talk", held_on="2024-05-11")

    response = client.get(
        "/api/v1/meetings/?kind=monthly_coordination"
        "&held_after=2024-01-01&held_before=2024-12-31"
    )

    assert [m["id"] for m in response.json()["results"]] == [wanted.pk]


def test_invalid_filter_choice_is_400(client):
    response = client.get("/api/v1/estates/?stage=finished")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "stage" in response.json()["errors"]


def test_ordering_descending(client):
    EstateFactory(name_zh_hans="测试甲", year_built=1990)
    EstateFactory(name_zh_hans="测试乙", year_built=2000)

    response = client.get("/api/v1/estates/?ordering=-year_built")

    assert [e["year_built"] for e in response.json()["results"]] == [2000, 1990]


def test_ordering_by_undeclared_field_is_400(client):
    response = client.get("/api/v1/estates/?ordering=search_pinyin")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ordering" in response.json()["errors"]


def test_page_size_is_capped(client):
    EstateFactory.create_batch(101)

    response = client.get("/api/v1/estates/?page_size=1000")

    assert len(response.json()["results"]) == 100


def test_page_size_parameter(client):
    EstateFactory.create_batch(3)

    response = client.get("/api/v1/estates/?page_size=2")

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2


def test_page_past_the_end_is_json_404(client):
    response = client.get("/api/v1/estates/?page=2")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999999999999999",
        "page=-1",
        "page=abc",
    ],
)
def test_bad_page_is_404(client, query):
    response = client.get(f"/api/v1/estates/?{query}")

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "query",
    [
        "search=%00",
        "community=a%00b",
        "year=99999999999999999999999999",
        "year=abc",
        "year=1e400",
        "has_coordinates=maybe%00",
        "held_after=not-a-date",
        "unknown_filter=1",
        "lang=xx",
        "format=xml",
    ],
)
def test_malformed_query_is_400(client, query):
    path = "/api/v1/meetings/" if query.startswith("held") else "/api/v1/estates/"

    response = client.get(f"{path}?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) >= {"detail", "code"}


def test_huge_id_is_404(client):
    response = client.get("/api/v1/meetings/99999999999999999999999999/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_nul_in_slug_is_404(client):
    response = client.get("/api/v1/estates/a%00b/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_unknown_language_message_is_english_for_english_clients(client):
    response = client.get("/api/v1/estates/?lang=fr", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "detail": "Unknown language “fr”. Use one of: zh-hans, en, all.",
        "code": "unknown_language",
    }


def test_unknown_parameter_message_names_it(client):
    response = client.get("/api/v1/lanes/?colour=red", HTTP_ACCEPT_LANGUAGE="en")

    assert "colour" in response.json()["detail"]
