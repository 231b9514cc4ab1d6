"""A resident's name and phone number never appear in any public page, API
answer or open-data download (issue 5, PIPL), nor in the logs."""

import logging
from http import HTTPStatus

import pytest
from django.core.cache import cache

from governance import services
from governance.models import Feedback, FeedbackStatus, mask_phone
from governance.validators import normalize_phone
from sitewide.data.datasets import DATASETS
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db

NAME = "测试居民王某某"
PHONE = "13987654321"
PHONE_TYPED = "139 8765 4321"
LANDLINE = "03925556666"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def submitted(client):
    """Feedback sent through the form and through the API, with contact."""
    estate = EstateFactory()
    client.post(
        "/feedback/new/",
        {
            "estate": estate.slug,
            "category": "parking",
            "text": "车位不够",
            "name": NAME,
            "phone": PHONE_TYPED,
            "consent": "on",
        },
    )
    client.post(
        "/api/v1/feedback/",
        {
            "estate": estate.slug,
            "category": "safety",
            "text": "门禁坏了",
            "name": NAME,
            "phone": "0392-5556666",
            "consent": True,
        },
        content_type="application/json",
    )
    feedback = list(Feedback.objects.order_by("pk"))
    assert len(feedback) == 2
    services.feedback_change_status(
        feedback=feedback[0], status=FeedbackStatus.DECLINED, reason="已转物业"
    )
    services.feedback_reply(feedback=feedback[0], text="已转物业处理", is_public=True)
    return estate, feedback


def _public_addresses(estate, feedback) -> list[str]:
    pages = [
        "/",
        "/estates/",
        f"/estates/{estate.slug}/",
        f"/communities/{estate.community.slug}/",
        "/governance/",
        "/events/",
        "/case-study/",
        "/data/",
        "/feedback/new/",
        *(f"/feedback/{f.reference}/" for f in feedback),
        *(f"/feedback/{f.reference}/?sent=1" for f in feedback),
    ]
    pages += [f"/en{page}" for page in pages]
    pages += ["/events.ics"]
    downloads = [
        f"/data/{slug}.{extension}"
        for slug, dataset in DATASETS.items()
        for extension in dataset.formats
    ]
    api = [
        "/api/v1/",
        "/api/v1/stats/",
        *(
            f"/api/v1/{resource}/"
            for resource in (
                "estates",
                "communities",
                "courtyards",
                "lanes",
                "events",
                "councils",
                "meetings",
                "organisations",
                "facilities",
                "notices",
            )
        ),
        f"/api/v1/estates/{estate.slug}/",
        *(f"/api/v1/feedback/{f.reference}/" for f in feedback),
        *(f"/api/v1/feedback/{f.reference}/?lang=all" for f in feedback),
        "/api/schema/",
    ]
    return pages + downloads + api


def test_no_public_page_api_answer_or_download_shows_name_or_phone(client, submitted):
    estate, feedback = submitted
    secrets = [NAME, PHONE, PHONE_TYPED, LANDLINE, "0392-5556666", mask_phone(PHONE)]

    checked = 0
    for address in _public_addresses(estate, feedback):
        response = client.get(address)
        if response.status_code != HTTPStatus.OK:
            continue
        # getvalue(): the CSV downloads are streamed.
        body = response.getvalue().decode("utf-8", errors="replace")
        for secret in secrets:
            assert secret not in body, (address, secret)
        checked += 1
    assert checked >= 30


def test_feedback_pages_answer_for_the_privacy_sweep(client, submitted):
    _estate, feedback = submitted

    for item in feedback:
        assert client.get(f"/feedback/{item.reference}/").status_code == HTTPStatus.OK
        assert (
            client.get(f"/api/v1/feedback/{item.reference}/").status_code
            == HTTPStatus.OK
        )


def test_submission_logs_neither_name_nor_phone(client, caplog):
    estate = EstateFactory()

    with caplog.at_level(logging.DEBUG):
        client.post(
            "/feedback/new/",
            {
                "estate": estate.slug,
                "category": "parking",
                "text": "车位不够",
                "name": NAME,
                "phone": PHONE_TYPED,
                "consent": "on",
            },
        )

    assert NAME not in caplog.text
    assert PHONE not in caplog.text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0392-1234567", "03921234567"),
        ("(010) 8888 6666", "01088886666"),
        ("０３９２－１２３４５６７", "03921234567"),
    ],
)
def test_phone_is_normalised(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12345678901", "1381234567", "138abcd5678", "92-1234567", "phone"]
)
def test_phone_that_is_neither_mobile_nor_landline_is_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalize_phone(typed)


def test_phone_is_masked_for_staff_lists():
    assert mask_phone("13812345678") == "138****5678"
