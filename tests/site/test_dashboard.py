"""The staff dashboard on the admin's home page: per community, what is late,
each figure a link to the change list of exactly those rows."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from estates.models import Stage, StepStatus
from estates.services import estate_refresh_stage
from governance.models import FeedbackReply, FeedbackStatus, MeetingKind
from sitewide.dashboard import staff_dashboard
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    StepFactory,
    StepTemplateFactory,
)
from tests.governance.factories import CouncilFactory, FeedbackFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _community_with_everything(name="测试东社区"):
    community = CommunityFactory(name_zh_hans=name)
    estate = EstateFactory(community=community)
    EstateFactory(community=community)  # no steps: stage not known
    # Two steps late, one late but done, one planned for later.
    for status, days in [
        (StepStatus.PENDING, -10),
        (StepStatus.IN_PROGRESS, -1),
        (StepStatus.DONE, -5),
        (StepStatus.PENDING, 5),
    ]:
        StepFactory(
            estate=estate,
            template=StepTemplateFactory(stage=Stage.CONSTRUCTION),
            status=status,
            planned_on=timezone.localdate() + datetime.timedelta(days=days),
            done_on=timezone.localdate() if status == StepStatus.DONE else None,
        )
    estate_refresh_stage(estate=estate)
    old = timezone.now() - datetime.timedelta(days=10)
    waiting = FeedbackFactory(estate=estate)
    answered = FeedbackFactory(estate=estate)
    FeedbackReply.objects.create(feedback=answered, text="收到", is_public=True)
    closed = FeedbackFactory(estate=estate, status=FeedbackStatus.DECLINED)
    fresh = FeedbackFactory(estate=estate)
    type(waiting).objects.filter(pk__in=[waiting.pk, answered.pk, closed.pk]).update(
        created_at=old
    )
    assert fresh
    due = CouncilFactory(community=community)
    MeetingFactory(
        council=due,
        kind=MeetingKind.WEEKLY_TALK,
        held_on=timezone.localdate() - datetime.timedelta(days=8),
    )
    kept_up = CouncilFactory(community=community)
    MeetingFactory(
        council=kept_up,
        kind=MeetingKind.WEEKLY_TALK,
        held_on=timezone.localdate() - datetime.timedelta(days=6),
    )
    CouncilFactory(community=community)  # never met: no cadence known
    return community


def _result_count(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.context["cl"].result_count


def test_each_figure_links_to_exactly_its_rows(admin_client, rf, superuser):
    community = _community_with_everything()
    CommunityFactory()  # another community, nothing in it
    request = rf.get("/")
    request.user = superuser
    dashboard = staff_dashboard(request)
    row = next(r for r in dashboard.rows if r.community == community)
    assert row.steps_overdue.count == 2
    assert row.feedback_waiting.count == 1
    assert row.councils_due.count == 1
    construction = row.stages[Stage.values.index(Stage.CONSTRUCTION)]
    unknown = row.stages[-1]
    assert (construction.count, unknown.count) == (1, 1)
    for figure in [
        row.steps_overdue,
        row.feedback_waiting,
        row.councils_due,
        construction,
        unknown,
    ]:
        assert _result_count(admin_client, figure.url) == figure.count


def test_waiting_days_follow_the_setting(rf, superuser, settings):
    community = _community_with_everything()
    settings.FEEDBACK_WAITING_DAYS = 30
    request = rf.get("/")
    request.user = superuser
    row = next(r for r in staff_dashboard(request).rows if r.community == community)
    assert row.feedback_waiting.count == 0


def test_dashboard_is_the_admin_home_in_both_languages(admin_client):
    community = _community_with_everything()
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'id="staff-dashboard"' in page
    assert str(community) in page
    assert "施工" in page or "开工建设" in page
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "steps overdue" in page
    assert "construction" in page


def test_staff_without_view_permissions_see_no_dashboard(client, django_user_model):
    _community_with_everything()
    clerk = django_user_model.objects.create_user(
        username="clerk", password="not-a-real-password-1", is_staff=True
    )
    client.force_login(clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert 'id="staff-dashboard"' not in response.content.decode()


@pytest.mark.parametrize("communities", [1, 20])
def test_query_count_does_not_grow_with_communities(
    admin_client, communities, django_assert_max_num_queries
):
    for n in range(communities):
        _community_with_everything(name=f"测试社区{n}")
    # Session, user, the two-factor device check, then the dashboard's own
    # (one of them counts the open feedback about compounds not listed).
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK


def test_dashboard_follows_the_admins_scoping(rf, superuser, monkeypatch):
    # The roles branch narrows each ModelAdmin's get_queryset to a clerk's
    # community; the dashboard must count only what those querysets return.
    from django.contrib import admin

    from estates.models import Community, Step

    mine = _community_with_everything("测试我的社区")
    _community_with_everything("测试别的社区")
    for model in (Community, Step):
        model_admin = admin.site.get_model_admin(model)
        original = type(model_admin).get_queryset
        field = "pk" if model is Community else "estate__community"

        def scoped(self, request, original=original, field=field):
            return original(self, request).filter(**{field: mine.pk})

        monkeypatch.setattr(type(model_admin), "get_queryset", scoped)
    request = rf.get("/")
    request.user = superuser
    dashboard = staff_dashboard(request)
    assert [row.community for row in dashboard.rows] == [mine]
    assert dashboard.rows[0].steps_overdue.count == 2
