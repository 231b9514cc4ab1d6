"""Feedback is handed only to staff who work on its compound's area (issue 6,
item 1: no leak through a dropdown)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from staff.roles import COMMUNITY_STAFF, SUBDISTRICT_ADMINISTRATOR, VIEWER
from tests.governance.factories import FeedbackFactory
from tests.site.test_admin import form_data
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model, areas):
    inside, outside = areas
    return {
        "clerk": staff_user(django_user_model, COMMUNITY_STAFF, inside),
        "colleague": staff_user(
            django_user_model, COMMUNITY_STAFF, inside, username="colleague"
        ),
        "administrator": staff_user(
            django_user_model, SUBDISTRICT_ADMINISTRATOR, inside
        ),
        "viewer": staff_user(django_user_model, VIEWER, inside),
        "other clerk": staff_user(
            django_user_model, COMMUNITY_STAFF, outside, username="other-clerk"
        ),
        "other administrator": staff_user(
            django_user_model,
            SUBDISTRICT_ADMINISTRATOR,
            outside,
            username="other-administrator",
        ),
    }


@pytest.fixture
def feedback(areas):
    return FeedbackFactory(estate=areas[0].estate)


def _url(feedback):
    return reverse("admin:governance_feedback_change", args=[feedback.pk])


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _offered(response):
    field = response.context["adminform"].form.fields["assigned_to"]
    return {user.username for user in field.queryset}


def test_clerk_is_offered_only_staff_of_the_feedbacks_area(people, feedback):
    response = _client(people["clerk"]).get(_url(feedback))

    assert _offered(response) == {
        people["clerk"].username,
        "colleague",
        people["administrator"].username,
    }
    assert "other-clerk" not in response.text


def test_inactive_colleague_is_not_offered(people, feedback):
    people["colleague"].is_active = False
    people["colleague"].save()

    response = _client(people["clerk"]).get(_url(feedback))

    assert "colleague" not in _offered(response)


def test_forged_assignment_to_another_subdistricts_clerk_is_refused(people, feedback):
    client = _client(people["clerk"])
    data = form_data(client.get(_url(feedback)))
    data["assigned_to"] = str(people["other clerk"].pk)

    response = client.post(_url(feedback), data)

    assert response.status_code == HTTPStatus.OK
    assert "assigned_to" in response.context["adminform"].form.errors
    feedback.refresh_from_db()
    assert feedback.assigned_to is None


def test_assignment_to_a_colleague_is_saved(people, feedback):
    client = _client(people["clerk"])
    data = form_data(client.get(_url(feedback)))
    data["assigned_to"] = str(people["colleague"].pk)

    response = client.post(_url(feedback), data)

    assert response.status_code == HTTPStatus.FOUND
    feedback.refresh_from_db()
    assert feedback.assigned_to == people["colleague"]


def test_current_assignee_stays_offered_after_moving_away(people, feedback):
    feedback.assigned_to = people["other clerk"]
    feedback.save()

    response = _client(people["clerk"]).get(_url(feedback))

    assert "other-clerk" in _offered(response)


def test_superuser_is_offered_all_active_staff(admin_client, people, feedback):
    response = admin_client.get(_url(feedback))

    assert {"other-clerk", "other-administrator", "colleague"} <= _offered(response)
