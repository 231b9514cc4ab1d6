"""Every staff edit in the record's history; revert for administrators only
(issue 6, item 2)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from estates.models import Estate, Facility
from governance.models import Feedback, FeedbackContact
from staff.roles import COMMUNITY_STAFF, SUBDISTRICT_ADMINISTRATOR
from tests.estates.factories import EstateFactory
from tests.site.test_admin import form_data
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


def _rename(client, estate, name):
    change_url = reverse("admin:estates_estate_change", args=[estate.pk])
    data = form_data(client.get(change_url))
    data["name_zh_hans"] = name
    return client.post(change_url, data)


@pytest.fixture
def estate(areas):
    """A compound of the user's area, with no photo (an empty image field
    cannot be sent back by ``form_data``)."""
    return EstateFactory(community=areas[0].community)


@pytest.fixture
def administrator(client, django_user_model, areas):
    inside, _outside = areas
    user = staff_user(django_user_model, SUBDISTRICT_ADMINISTRATOR, inside)
    client.force_login(user)
    return user


def test_change_in_the_admin_is_in_the_history_with_who_when_and_what(
    client, administrator, estate
):
    old_name = estate.name_zh_hans

    _rename(client, estate, "测试改名小区")

    latest, before = estate.history.all()[:2]
    assert latest.history_user == administrator
    assert latest.history_type == "~"
    assert latest.history_date is not None
    delta = latest.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("name_zh_hans", old_name, "测试改名小区")
    ]


def test_history_page_shows_who_changed_what(client, administrator, estate):
    _rename(client, estate, "测试改名小区")

    response = client.get(reverse("admin:estates_estate_history", args=[estate.pk]))

    assert response.status_code == HTTPStatus.OK
    assert administrator.username in response.text
    assert "测试改名小区" in response.text


def test_record_added_and_deleted_in_the_admin_are_in_the_history(
    client, administrator, areas
):
    facility = Facility.objects.get(pk__in=areas[0].of(Facility))

    client.post(
        reverse("admin:estates_facility_delete", args=[facility.pk]), {"post": "yes"}
    )

    deleted = Facility.history.filter(id=facility.pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", administrator)


def _revert_data(page):
    """What the revert page's form sends back as rendered (it has no inlines)."""
    data = {}
    for bound in page.context["adminform"].form:
        value = bound.value()
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value not in (None, False):
            data[bound.html_name] = str(value)
    return data


def _first_version_url(estate):
    first = estate.history.order_by("history_id").first()
    return reverse(
        "admin:estates_estate_simple_history", args=[estate.pk, first.history_id]
    )


def test_administrator_may_revert_to_an_earlier_version(client, administrator, estate):
    old_name = estate.name_zh_hans
    _rename(client, estate, "测试改名小区")
    revert_url = _first_version_url(estate)
    page = client.get(revert_url)

    response = client.post(revert_url, _revert_data(page))

    assert 'name="_save"' in page.text
    assert response.status_code == HTTPStatus.FOUND
    estate.refresh_from_db()
    assert estate.name_zh_hans == old_name
    assert estate.history.first().history_user == administrator


def test_community_staff_may_not_revert(client, django_user_model, areas, estate):
    inside, _outside = areas
    clerk = staff_user(django_user_model, COMMUNITY_STAFF, inside)
    client.force_login(clerk)
    _rename(client, estate, "测试改名小区")
    revert_url = _first_version_url(estate)
    page = client.get(revert_url)

    response = client.post(revert_url, _revert_data(page))

    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.text
    assert response.status_code == HTTPStatus.FORBIDDEN
    estate.refresh_from_db()
    assert estate.name_zh_hans == "测试改名小区"


def test_residents_contact_details_have_no_history():
    assert not hasattr(FeedbackContact, "history")
    assert hasattr(Feedback, "history")


def test_feedback_history_holds_no_contact_field():
    fields = {field.name for field in Feedback.history.model._meta.get_fields()}

    assert not fields & {"name", "phone", "contact"}


def test_estate_without_history_permission_cannot_be_seen_through_history(
    client, django_user_model, areas
):
    inside, outside = areas
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, inside))
    first = outside.estate.history.order_by("history_id").first()

    response = client.get(
        reverse(
            "admin:estates_estate_simple_history",
            args=[outside.estate.pk, first.history_id],
        )
    )

    # As for a record that does not exist: nothing tells them apart (issue 22).
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Estate.objects.filter(pk=outside.estate.pk).exists()
