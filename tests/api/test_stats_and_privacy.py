"""What the records count, a programme's headline figures, and no personal
data in any answer."""

import re
from decimal import Decimal
from http import HTTPStatus

import pytest

from estates.models import FundingSource
from tests.estates.factories import (
    EstateFactory,
    FundingFactory,
    NoticeFactory,
    PropertyCompanyFactory,
    StepFactory,
)
from tests.governance.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def figure(response, key: str) -> dict:
    return next(f for f in response.json()["figures"] if f["key"] == key)


def test_stats_gives_a_programmes_headline_with_its_precision(client, source_data):
    response = client.get("/api/v1/stats/?programme=liyanglu")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["programme"]["slug"] == "liyanglu"
    assert figure(response, "compounds-renovated")["value"] == 59
    area = figure(response, "floor-area-renovated")
    assert (area["value"], area["precision"]) == (785800, "about")
    assert figure(response, "households-benefiting")["value"] is None


def test_stats_without_a_programme_gives_no_headline(client, source_data):
    body = client.get("/api/v1/stats/").json()

    assert body["programme"] is None
    assert body["figures"] == []
    assert body["records"]["programmes"] == 7


def test_stats_in_english(client, source_data):
    response = client.get(
        "/api/v1/stats/?programme=liyanglu", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert figure(response, "compounds-renovated")["label"] == "Compounds renovated"


def test_stats_counts_the_records_of_one_programme(client, source_data):
    records = client.get("/api/v1/stats/?programme=liyanglu").json()["records"]

    assert records["estates"] == 3
    assert records["lanes"] == 4
    assert records["estates_by_stage"]["unknown"] == 3


def test_stats_counts_the_records_of_every_programme(client, source_data):
    from estates.models import Estate

    records = client.get("/api/v1/stats/").json()["records"]

    assert records["estates"] == Estate.objects.count() > 3


def test_stats_counts_every_compound_once_per_change(
    client, settings, django_assert_num_queries
):
    """The counts over every compound in the country are kept between
    changes (page_cache.per_generation, as the home page's), and a clerk's
    change shows in the next answer."""
    from estates.models import Stage

    settings.PAGE_CACHE_SECONDS = 600
    estate = EstateFactory(stage=Stage.CONSTRUCTION)
    EstateFactory(stage=None)
    first = client.get("/api/v1/stats/").json()["records"]["estates_by_stage"]
    assert first[Stage.CONSTRUCTION] == 1
    assert first["unknown"] == 1

    with django_assert_num_queries(1):  # the other registers, in one query
        again = client.get("/api/v1/stats/").json()["records"]["estates_by_stage"]
    assert again == first

    estate.stage = Stage.ACCEPTANCE
    estate.save()
    after = client.get("/api/v1/stats/").json()["records"]["estates_by_stage"]
    assert after[Stage.CONSTRUCTION] == 0
    assert after[Stage.ACCEPTANCE] == first[Stage.ACCEPTANCE] + 1


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


def test_estate_detail_gives_funding_by_source_with_exact_amounts(client):
    estate = EstateFactory()
    FundingFactory(
        estate=estate,
        source=FundingSource.RESIDENTS,
        amount_yuan=None,
        note_zh_hans="居民自筹",
        note_en="",
    )
    FundingFactory(
        estate=estate,
        source=FundingSource.CENTRAL_SUBSIDY,
        amount_yuan=Decimal("123456789012.34"),
        note_zh_hans="中央补助",
        note_en="Central grant",
    )

    chinese = client.get(f"/api/v1/estates/{estate.slug}/")
    english = client.get(
        f"/api/v1/estates/{estate.slug}/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()

    assert '"amount_yuan":123456789012.34,' in chinese.content.decode()
    assert chinese.json()["funding"] == [
        {
            "source": "central_subsidy",
            "amount_yuan": 123456789012.34,
            "note": "中央补助",
            "fallback": [],
        },
        {
            "source": "residents",
            "amount_yuan": None,
            "note": "居民自筹",
            "fallback": [],
        },
    ]
    assert [(entry["note"], entry["fallback"]) for entry in english["funding"]] == [
        ("Central grant", []),
        ("居民自筹", ["note"]),
    ]


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
