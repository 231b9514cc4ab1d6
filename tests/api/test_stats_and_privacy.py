"""The programme's figures, and no personal data in any answer."""

import re
from http import HTTPStatus

import pytest

from tests.estates.factories import (
    EstateFactory,
    NoticeFactory,
    PropertyCompanyFactory,
    StepFactory,
)
from tests.governance.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def figure(response, key: str) -> dict:
    return next(f for f in response.json()["figures"] if f["key"] == key)


def test_stats_gives_the_source_headline(client, source_data):
    response = client.get("/api/v1/stats/")

    assert response.status_code == HTTPStatus.OK
    assert figure(response, "compounds-renovated")["value"] == 59
    area = figure(response, "floor-area-renovated")
    assert (area["value"], area["qualifier"]) == (785800, "about")
    assert figure(response, "households-benefiting")["value"] is None


def test_stats_in_english(client, source_data):
    response = client.get("/api/v1/stats/", HTTP_ACCEPT_LANGUAGE="en")

    assert figure(response, "compounds-renovated")["label"] == "Compounds renovated"


def test_stats_counts_the_records(client, source_data):
    response = client.get("/api/v1/stats/")

    records = response.json()["records"]
    assert records["estates"] == 3
    assert records["lanes"] == 4
    assert records["estates_by_stage"]["unknown"] == 3


def test_meetings_never_show_minutes_or_attendees(client):
    meeting = MeetingFactory(
        minutes_zh_hans="内部纪要", follow_ups_zh_hans="内部跟进", attendees_count=12
    )

    body = client.get(f"/api/v1/meetings/{meeting.pk}/").content.decode()

    assert "内部纪要" not in body
    assert "内部跟进" not in body
    assert "attendees" not in body


PHONE = re.compile(r"1[3-9]\d{9}")


def test_no_personal_phone_in_estate_detail(client):
    company = PropertyCompanyFactory(phone="0392-1234567")
    estate = EstateFactory(property_company=company)
    StepFactory(estate=estate, note_zh_hans="已完成")
    NoticeFactory(estate=estate, ends_at=None)

    body = client.get(f"/api/v1/estates/{estate.slug}/").json()

    # The property company's public service number is business data.
    assert body["property_company"]["service_phone"] == "0392-1234567"
    keys = set(re.findall(r'"(\w*phone\w*)"', str(body).replace("'", '"')))
    assert keys == {"service_phone"}


def test_estate_detail_has_stage_steps_works_company_courtyard_lanes_photos(client):
    estate = EstateFactory()

    body = client.get(f"/api/v1/estates/{estate.slug}/").json()

    assert {
        "stage",
        "steps",
        "works",
        "property_company",
        "courtyard",
        "lanes",
        "photos",
    } <= set(body)


def test_no_mobile_numbers_anywhere_in_source_data_answers(client, source_data):
    paths = [
        "/api/v1/estates/jiudayuan/",
        "/api/v1/organisations/",
        "/api/v1/councils/",
        "/api/v1/lanes/",
        "/api/v1/communities/",
    ]
    for path in paths:
        assert not PHONE.search(client.get(path).content.decode()), path
