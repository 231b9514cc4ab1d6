"""Recording a meeting is a two-minute job (issue 6, item 7)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Council, Meeting, MeetingKind
from staff.roles import COMMUNITY_STAFF
from tests.governance.factories import CouncilFactory
from tests.site.test_admin import form_data
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:governance_meeting_add")


@pytest.fixture
def clerk(django_user_model, areas):
    client = Client()
    client.force_login(staff_user(django_user_model, COMMUNITY_STAFF, areas[0]))
    return client


def _only_council(areas) -> Council:
    return Council.objects.get(community=areas[0].community)


def test_form_asks_in_the_clerks_order_with_today_and_their_council_filled_in(
    clerk, areas
):
    response = clerk.get(ADD)
    form = response.context["adminform"].form
    names = [
        name
        for fs in response.context["adminform"]
        for line in fs
        for name in line.fields
    ]
    assert names[:8] == [
        "kind",
        "held_on",
        "council",
        "attendees_count",
        "agenda_zh_hans",
        "agenda_en",
        "minutes_zh_hans",
        "minutes_en",
    ]
    assert form["held_on"].value() == timezone.localdate()
    assert form["council"].value() == _only_council(areas).pk


def test_clerk_with_several_councils_picks_one(clerk, areas):
    CouncilFactory(community=areas[0].community)
    form = clerk.get(ADD).context["adminform"].form
    assert form["council"].value() is None


def test_kind_and_what_is_filled_in_are_enough_to_save(clerk, areas):
    data = form_data(clerk.get(ADD))
    data.update(
        {
            "kind": MeetingKind.WEEKLY_TALK,
            "attendees_count": "9",
            "agenda_zh_hans": "收集居民对施工噪音的意见",
            "decisions_zh_hans": "晚上七点后停止施工",
        }
    )
    response = clerk.post(ADD, data)
    assert response.status_code == HTTPStatus.FOUND
    meeting = Meeting.objects.get(agenda_zh_hans="收集居民对施工噪音的意见")
    assert meeting.held_on == timezone.localdate()
    assert meeting.council == _only_council(areas)
    assert meeting.attendees_count == 9


def test_a_council_outside_the_clerks_community_is_refused(clerk, areas):
    data = form_data(clerk.get(ADD))
    data.update(
        {
            "kind": MeetingKind.WEEKLY_TALK,
            "council": Council.objects.get(community=areas[1].community).pk,
            "agenda_zh_hans": "越界会议",
        }
    )
    response = clerk.post(ADD, data)
    assert response.status_code == HTTPStatus.OK
    assert not Meeting.objects.filter(agenda_zh_hans="越界会议").exists()
