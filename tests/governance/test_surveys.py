"""Satisfaction surveys after completion acceptance (issue 5, item 4): the
resident's form, one answer per device, the abuse limits, the results shown
only from five answers on, and comments that never leave the admin."""

import datetime
import html
import re
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import IntegrityError, close_old_connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client as WsgiClient

from estates.models import Stage
from governance import selectors, services
from governance.models import SURVEY_MIN_RESPONSES, Survey, SurveyResponse
from governance.views import DEVICE_COOKIE
from tests.estates.factories import EstateFactory
from tests.governance.factories import SurveyFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["", "/en"]
COMMENT = "测试意见：三号楼的电梯还没修好"
GOOD = {
    "works_quality": "5",
    "property_service": "4",
    "facilities": "3",
    "overall": "4",
    "comment": "",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def survey():
    return SurveyFactory(
        estate=EstateFactory(name_zh_hans="测试验收小区", stage=Stage.ACCEPTANCE),
        opens_on=timezone.localdate() - datetime.timedelta(days=3),
    )


def _form_url(survey, prefix=""):
    return f"{prefix}/surveys/{survey.estate.slug}/"


def _page(survey, prefix=""):
    return f"{prefix}/estates/{survey.estate.slug}/"


def _api(survey, lang="en"):
    return f"/api/v1/estates/{survey.estate.slug}/?lang={lang}"


def _zh(msgid: str) -> str:
    """The Chinese of an English msgid, as the catalogue has it (the msgid
    itself until the new strings are translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def _en(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def _device(client, survey):
    """The device cookie, as a first visit to the form gives it."""
    client.get(_form_url(survey))
    return client


def _answers(survey, n, **scores):
    SurveyResponseFactory.create_batch(n, survey=survey, comment=COMMENT, **scores)


# --- the form ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "language", "words"),
    [("", "zh-Hans", _zh), ("/en", "en", _en)],
)
def test_form_shows_five_worded_scores_per_question_in_each_language(
    client, survey, prefix, language, words
):
    response = client.get(_form_url(survey, prefix))

    text = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{language}"' in text
    assert "测试验收小区" in text
    assert text.count('type="radio"') == 4 * 5
    for msgid in ["very dissatisfied", "very satisfied", "Send my answer"]:
        assert words(msgid) in text
    assert "<script" not in text.split("<main", 1)[-1]


def test_first_visit_gives_a_signed_httponly_lax_device_cookie(client, survey):
    response = client.get(_form_url(survey))

    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] >= 365 * 24 * 60 * 60
    assert ":" in cookie.value  # value:signature


def test_an_answer_is_stored_and_thanked(client, survey):
    _device(client, survey)

    response = client.post(_form_url(survey, "/en"), {**GOOD, "comment": COMMENT})

    assert response.status_code == HTTPStatus.FOUND
    answer = SurveyResponse.objects.get()
    assert (answer.works_quality, answer.property_service) == (5, 4)
    assert (answer.facilities, answer.overall) == (3, 4)
    assert answer.comment == COMMENT
    thanks = client.get(response["Location"])
    assert "Thank you for your answer" in thanks.content.decode()


def test_the_device_id_itself_is_never_stored(client, survey):
    _device(client, survey)
    client.post(_form_url(survey), GOOD)

    device_id = client.cookies[DEVICE_COOKIE].value.split(":")[0]
    stored = SurveyResponse.objects.get().device_key
    assert device_id not in stored
    assert len(stored) == 64


def test_a_second_answer_from_the_same_device_is_refused_not_overwritten(
    client, survey
):
    _device(client, survey)
    client.post(_form_url(survey), GOOD)

    response = client.post(
        _form_url(survey, "/en"), {**GOOD, "overall": "1", "comment": "again"}
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert "has already answered this survey" in response.content.decode()
    answer = SurveyResponse.objects.get()
    assert answer.overall == 4
    assert answer.comment == ""


def test_the_form_tells_a_device_that_already_answered(client, survey):
    _device(client, survey)
    client.post(_form_url(survey), GOOD)

    response = client.get(_form_url(survey, "/en"))

    assert "has already answered this survey" in response.content.decode()
    assert 'type="radio"' not in response.content.decode()


def test_another_device_may_answer(client, survey):
    _device(client, survey)
    client.post(_form_url(survey), GOOD)
    other = _device(Client(), survey)

    response = other.post(_form_url(survey), GOOD)

    assert response.status_code == HTTPStatus.FOUND
    assert SurveyResponse.objects.count() == 2


@pytest.mark.parametrize(
    "cookie",
    [
        "0123456789abcdef0123456789abcdef",  # no signature
        "0123456789abcdef0123456789abcdef:forged-signature",
        "",
    ],
)
def test_a_tampered_device_cookie_is_refused_and_nothing_stored(client, survey, cookie):
    client.cookies[DEVICE_COOKIE] = cookie

    response = client.post(_form_url(survey, "/en"), GOOD)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "was not recognised" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_device_id_signed_then_edited_is_refused(client, survey):
    _device(client, survey)
    value, signature = client.cookies[DEVICE_COOKIE].value.split(":", 1)
    edited = ("1" if value[0] != "1" else "2") + value[1:]
    client.cookies[DEVICE_COOKIE] = f"{edited}:{signature}"

    response = client.post(_form_url(survey), GOOD)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not SurveyResponse.objects.exists()


def test_an_answer_without_the_device_cookie_is_refused_and_gets_one(client, survey):
    response = client.post(_form_url(survey, "/en"), GOOD)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "allow cookies" in response.content.decode()
    assert not SurveyResponse.objects.exists()
    # Sent again, now with the cookie, it is stored.
    assert client.post(_form_url(survey), GOOD).status_code == HTTPStatus.FOUND


@pytest.mark.parametrize("score", ["0", "6", "-1", "3.5", "five", "", "١"])
def test_scores_outside_1_to_5_are_refused_clearly_and_nothing_stored(
    client, survey, score
):
    _device(client, survey)

    response = client.post(_form_url(survey, "/en"), {**GOOD, "overall": score})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose a score from 1 to 5." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_score_errors_are_in_the_language_of_the_form(client, survey):
    _device(client, survey)

    response = client.post(_form_url(survey), {**GOOD, "overall": "6"})

    assert '<html lang="zh-Hans"' in response.content.decode()
    assert _zh("Choose a score from 1 to 5.") in response.content.decode()


def test_the_service_refuses_scores_outside_1_to_5(survey):
    with pytest.raises(ValidationError):
        services.survey_response_submit(
            survey=survey,
            device_id="0" * 32,
            scores={
                "works_quality": 6,
                "property_service": 4,
                "facilities": 4,
                "overall": 0,
            },
        )
    assert not SurveyResponse.objects.exists()


def test_the_database_refuses_scores_outside_1_to_5(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    survey=survey,
                    works_quality=9,
                    property_service=4,
                    facilities=4,
                    overall=4,
                    device_key="x",
                )
            ]
        )
    assert not SurveyResponse.objects.exists()


def test_the_database_refuses_two_answers_with_one_device_key(survey):
    SurveyResponseFactory(survey=survey, device_key="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    survey=survey,
                    works_quality=4,
                    property_service=4,
                    facilities=4,
                    overall=4,
                    device_key="same",
                )
            ]
        )


def test_a_comment_past_the_limit_is_refused_and_nothing_stored(client, survey):
    _device(client, survey)

    response = client.post(_form_url(survey, "/en"), {**GOOD, "comment": "长" * 501})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "at most 500 characters" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_honeypot_refuses_and_stores_nothing(client, survey):
    _device(client, survey)

    response = client.post(_form_url(survey, "/en"), {**GOOD, "website": "spam"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "could not be accepted" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_answers_past_the_rate_limit_get_429_and_a_message(settings, survey):
    settings.SURVEY_RATE_LIMIT = 2
    for _ in range(2):
        assert (
            _device(Client(), survey).post(_form_url(survey), GOOD).status_code
            == HTTPStatus.FOUND
        )

    response = _device(Client(), survey).post(_form_url(survey, "/en"), GOOD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many answers from your connection" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert SurveyResponse.objects.count() == 2


def test_the_form_needs_a_csrf_token(survey):
    client = _device(Client(enforce_csrf_checks=True), survey)

    response = client.post(_form_url(survey), GOOD)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_answer(client, survey):
    _device(client, survey)
    survey.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    survey.save()

    response = client.post(_form_url(survey, "/en"), GOOD)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "no satisfaction survey open" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_service_refuses_an_answer_to_a_closed_survey(survey):
    survey.closes_on = survey.opens_on
    survey.save()

    with pytest.raises(ValidationError) as refused:
        services.survey_response_submit(
            survey=survey,
            device_id="0" * 32,
            scores={d: 4 for d in GOOD if d != "comment"},
            today=survey.opens_on + datetime.timedelta(days=1),
        )

    assert refused.value.code == "survey_closed"


# --- arbitrary input never breaks the form -----------------------------------
NASTY = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=60),
    st.sampled_from(
        [
            "\x00",
            "4\x00",
            "\ud800",
            "\udfff4",
            "\u202e5\u202c",
            "مرحبا\u200f",
            "３",
            "4" * 10_000,
            "长" * 600,
            "\U0001f600" * 300,
        ]
    ),
)
SCORE = st.one_of(st.sampled_from(["1", "3", "5"]), NASTY)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    scores=st.fixed_dictionaries(
        {
            "works_quality": SCORE,
            "property_service": SCORE,
            "facilities": SCORE,
            "overall": SCORE,
        }
    ),
    comment=NASTY,
    website=st.one_of(st.just(""), NASTY),
    prefix=st.sampled_from(LANGUAGES),
)
def test_arbitrary_unicode_never_breaks_the_form_nor_half_stores(
    survey, scores, comment, website, prefix
):
    cache.clear()
    client = _device(Client(raise_request_exception=False), survey)
    before = SurveyResponse.objects.count()
    # Encoded by hand: lone surrogates reach the server as the invalid UTF-8
    # a broken client would send.
    body = urlencode(
        {**scores, "comment": comment, "website": website},
        encoding="utf-8",
        errors="surrogatepass",
    )

    response = client.post(
        _form_url(survey, prefix),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST}
    stored = SurveyResponse.objects.count() - before
    assert stored == (1 if response.status_code == HTTPStatus.FOUND else 0)


# --- results: only from five answers on ---------------------------------------
WAITING = (
    "Results appear here once at least %(count)s residents have answered, so "
    "that no one's answer can be singled out."
)


@pytest.mark.parametrize(("prefix", "words"), [("", _zh), ("/en", _en)])
def test_four_answers_show_no_results_on_the_page(client, survey, prefix, words):
    _answers(survey, SURVEY_MIN_RESPONSES - 1, overall=1)

    text = client.get(_page(survey, prefix)).content.decode()

    assert words(WAITING) % {"count": 5} in html.unescape(text)
    assert 'id="satisfaction-overall' not in text
    assert 'role="img"' not in text.split('id="satisfaction"', 1)[1]


@pytest.mark.parametrize(("prefix", "words"), [("", _zh), ("/en", _en)])
def test_five_answers_show_means_and_charts_on_the_page(client, survey, prefix, words):
    _answers(survey, 4, works_quality=5, property_service=2, facilities=3, overall=4)
    _answers(survey, 1, works_quality=4, property_service=2, facilities=3, overall=5)

    text = html.unescape(client.get(_page(survey, prefix)).content.decode())
    section = text.split('id="satisfaction"', 1)[1].split("</section>", 1)[0]

    for msgid in ["Residents' satisfaction", "Average score out of 5", "facilities"]:
        assert words(msgid) in section
    assert f"5 · {words('very satisfied')}" in section
    assert "<td>4.8</td>" in section  # works quality: (4×5 + 4) / 5
    assert "<td>4.2</td>" in section  # overall
    # Four charts, each an image with a title and a table of the same numbers.
    assert section.count('role="img"') == 4
    assert section.count("<title") == 4
    assert section.count('class="chart-table"') == 4


def test_the_page_links_an_open_survey_to_its_form(client, survey):
    text = client.get(_page(survey, "/en")).content.decode()

    assert f'href="/en/surveys/{survey.estate.slug}/"' in text
    assert "Rate the renovation" in text


def test_a_page_without_a_survey_says_nothing_of_one(client):
    estate = EstateFactory()

    text = client.get(f"/en/estates/{estate.slug}/").content.decode()

    assert 'id="satisfaction"' not in text


def test_four_answers_give_null_satisfaction_in_the_api(client, survey):
    _answers(survey, SURVEY_MIN_RESPONSES - 1)

    assert client.get(_api(survey)).json()["satisfaction"] is None


def test_five_answers_give_the_aggregates_in_the_api(client, survey):
    survey.closes_on = timezone.localdate() + datetime.timedelta(days=10)
    survey.save()
    _answers(survey, 3, works_quality=5, property_service=1, facilities=2, overall=3)
    _answers(survey, 2, works_quality=4, property_service=1, facilities=3, overall=3)

    satisfaction = client.get(_api(survey)).json()["satisfaction"]

    def counts(*values):
        labels = [
            "very dissatisfied",
            "dissatisfied",
            "neither satisfied nor dissatisfied",
            "satisfied",
            "very satisfied",
        ]
        return [
            {"score": n, "label": labels[n - 1], "count": c}
            for n, c in enumerate(values, start=1)
        ]

    assert satisfaction == {
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": survey.closes_on.isoformat(),
        "is_open": True,
        "responses": 5,
        "results": [
            {
                "dimension": "works_quality",
                "label": "quality of the works",
                "mean": 4.6,
                "distribution": counts(0, 0, 0, 2, 3),
            },
            {
                "dimension": "property_service",
                "label": "property management service",
                "mean": 1.0,
                "distribution": counts(5, 0, 0, 0, 0),
            },
            {
                "dimension": "facilities",
                "label": "facilities",
                "mean": 2.4,
                "distribution": counts(0, 3, 2, 0, 0),
            },
            {
                "dimension": "overall",
                "label": "overall",
                "mean": 3.0,
                "distribution": counts(0, 0, 5, 0, 0),
            },
        ],
    }


def test_api_labels_follow_the_language(client, survey):
    _answers(survey, SURVEY_MIN_RESPONSES)

    satisfaction = client.get(_api(survey, "zh-hans")).json()["satisfaction"]

    assert satisfaction["results"][2]["label"] == "服务设施"
    assert satisfaction["results"][3]["distribution"][4]["label"] == _zh(
        "very satisfied"
    )


def test_a_new_answer_moves_the_api_last_modified(client, survey):
    _answers(survey, SURVEY_MIN_RESPONSES)
    latest = SurveyResponse.objects.order_by("-created_at").first()
    later = latest.created_at + datetime.timedelta(days=400)
    SurveyResponse.objects.filter(pk=latest.pk).update(created_at=later)

    response = client.get(_api(survey))

    assert response["Last-Modified"].endswith(later.strftime("%Y %H:%M:%S GMT"))


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_comments_never_appear_in_the_page_or_the_api(client, survey, prefix):
    _answers(survey, SURVEY_MIN_RESPONSES + 2)

    page = client.get(_page(survey, prefix)).content.decode()
    api = client.get(_api(survey, "all" if prefix else "zh-hans")).content.decode()

    assert "三号楼的电梯" not in page
    assert "三号楼的电梯" not in api
    assert "\\u4e09\\u53f7\\u697c" not in api
    assert "device" not in api


def test_results_round_half_up_to_one_decimal(survey):
    # 17 answers of 4 and 3 of 5: 83 / 20 = 4.15 → 4.2 (not 4.1 by halves to even)
    _answers(survey, 17, overall=4)
    _answers(survey, 3, overall=5)

    found = selectors.estate_satisfaction(estate=survey.estate)

    overall = next(r for r in found.results if r.dimension == "overall")
    assert overall.mean == Decimal("4.2")


def test_the_open_survey_is_shown_rather_than_an_older_one(survey):
    survey.closes_on = survey.opens_on
    survey.save()
    _answers(survey, SURVEY_MIN_RESPONSES)
    newer = SurveyFactory(estate=survey.estate, opens_on=timezone.localdate())

    found = selectors.estate_satisfaction(estate=survey.estate)

    assert found.survey == newer
    assert found.results is None


def test_the_api_answer_with_results_matches_the_schema(survey):
    _answers(survey, SURVEY_MIN_RESPONSES)
    schema = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(request=None, public=True)
    )
    # As tests/api/test_schema.py: keep the test's connection (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WsgiClient(get_wsgi_application()).get(_api(survey))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    assert response.json["satisfaction"]["responses"] == SURVEY_MIN_RESPONSES
    schema["/api/v1/estates/{slug}/"]["GET"].validate_response(response)


# --- staff --------------------------------------------------------------------
def test_a_survey_needs_a_compound_past_completion_acceptance(english):
    estate = EstateFactory(stage=Stage.CONSTRUCTION)

    with pytest.raises(ValidationError) as refused:
        Survey(estate=estate, opens_on=datetime.date(2025, 1, 1)).full_clean()

    assert "completion acceptance" in str(refused.value.message_dict["estate"])


def test_a_survey_may_not_overlap_another_of_the_same_compound(survey):
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="already has a survey open"),
    ):
        Survey(estate=survey.estate, opens_on=timezone.localdate()).full_clean()


def test_a_survey_cannot_close_before_it_opens(survey):
    survey.closes_on = survey.opens_on - datetime.timedelta(days=1)

    with pytest.raises(ValidationError):
        survey.full_clean()


def test_admin_add_form_offers_only_accepted_compounds(admin_client):
    accepted = EstateFactory(name_zh_hans="测试已验收", stage=Stage.MANAGEMENT)
    EstateFactory(name_zh_hans="测试施工中", stage=Stage.CONSTRUCTION)

    text = admin_client.get(reverse("admin:governance_survey_add")).content.decode()

    assert accepted.name_zh_hans in text
    assert "测试施工中" not in text


def test_admin_survey_list_counts_answers(admin_client, survey):
    _answers(survey, 3)

    response = admin_client.get(reverse("admin:governance_survey_changelist"))

    assert re.search(r'class="field-response_count">3<', response.content.decode())


def test_staff_read_comments_but_cannot_edit_or_add_answers(admin_client, survey):
    _answers(survey, 1)
    answer = SurveyResponse.objects.get()

    page = admin_client.get(
        reverse("admin:governance_surveyresponse_change", args=[answer.pk])
    )
    added = admin_client.get(reverse("admin:governance_surveyresponse_add"))

    assert COMMENT in page.content.decode()
    assert 'name="comment"' not in page.content.decode()
    assert added.status_code == HTTPStatus.FORBIDDEN


def test_no_shared_cache_keeps_the_form_and_its_device_cookie(client, survey):
    response = client.get(_form_url(survey))

    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
