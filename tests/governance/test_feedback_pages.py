"""The feedback form and following feedback by its reference (issue 5)."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.test import Client

from governance import services
from governance.models import (
    Feedback,
    FeedbackContact,
    FeedbackPhoto,
    FeedbackStatus,
    FeedbackStatusChange,
)
from tests.estates.factories import EstateFactory
from tests.governance.factories import FeedbackFactory
from tests.governance.images import image_bytes, upload

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _data(estate, **extra):
    return {
        "estate": estate.slug,
        "category": "lighting",
        "text": "楼下路灯坏了三天",
        **extra,
    }


def _submitted(estate, **extra) -> Feedback:
    return services.feedback_submit(
        estate=estate, category="lighting", text="路灯坏了", **extra
    )


# --- the form ---------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_form_page_renders_in_both_languages(client, prefix):
    estate = EstateFactory()

    response = client.get(f"{prefix}/feedback/new/?estate={estate.slug}")

    assert response.status_code == HTTPStatus.OK
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "lang"), [("", 'lang="zh-Hans"'), ("/en", 'lang="en"')]
)
def test_form_page_is_in_the_request_language(client, prefix, lang):
    response = client.get(f"{prefix}/feedback/new/")

    assert lang in response.content.decode()


def test_form_page_shows_the_privacy_notice(client):
    estate = EstateFactory()

    response = client.get(f"/en/feedback/new/?estate={estate.slug}")

    assert "Your privacy" in response.content.decode()
    assert "never published" in response.content.decode()


def test_form_page_preselects_the_compound_from_the_estate_link(client):
    estate = EstateFactory(name_zh_hans="九号院")
    EstateFactory(name_zh_hans="十号院")

    response = client.get(f"/feedback/new/?estate={estate.slug}")

    html = response.content.decode()
    assert f'type="hidden" name="estate" value="{estate.slug}"' in html
    assert "九号院" in html
    assert "十号院" not in html


def test_form_page_lists_no_compounds_until_the_resident_searches(client):
    EstateFactory(name_zh_hans="九号院")

    html = client.get("/feedback/new/").content.decode()

    assert "九号院" not in html
    assert '<select name="estate"' not in html
    assert 'name="q"' in html
    assert "?unlisted=1" in html


def test_form_page_search_offers_the_matching_compounds_and_not_listed(client):
    found = EstateFactory(name_zh_hans="九号院")
    EstateFactory(name_zh_hans="十号院")

    html = client.get("/en/feedback/new/?q=九号").content.decode()

    assert f'href="?estate={found.slug}"' in html
    assert "十号院" not in html
    assert "My compound is not listed" in html
    assert "?unlisted=1&amp;name=%E4%B9%9D%E5%8F%B7" in html


def test_category_starts_unchosen_and_must_be_chosen(client):
    estate = EstateFactory()

    html = client.get(f"/en/feedback/new/?estate={estate.slug}").content.decode()
    response = client.post("/en/feedback/new/", _data(estate, category=""))

    assert '<option value="" selected>Choose one</option>' in html
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose what your feedback is about." in response.content.decode()
    assert not Feedback.objects.exists()


def test_post_without_a_compound_is_refused_and_keeps_the_text(client):
    response = client.post(
        "/en/feedback/new/", {**_data(EstateFactory()), "estate": ""}
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose your compound first, or say that it is not listed." in html
    assert "楼下路灯坏了三天" in html
    assert not Feedback.objects.exists()


def test_form_page_has_no_inline_script_or_style(client):
    estate = EstateFactory()

    html = client.get(f"/en/feedback/new/?estate={estate.slug}").content.decode()

    assert "<script>" not in html
    assert " style=" not in html


@pytest.mark.parametrize("step", ["", "?q=x", "?unlisted=1", "?estate={slug}"])
def test_every_form_control_has_a_label(client, step):
    estate = EstateFactory()

    html = client.get(
        "/en/feedback/new/" + step.format(slug=estate.slug)
    ).content.decode()

    ids = re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html
    )
    assert ids
    for control in ids:
        assert f'for="{control}"' in html


def test_estate_page_links_to_the_feedback_form(client):
    estate = EstateFactory()

    response = client.get(f"/estates/{estate.slug}/")

    assert f'href="/feedback/new/?estate={estate.slug}"' in response.content.decode()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_submission_redirects_to_its_page_with_the_reference(client, prefix):
    estate = EstateFactory()

    response = client.post(f"{prefix}/feedback/new/", _data(estate))

    feedback = Feedback.objects.get()
    assert REFERENCE.match(feedback.reference)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{prefix}/feedback/{feedback.reference}/?sent=1"


def test_submission_page_shows_the_reference_to_keep(client):
    estate = EstateFactory()

    response = client.post("/en/feedback/new/", _data(estate), follow=True)

    feedback = Feedback.objects.get()
    html = response.content.decode()
    assert f'<strong class="reference">{feedback.reference}</strong>' in html
    assert "Thank you" in html


def test_submission_stores_row_first_status_and_photo(client):
    estate = EstateFactory()

    client.post("/feedback/new/", _data(estate, photos=[upload(image_bytes())]))

    feedback = Feedback.objects.get()
    assert feedback.estate == estate
    assert feedback.status == FeedbackStatus.RECEIVED
    assert list(feedback.status_changes.values_list("status", flat=True)) == [
        FeedbackStatus.RECEIVED
    ]
    assert feedback.photos.count() == 1


def test_submission_keeps_contact_details_apart(client):
    estate = EstateFactory()

    client.post(
        "/feedback/new/",
        _data(estate, name="测试居民", phone="１３８ １２３４ ５６７８", consent="on"),
    )

    contact = FeedbackContact.objects.get()
    assert (contact.name, contact.phone, contact.consent) == (
        "测试居民",
        "13812345678",
        True,
    )


def test_submission_without_contact_stores_no_contact_row(client):
    client.post("/feedback/new/", _data(EstateFactory()))

    assert FeedbackContact.objects.count() == 0


def test_phone_without_consent_is_refused(client):
    response = client.post(
        "/en/feedback/new/", _data(EstateFactory(), phone="13812345678")
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Feedback.objects.count() == 0


def test_phone_with_letters_is_refused(client):
    response = client.post(
        "/en/feedback/new/",
        _data(EstateFactory(), phone="138abcd5678", consent="on"),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "mainland mobile number" in response.content.decode()


def test_text_over_the_length_limit_is_refused(client):
    response = client.post(
        "/en/feedback/new/", _data(EstateFactory(), text="长" * 2001)
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Feedback.objects.count() == 0


def test_name_over_the_length_limit_is_refused(client):
    response = client.post(
        "/en/feedback/new/",
        _data(EstateFactory(), name="名" * 51, phone="13812345678", consent="on"),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_text_is_stored_as_given(client):
    client.post(
        "/feedback/new/", _data(EstateFactory(), text="<b>灯</b> & <script>x</script>")
    )

    assert Feedback.objects.get().text == "<b>灯</b> & <script>x</script>"


def test_refused_form_escapes_what_was_typed(client):
    response = client.post(
        "/en/feedback/new/",
        _data(EstateFactory(), text="<script>alert(1)</script>", phone="x"),
    )

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- abuse ------------------------------------------------------------------
def test_honeypot_filled_stores_nothing(client):
    response = client.post(
        "/en/feedback/new/", _data(EstateFactory(), website="http://spam.example")
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Feedback.objects.count() == 0


def test_honeypot_is_hidden_by_css_not_inline_style(client):
    estate = EstateFactory()

    html = client.get(f"/en/feedback/new/?estate={estate.slug}").content.decode()

    assert 'class="feedback-trap" aria-hidden="true"' in html
    assert ".feedback-trap" in Path("static/css/feedback.css").read_text()


def test_post_without_csrf_token_is_forbidden():
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post("/en/feedback/new/", _data(EstateFactory()))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Feedback.objects.count() == 0


def test_submissions_past_the_rate_limit_get_429_and_a_message(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    estate = EstateFactory()
    for _ in range(2):
        client.post("/en/feedback/new/", _data(estate))

    response = client.post("/en/feedback/new/", _data(estate))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many submissions" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Feedback.objects.count() == 2


def test_rate_limit_ignores_a_forged_forwarded_for(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    estate = EstateFactory()
    client.post("/en/feedback/new/", _data(estate), HTTP_X_FORWARDED_FOR="10.0.0.1")

    response = client.post(
        "/en/feedback/new/", _data(estate), HTTP_X_FORWARDED_FOR="10.0.0.2"
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_rate_limit_is_per_client_address(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    estate = EstateFactory()
    client.post("/en/feedback/new/", _data(estate), REMOTE_ADDR="10.0.0.1")

    response = client.post("/en/feedback/new/", _data(estate), REMOTE_ADDR="10.0.0.2")

    assert response.status_code == HTTPStatus.FOUND


# --- nothing lost -----------------------------------------------------------
def test_database_failure_stores_nothing_and_keeps_the_form_filled(
    client, settings, monkeypatch
):
    estate = EstateFactory()

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(FeedbackPhoto, "save", broken_save)

    response = client.post(
        "/en/feedback/new/",
        _data(estate, photos=[upload(image_bytes()), upload(image_bytes())]),
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "nothing was stored" in html
    assert "楼下路灯坏了三天" in html
    assert Feedback.objects.count() == 0
    assert FeedbackStatusChange.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


# --- following it -----------------------------------------------------------
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_follow_page_renders_in_both_languages(client, prefix):
    feedback = _submitted(EstateFactory())

    response = client.get(f"{prefix}/feedback/{feedback.reference}/")

    assert response.status_code == HTTPStatus.OK
    assert feedback.reference in response.content.decode()


def test_follow_page_shows_history_and_public_replies_only(client, admin_user):
    feedback = _submitted(EstateFactory())
    services.feedback_change_status(
        feedback=feedback, status=FeedbackStatus.ACCEPTED, changed_by=admin_user
    )
    services.feedback_reply(feedback=feedback, text="已派人维修", is_public=True)
    services.feedback_reply(
        feedback=feedback, text="内部：供电公司负责", is_public=False
    )

    html = client.get(f"/en/feedback/{feedback.reference}/").content.decode()

    assert "Accepted" in html
    assert "已派人维修" in html
    assert "内部" not in html
    assert admin_user.username not in html


def test_follow_page_shows_the_reason_for_declining(client):
    feedback = _submitted(EstateFactory())
    services.feedback_change_status(
        feedback=feedback, status=FeedbackStatus.DECLINED, reason="不属于改造范围"
    )

    html = client.get(f"/en/feedback/{feedback.reference}/").content.decode()

    assert "Declined" in html
    assert "不属于改造范围" in html


def test_follow_page_does_not_show_the_resident_s_text(client):
    feedback = _submitted(EstateFactory())

    html = client.get(f"/feedback/{feedback.reference}/").content.decode()

    assert feedback.text not in html


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_wrong_reference_says_so_plainly(client, prefix):
    response = client.get(f"{prefix}/feedback/ABCD-EFGH/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "ABCD-EFGH" in response.content.decode()


def test_wrong_reference_says_so_in_english(client):
    response = client.get("/en/feedback/ABCD-EFGH/")

    assert "There is no feedback with the reference" in response.content.decode()


def test_reference_typed_in_lower_case_finds_the_feedback(client):
    feedback = _submitted(EstateFactory())

    response = client.get(f"/feedback/{feedback.reference.lower()}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/feedback/{feedback.reference}/"


def test_look_up_form_takes_a_reference_without_its_dash(client):
    feedback = _submitted(EstateFactory())

    response = client.get(
        "/en/feedback/find/", {"reference": feedback.reference.replace("-", " ")}
    )

    assert response["Location"] == f"/en/feedback/{feedback.reference}/"


@pytest.mark.parametrize("rows", [1, 50])
def test_follow_page_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    feedback = FeedbackFactory()
    for _ in range(rows):
        FeedbackStatusChange.objects.create(
            feedback=feedback, status=FeedbackStatus.ACCEPTED
        )
        services.feedback_reply(feedback=feedback, text="答复", is_public=True)

    with django_assert_max_num_queries(6):
        response = client.get(f"/feedback/{feedback.reference}/")

    assert response.status_code == HTTPStatus.OK


def test_rate_limit_behind_a_proxy_counts_each_resident_apart(client, settings):
    # Behind nginx every request comes from nginx's address; the limit must
    # read the address nginx appended, or all residents would share one count.
    settings.NUM_PROXIES = 1
    settings.FEEDBACK_RATE_LIMIT = 1
    estate = EstateFactory()
    client.post(
        "/en/feedback/new/",
        _data(estate),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.0.1",
    )

    response = client.post(
        "/en/feedback/new/",
        _data(estate),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.0.2",
    )

    assert response.status_code != HTTPStatus.TOO_MANY_REQUESTS
