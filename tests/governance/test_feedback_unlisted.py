"""Feedback about a compound the register does not hold (issue 16, item 1):
a resident gives it by name and address in a subdistrict; its office sees it,
and a clerk creates the compound from it, which links the two."""

from http import HTTPStatus
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from estates.models import Estate
from governance.models import Feedback
from staff.roles import COMMUNITY_STAFF, SUBDISTRICT_ADMINISTRATOR, roles_setup
from tests.estates.factories import (
    DistrictFactory,
    EstateFactory,
    ProgrammeFactory,
    SubdistrictFactory,
)
from tests.governance.factories import FeedbackFactory
from tests.staff.conftest import make_area, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _unlisted(subdistrict, **extra):
    return {
        "unlisted": "True",
        "subdistrict": str(subdistrict.pk),
        "unlisted_name": "测试新村",
        "unlisted_address": "测试路12号",
        "category": "lighting",
        "text": "小区里的路灯坏了",
        **extra,
    }


def _unlisted_feedback(subdistrict, **extra) -> Feedback:
    return FeedbackFactory(
        estate=None,
        subdistrict=subdistrict,
        unlisted_name="测试新村",
        unlisted_address="测试路12号",
        **extra,
    )


# --- the resident's steps ------------------------------------------------------
def test_not_listed_step_offers_every_subdistrict_when_there_are_few(client):
    first = SubdistrictFactory(name_zh_hans="测试甲街道")
    second = SubdistrictFactory(name_zh_hans="测试乙街道")

    html = client.get("/feedback/new/?unlisted=1&name=测试新村").content.decode()

    for subdistrict in (first, second):
        assert subdistrict.name_zh_hans in html
        assert f"subdistrict={subdistrict.pk}" in html
    # The name typed at the search step travels on to the form.
    assert "name=%E6%B5%8B%E8%AF%95%E6%96%B0%E6%9D%91" in html


def test_not_listed_step_asks_for_a_name_when_there_are_many(client):
    for n in range(11):
        SubdistrictFactory(name_zh_hans=f"测试{n}号街道")
    wanted = SubdistrictFactory(name_zh_hans="黄河街道")

    listed = client.get("/en/feedback/new/?unlisted=1").content.decode()
    searched = client.get("/en/feedback/new/?unlisted=1&place=黄河").content.decode()

    assert "测试0号街道" not in listed
    assert f"subdistrict={wanted.pk}" in searched
    assert "测试0号街道" not in searched


def test_a_district_programme_offers_only_its_own_subdistricts(client):
    district = DistrictFactory()
    own = SubdistrictFactory(district=district, name_zh_hans="测试本区街道")
    SubdistrictFactory(name_zh_hans="测试外区街道")
    programme = ProgrammeFactory(subdistrict=None, district=district)

    programme_page = client.get(f"/programmes/{programme.slug}/").content.decode()
    html = client.get(
        f"/feedback/new/?unlisted=1&district={district.pk}"
    ).content.decode()

    assert f"unlisted=1&amp;district={district.pk}" in programme_page
    assert f"subdistrict={own.pk}" in html
    assert "测试外区街道" not in html


def test_a_subdistrict_programme_goes_straight_to_the_form(client):
    programme = ProgrammeFactory()

    page = client.get(f"/programmes/{programme.slug}/").content.decode()
    form = client.get(
        f"/en/feedback/new/?unlisted=1&subdistrict={programme.subdistrict_id}"
    ).content.decode()

    assert f"unlisted=1&amp;subdistrict={programme.subdistrict_id}" in page
    assert 'name="unlisted_name"' in form
    assert 'name="unlisted_address"' in form
    assert "A compound not yet listed, in:" in form


@pytest.mark.parametrize("path", ["/estates/?q=qxzqxz", "/estates/"])
def test_the_compound_list_and_a_search_miss_offer_not_listed(client, path):
    EstateFactory()

    html = client.get("/en" + path).content.decode()

    assert "My compound is not listed: tell the office" in html
    assert "/en/feedback/new/?unlisted=1" in html


def test_unlisted_feedback_is_stored_with_what_the_resident_gave(client):
    subdistrict = SubdistrictFactory()

    response = client.post("/feedback/new/", _unlisted(subdistrict))

    feedback = Feedback.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert feedback.estate is None
    assert feedback.subdistrict == subdistrict
    assert (feedback.unlisted_name, feedback.unlisted_address) == (
        "测试新村",
        "测试路12号",
    )


@pytest.mark.parametrize("missing", ["unlisted_name", "unlisted_address"])
def test_unlisted_feedback_needs_a_name_and_an_address(client, missing):
    subdistrict = SubdistrictFactory()

    response = client.post(
        "/en/feedback/new/", _unlisted(subdistrict, **{missing: " "})
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This field is required." in html
    assert "小区里的路灯坏了" in html
    assert not Feedback.objects.exists()


def test_unlisted_feedback_with_an_unknown_subdistrict_is_refused(client):
    subdistrict = SubdistrictFactory()

    response = client.post(
        "/en/feedback/new/", {**_unlisted(subdistrict), "subdistrict": "999999"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "That subdistrict is not on the portal." in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_names_a_compound_one_way_or_the_other():
    feedback = Feedback(reference="TEST-2345", category="lighting", text="路灯")

    with pytest.raises(ValidationError):
        feedback.full_clean()


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "尚未登记的小区"), ("/en", "A compound not yet in the register")],
)
def test_follow_page_says_the_compound_is_not_listed_and_not_what_was_typed(
    client, prefix, words
):
    feedback = _unlisted_feedback(SubdistrictFactory(name_zh_hans="测试街道甲"))

    html = client.get(f"{prefix}/feedback/{feedback.reference}/").content.decode()

    assert words in html
    assert "测试街道甲" in html
    assert "测试新村" not in html
    assert "测试路12号" not in html


