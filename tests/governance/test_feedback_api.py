"""``POST /api/v1/feedback/`` and ``GET /api/v1/feedback/<reference>/`` (issue 5)."""

from http import HTTPStatus

import pytest
from django.core.cache import cache

from governance import services
from governance.models import Feedback, FeedbackContact, FeedbackStatus
from tests.estates.factories import EstateFactory
from tests.governance.images import image_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedback/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _body(estate, **extra):
    return {"estate": estate.slug, "category": "pipes", "text": "下水道堵了", **extra}


def test_post_creates_feedback_and_answers_its_reference(client):
    estate = EstateFactory()

    response = client.post(URL, _body(estate), content_type="application/json")

    feedback = Feedback.objects.get()
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["reference"] == feedback.reference
    assert response["Location"].endswith(f"{URL}{feedback.reference}/")


def test_post_answer_has_the_public_shape(client):
    estate = EstateFactory(name_zh_hans="测试小区甲")

    body = client.post(URL, _body(estate), content_type="application/json").json()

    assert set(body) == {
        "url",
        "page",
        "reference",
        "estate",
        "unlisted",
        "category",
        "category_label",
        "status",
        "status_label",
        "created_at",
        "closed_at",
        "history",
        "replies",
    }
    assert body["estate"]["slug"] == estate.slug
    assert body["status"] == "received"
    assert [step["status"] for step in body["history"]] == ["received"]


def test_post_with_a_photo_in_multipart_stores_it(client):
    estate = EstateFactory()

    response = client.post(URL, {**_body(estate), "photos": [upload(image_bytes())]})

    assert response.status_code == HTTPStatus.CREATED
    assert Feedback.objects.get().photos.count() == 1


def test_post_with_a_bad_photo_stores_nothing(client):
    estate = EstateFactory()

    response = client.post(
        URL, {**_body(estate), "photos": [upload(b"%PDF-1.4\n", name="a.jpg")]}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "photos" in response.json()["errors"]
    assert Feedback.objects.count() == 0


def test_post_normalises_a_full_width_phone(client):
    estate = EstateFactory()

    client.post(
        URL,
        _body(estate, name="测试居民", phone="０３９２－１２３４５６７", consent=True),
        content_type="application/json",
    )

    assert FeedbackContact.objects.get().phone == "03921234567"


def test_post_refuses_an_invalid_phone_in_the_request_language(client):
    estate = EstateFactory()

    response = client.post(
        f"{URL}?lang=en",
        _body(estate, phone="12345", consent=True),
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == "invalid"
    assert "mainland mobile" in response.json()["errors"]["phone"][0]


def test_post_refuses_contact_without_consent(client):
    response = client.post(
        URL,
        _body(EstateFactory(), phone="13812345678"),
        content_type="application/json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "consent" in response.json()["errors"]


def test_post_refuses_text_over_the_limit(client):
    response = client.post(
        URL, _body(EstateFactory(), text="长" * 2001), content_type="application/json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "text" in response.json()["errors"]


def test_post_past_the_rate_limit_is_429_with_a_message(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    estate = EstateFactory()
    client.post(URL, _body(estate), content_type="application/json")

    response = client.post(
        f"{URL}?lang=en", _body(estate), content_type="application/json"
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many submissions" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_site_form_and_api_share_the_rate_limit(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    estate = EstateFactory()
    client.post("/feedback/new/", _body(estate))

    response = client.post(URL, _body(estate), content_type="application/json")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_get_by_reference_shows_history_and_public_replies_only(client):
    feedback = services.feedback_submit(
        estate=EstateFactory(), category="pipes", text="下水道堵了"
    )
    services.feedback_change_status(feedback=feedback, status=FeedbackStatus.ACCEPTED)
    services.feedback_reply(feedback=feedback, text="明天处理", is_public=True)
    services.feedback_reply(feedback=feedback, text="内部备注", is_public=False)

    body = client.get(f"{URL}{feedback.reference}/").json()

    assert [step["status"] for step in body["history"]] == ["received", "accepted"]
    assert [reply["text"] for reply in body["replies"]] == ["明天处理"]
    assert "下水道堵了" not in str(body)


def test_get_by_reference_in_lower_case_finds_it(client):
    feedback = services.feedback_submit(
        estate=EstateFactory(), category="pipes", text="下水道堵了"
    )

    response = client.get(f"{URL}{feedback.reference.lower()}/")

    assert response.json()["reference"] == feedback.reference


def test_get_unknown_reference_is_a_json_404_in_the_request_language(client):
    response = client.get(f"{URL}ABCD-EFGH/?lang=en")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {
        "detail": "There is no feedback with this reference.",
        "code": "not_found",
    }


def test_there_is_no_list_of_feedback(client):
    response = client.get(URL)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
