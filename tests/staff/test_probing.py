"""Ids cannot be probed (issue 22, item 4): in the admin, a record outside the
user's area answers exactly as one that does not exist — 404 — on its change,
delete and history pages (one version of its history: tests/staff/test_history.py)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from governance.models import Feedback
from staff.roles import COMMUNITY_STAFF
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db

MISSING = 987654


@pytest.fixture
def clerk_client(client, django_user_model, areas):
    inside, _outside = areas
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, inside))
    return client


@pytest.mark.parametrize("view", ["change", "delete", "history"])
@pytest.mark.parametrize("model", ["estates_estate", "governance_feedback"])
def test_out_of_scope_and_missing_look_the_same(clerk_client, areas, view, model):
    _inside, outside = areas
    record = (
        outside.estate
        if model == "estates_estate"
        else Feedback.objects.filter(estate__community=outside.community).first()
    )
    assert record is not None

    out_of_scope = clerk_client.get(reverse(f"admin:{model}_{view}", args=[record.pk]))
    missing = clerk_client.get(reverse(f"admin:{model}_{view}", args=[MISSING]))

    assert out_of_scope.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    assert out_of_scope.context["message"] == missing.context["message"]


def test_saving_an_out_of_scope_record_is_404_and_changes_nothing(clerk_client, areas):
    _inside, outside = areas
    estate = outside.estate
    before = estate.version

    response = clerk_client.post(
        reverse("admin:estates_estate_change", args=[estate.pk]),
        {"name_zh_hans": "改名", "version": before},
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    estate.refresh_from_db()
    assert estate.version == before


def test_the_clerks_404_is_an_admin_page_in_chinese(clerk_client):
    response = clerk_client.get(
        reverse("admin:estates_estate_change", args=[MISSING]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert 'id="site-name"' in response.text
    assert "找不到该页面" in response.text


def test_a_clerks_403_is_an_admin_page_in_chinese(clerk_client):
    """A page the role does not open at all (the staff accounts)."""
    response = clerk_client.get(
        reverse("admin:auth_user_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert 'id="site-name"' in response.text
    assert "Forbidden" not in response.text