def test_api_gives_no_compound_and_says_unlisted(client):
    feedback = _unlisted_feedback(SubdistrictFactory())

    body = client.get(f"/api/v1/feedback/{feedback.reference}/").json()

    assert body["estate"] is None
    assert body["unlisted"] is True
    assert "测试新村" not in str(body)
    assert "测试路12号" not in str(body)


# --- the office ---------------------------------------------------------------
@pytest.fixture
def offices(db):
    """Two offices with their staff roles: the one the feedback names, another."""
    roles_setup()
    return make_area(), make_area()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change(feedback) -> str:
    return reverse("admin:governance_feedback_change", args=[feedback.pk])


def _create(feedback) -> str:
    return reverse("admin:governance_feedback_create_compound", args=[feedback.pk])


def test_only_the_chosen_subdistrict_s_office_sees_it(django_user_model, offices):
    inside, outside = offices
    feedback = _unlisted_feedback(inside.subdistrict)
    administrator = _client(
        staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    )
    other = _client(
        staff_user(
            django_user_model, SUBDISTRICT_ADMINISTRATOR, outside, username="other"
        )
    )

    listed = administrator.get(
        reverse("admin:governance_feedback_changelist") + "?listed=no"
    )

    assert feedback.reference in listed.content.decode()
    assert administrator.get(_change(feedback)).status_code == HTTPStatus.OK
    assert other.get(_change(feedback)).status_code == HTTPStatus.NOT_FOUND
    assert other.get(_create(feedback)).status_code == HTTPStatus.NOT_FOUND


def test_a_clerk_creates_the_compound_and_the_feedback_points_at_it(
    django_user_model, offices
):
    inside, outside = offices
    feedback = _unlisted_feedback(inside.subdistrict)
    administrator = _client(
        staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    )

    page = administrator.get(_change(feedback)).content.decode()
    form = administrator.get(_create(feedback))
    offered = set(form.context["form"].fields["community"].queryset)
    response = administrator.post(
        _create(feedback),
        {
            "name_zh_hans": "测试新村",
            "address_zh_hans": "测试路12号",
            "community": inside.community.pk,
        },
    )

    estate = Estate.objects.get(name_zh_hans="测试新村")
    feedback.refresh_from_db()
    assert _create(feedback) in page
    assert 'value="测试路12号"' in form.content.decode()
    assert offered == set(inside.subdistrict.communities.all())
    assert outside.community not in offered
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(
        "admin:estates_estate_change", args=[estate.pk]
    )
    assert feedback.estate == estate
    assert feedback.unlisted_name == "测试新村"
    assert feedback.history.first().estate_id == estate.pk


def test_a_community_out_of_the_subdistrict_is_refused(django_user_model, offices):
    inside, outside = offices
    feedback = _unlisted_feedback(inside.subdistrict)
    administrator = _client(
        staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    )

    response = administrator.post(
        _create(feedback),
        {"name_zh_hans": "测试新村", "community": outside.community.pk},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["community"]
    assert not Estate.objects.filter(name_zh_hans="测试新村").exists()


def test_a_second_creation_makes_no_second_compound(django_user_model, offices):
    inside, _ = offices
    feedback = _unlisted_feedback(inside.subdistrict)
    administrator = _client(
        staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    )
    data = {"name_zh_hans": "测试新村", "community": inside.community.pk}

    administrator.post(_create(feedback), data)
    again = administrator.post(_create(feedback), {**data, "name_zh_hans": "测试又村"})

    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"] == _change(feedback)
    assert not Estate.objects.filter(name_zh_hans="测试又村").exists()


def test_community_staff_cannot_create_compounds_from_feedback(
    django_user_model, offices
):
    inside, _ = offices
    feedback = _unlisted_feedback(inside.subdistrict)
    clerk = _client(staff_user(django_user_model, COMMUNITY_STAFF, inside))

    assert clerk.get(_create(feedback)).status_code in (
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
    )
    assert not Estate.objects.filter(name_zh_hans="测试新村").exists()


def test_dashboard_counts_open_unlisted_feedback(django_user_model, offices):
    inside, outside = offices
    _unlisted_feedback(inside.subdistrict)
    _unlisted_feedback(inside.subdistrict, status="resolved")
    _unlisted_feedback(outside.subdistrict)
    administrator = _client(
        staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    )

    html = administrator.get("/admin/").content.decode()

    assert "有 1 条未办结的居民意见涉及尚未登记的小区" in html
    assert "listed=no" in html


def test_register_export_names_the_unlisted_compound(django_user_model, offices):
    inside, _ = offices
    feedback = _unlisted_feedback(inside.subdistrict)
    administrator = _client(
        staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    )

    response = administrator.post(
        reverse("admin:governance_feedback_changelist"),
        {"action": "export_register", "_selected_action": [feedback.pk]},
    )

    sheet = load_workbook(BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert any(
        isinstance(cell, str) and "测试新村" in cell and "测试路12号" in cell
        for cell in cells
    )
