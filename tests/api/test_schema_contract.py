"""The schema states what the API enforces, from the same definitions, and
links each answer to the records it names (issue 21)."""

import json
from http import HTTPStatus

import pytest
from drf_spectacular.generators import SchemaGenerator

from estates.api.filters import EstateFilter
from renovation_portal.api.parameters import form_field_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def parameter(schema, path, name) -> dict:
    (found,) = [
        p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name
    ]
    return found["schema"]


def test_year_bounds_come_from_the_filters_field(schema):
    field = EstateFilter.base_filters["built_after"].field

    assert parameter(schema, "/api/v1/estates/", "built_after") == {
        "type": "integer",
        "minimum": field.min_value,
        "maximum": field.max_value,
    }
    assert field.min_value == 1900


def test_slug_filters_state_the_slug_pattern(schema):
    assert parameter(schema, "/api/v1/councils/", "community") == {
        "type": "string",
        "pattern": "^[-a-zA-Z0-9_]{1,80}$",
    }


def test_dates_are_full_dates(schema):
    for name in ("starts_after", "starts_before"):
        assert parameter(schema, "/api/v1/events/", name) == {
            "type": "string",
            "format": "date",
        }


def test_page_size_has_a_minimum_of_1(schema):
    assert parameter(schema, "/api/v1/lanes/", "page_size") == {
        "type": "integer",
        "minimum": 1,
    }


def test_search_may_be_empty_but_holds_no_nul(schema):
    assert parameter(schema, "/api/v1/estates/", "search") == {
        "type": "string",
        "pattern": r"^[^\x00]*$",
    }


def test_a_filter_field_without_a_schema_stops_the_schema():
    from django import forms

    with pytest.raises(TypeError):
        form_field_schema(forms.FloatField())


def test_feedback_estate_must_be_a_slug(schema):
    body = schema["components"]["schemas"]["FeedbackCreateJsonRequest"]

    assert body["properties"]["estate"]["pattern"] == "^[-a-zA-Z0-9_]{1,80}$"
    assert "photos" not in body["properties"]


def test_feedback_photos_are_files_in_multipart(schema):
    body = schema["components"]["schemas"]["FeedbackCreateMultipartRequest"]

    assert body["properties"]["photos"]["items"] == {
        "type": "string",
        "format": "binary",
    }


def test_oversized_and_unsupported_bodies_are_documented(schema):
    responses = schema["paths"]["/api/v1/feedback/"]["post"]["responses"]

    assert {"400", "413", "415", "429"} <= set(responses)
    assert "413" not in schema["paths"]["/api/v1/estates/"]["get"]["responses"]


@pytest.mark.parametrize(
    ("resource", "parameter_name"),
    [
        ("communities", "slug"),
        ("councils", "slug"),
        ("courtyards", "slug"),
        ("estates", "slug"),
        ("events", "slug"),
        ("facilities", "slug"),
        ("lanes", "slug"),
        ("meetings", "id"),
        ("notices", "id"),
        ("organisations", "slug"),
        ("programmes", "slug"),
    ],
)
def test_each_list_links_to_its_items(schema, resource, parameter_name):
    links = schema["paths"][f"/api/v1/{resource}/"]["get"]["responses"]["200"]["links"]
    target = schema["paths"][f"/api/v1/{resource}/{{{parameter_name}}}/"]["get"]

    assert links[target["operationId"]]["parameters"] == {
        parameter_name: f"$response.body#/results/0/{parameter_name}"
    }


def test_created_feedback_links_to_reading_it_back(schema):
    links = schema["paths"]["/api/v1/feedback/"]["post"]["responses"]["201"]["links"]

    assert links["v1_feedback_retrieve"]["parameters"] == {
        "reference": "$response.body#/reference"
    }


def test_listed_compounds_link_to_sending_feedback(schema):
    links = schema["paths"]["/api/v1/estates/"]["get"]["responses"]["200"]["links"]

    assert links["v1_feedback_create"]["requestBody"] == {
        "estate": "$response.body#/results/0/slug"
    }


def _feedback_example(client) -> dict:
    answer = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(answer.content)
    content = schema["paths"]["/api/v1/feedback/"]["post"]["requestBody"]["content"]
    (example,) = content["application/json"]["examples"].values()
    return example


def test_the_schemas_feedback_example_is_accepted(client, source_data):
    example = _feedback_example(client)

    response = client.post(
        "/api/v1/feedback/", example["value"], content_type="application/json"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["estate"]["slug"] == example["value"]["estate"]


def test_answers_gunicorn_gives_before_django_are_documented(schema):
    responses = schema["paths"]["/api/v1/estates/"]["get"]["responses"]

    assert set(responses["414"]["content"]) == {"text/html"}
    assert set(responses["431"]["content"]) == {"text/html"}


def test_the_feedback_example_names_no_compound_without_records(client):
    """No compound is named in code: with none on record the example keeps
    its placeholder (sitewide.api.examples puts the first real one in)."""
    from renovation_portal.api.schema import EXAMPLE_ESTATE

    assert _feedback_example(client)["value"]["estate"] == EXAMPLE_ESTATE
