"""The API enforces exactly what its schema states (issue 21).

Each case here was a schemathesis failure: a request the schema forbids that
the API accepted, or one the schema allows that the API refused.
"""

from datetime import date
from http import HTTPStatus

import pytest

from lanes.models import Recurrence
from tests.estates.factories import EstateFactory
from tests.lanes.factories import EventFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "communities",
    "councils",
    "courtyards",
    "estates",
    "events",
    "facilities",
    "lanes",
    "meetings",
    "notices",
    "organisations",
    "programmes",
]


def errors(response) -> dict:
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    return response.json()["errors"]


@pytest.mark.parametrize("resource", LISTS)
def test_repeated_page_size_is_400(client, resource):
    response = client.get(
        f"/api/v1/{resource}/?page_size=null&page_size=null",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert errors(response) == {
        "page_size": ["Give this parameter once, with one value."]
    }


def test_repeated_filter_is_400_even_with_equal_values(client):
    response = client.get("/api/v1/estates/?stage=tendering&stage=tendering")

    assert list(errors(response)) == ["stage"]


@pytest.mark.parametrize("query", ["page_size=null", "page_size=0", "page_size=2.5"])
def test_page_size_that_is_not_a_whole_number_from_1_is_400(client, query):
    response = client.get(f"/api/v1/estates/?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert errors(response) == {
        "page_size": ["Give a whole number of results per page, from 1."]
    }


@pytest.mark.parametrize("resource", ["events", "notices"])
def test_empty_starts_before_is_400(client, resource):
    response = client.get(f"/api/v1/{resource}/?starts_before=")

    assert errors(response) == {
        "starts_before": ["这个参数是空的：请给出一个值，或者不要这个参数。"]
    }


def test_empty_search_is_no_search(client):
    EstateFactory.create_batch(2)

    response = client.get("/api/v1/estates/?search=")

    assert response.json()["count"] == 2


@pytest.mark.parametrize(
    "query",
    ["starts_before=31/12/2024", "starts_before=2024-1-5", "starts_before=20240105"],
)
def test_date_in_another_form_is_400(client, query):
    response = client.get(f"/api/v1/events/?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert errors(response) == {
        "starts_before": ["Enter a date as YYYY-MM-DD, for example 2024-05-31."]
    }


def test_starts_before_filters_events(client):
    early = EventFactory(recurrence=Recurrence.ONCE, starts_on=date(2024, 3, 1))
    EventFactory(recurrence=Recurrence.ONCE, starts_on=date(2024, 9, 1))

    response = client.get("/api/v1/events/?starts_before=2024-06-30")

    assert [e["slug"] for e in response.json()["results"]] == [early.slug]


@pytest.mark.parametrize("value", ["0", "1899", "2101"])
def test_built_after_outside_the_schemas_bounds_is_400(client, value):
    response = client.get(f"/api/v1/estates/?built_after={value}")

    assert list(errors(response)) == ["built_after"]


def test_built_after_takes_the_schemas_minimum(client):
    EstateFactory(year_built=1950)

    response = client.get("/api/v1/estates/?built_after=1900&built_before=1900")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 0


@pytest.mark.parametrize("value", ["2000.0", "1e3", "１９９０", " 1990"])
def test_year_in_anything_but_ascii_digits_is_400(client, value):
    response = client.get("/api/v1/estates/", {"year": value})

    assert list(errors(response)) == ["year"]


@pytest.mark.parametrize("value", ["yes", "1", "True", ""])
def test_boolean_is_true_or_false_only(client, value):
    response = client.get("/api/v1/estates/", {"has_coordinates": value})

    assert list(errors(response)) == ["has_coordinates"]


@pytest.mark.parametrize("value", ["a b", "九大院", "x" * 81, " jiudayuan"])
def test_slug_filter_that_cannot_be_a_slug_is_400(client, value):
    response = client.get("/api/v1/estates/", {"community": value})

    assert list(errors(response)) == ["community"]


@pytest.mark.parametrize("value", ["EN", " en", "zh-Hans"])
def test_lang_is_spelt_as_the_schema_spells_it(client, value):
    response = client.get("/api/v1/estates/", {"lang": value})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "unknown_language"


def test_empty_programme_on_stats_is_400(client):
    response = client.get("/api/v1/stats/?programme=")

    assert list(errors(response)) == ["programme"]


def test_undeclared_method_is_405_whatever_the_query(client):
    response = client.generic("TRACE", "/api/v1/estates/?page=1")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_feedback_with_an_empty_estate_is_refused_as_the_schema_says(client):
    response = client.post(
        "/api/v1/feedback/",
        {"estate": "", "category": "roads", "text": "路灯坏了"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["estate"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("consent", 0), ("consent", "yes"), ("text", 12345), ("name", 7)],
)
def test_feedback_field_of_another_json_type_is_400(client, field, value):
    estate = EstateFactory()
    body = {"estate": estate.slug, "category": "roads", "text": "路灯坏了"}

    response = client.post(
        "/api/v1/feedback/", {**body, field: value}, content_type="application/json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == [field]


def test_feedback_consent_as_a_form_word_is_taken(client):
    estate = EstateFactory()

    response = client.post(
        "/api/v1/feedback/",
        {
            "estate": estate.slug,
            "category": "roads",
            "text": "路灯坏了",
            "phone": "13812345678",
            "consent": "true",
        },
    )

    assert response.status_code == HTTPStatus.CREATED
