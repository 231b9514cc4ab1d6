"""Staff follow their scope (issue 18, item 2): new feedback about a compound
they work on, and every morning what is overdue there, by e-mail, with a stop
link that needs no login."""

import datetime
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from follows.models import Mode, Notification, StaffWatch
from governance import services as feedback_services
from sitewide.tasks import morning_summaries
from staff.roles import COMMUNITY_STAFF
from tests.estates.factories import StepFactory
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:follows_staffwatch_add")
CHANGELIST = reverse("admin:follows_staffwatch_changelist")


@pytest.fixture
def clerks(django_user_model, areas):
    """(inside, outside): a community clerk of each area, with an e-mail."""
    inside = staff_user(django_user_model, COMMUNITY_STAFF, areas[0], username="in")
    outside = staff_user(django_user_model, COMMUNITY_STAFF, areas[1], username="out")
    for user in (inside, outside):
        user.email = f"{user.username}@office.example.org"
        user.save()
    return inside, outside


def _client(user, prefix=""):
    client = Client()
    client.force_login(user)
    return client


def _watch(user, **fields):
    defaults = {"language": "zh-hans", "new_feedback": True, "overdue": True}
    return StaffWatch.objects.create(user=user, **{**defaults, **fields})


def _submit(estate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return feedback_services.feedback_submit(
            estate=estate, category="lighting", text="路灯坏了"
        )


def test_a_clerk_follows_their_scope_from_the_admin(clerks):
    inside, _outside = clerks
    client = _client(inside)

    page = client.get(ADD)
    assert page.status_code == HTTPStatus.OK
    response = client.post(
        ADD,
        {"new_feedback": "on", "mode": Mode.AT_ONCE, "overdue": "on", "language": "en"},
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:1500]
    watch = StaffWatch.objects.get()
    assert (watch.user, watch.language) == (inside, "en")
    # One each: the add page leads to their own once they have one.
    again = client.get(ADD)
    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"].endswith(f"/{watch.pk}/change/")


def test_a_clerk_without_an_email_is_told_why_in_their_language(clerks):
    inside, _outside = clerks
    inside.email = ""
    inside.save()

    response = _client(inside).post(
        ADD, {"new_feedback": "on", "mode": Mode.AT_ONCE, "language": "zh-hans"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "电子邮件" in response.content.decode()
    assert not StaffWatch.objects.exists()


def test_a_clerk_sees_only_their_own_watch(clerks):
    inside, outside = clerks
    mine = _watch(inside)
    theirs = _watch(outside)

    client = _client(inside)
    listed = client.get(CHANGELIST).context["cl"].result_list

    assert list(listed) == [mine]
    change = reverse("admin:follows_staffwatch_change", args=[theirs.pk])
    assert client.get(change).status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert client.post(
        reverse("admin:follows_staffwatch_delete", args=[theirs.pk]), {"post": "yes"}
    ).status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert StaffWatch.objects.filter(pk=theirs.pk).exists()


def test_new_feedback_reaches_the_clerks_whose_scope_holds_it(
    clerks, areas, django_capture_on_commit_callbacks
):
    inside, outside = clerks
    _watch(inside)
    _watch(outside)
    mail.outbox.clear()

    feedback = _submit(areas[0].estate, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[inside.email]]
    message = mail.outbox[0]
    assert feedback.reference in message.subject
    assert f"/admin/governance/feedback/{feedback.pk}/change/" in message.body
    assert "/follow/stop/" in message.body


def test_a_digest_clerk_gets_new_feedback_in_the_morning_summary(
    clerks, areas, django_capture_on_commit_callbacks
):
    inside, _outside = clerks
    _watch(inside, mode=Mode.DIGEST, overdue=False, language="en")
    mail.outbox.clear()

    feedback = _submit(areas[0].estate, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        morning_summaries()

    (message,) = mail.outbox
    assert message.subject == "Your scope this morning"
    assert feedback.reference in message.body


def test_the_morning_summary_counts_what_is_overdue_in_scope_once_a_day(
    clerks, areas, django_capture_on_commit_callbacks
):
    inside, outside = clerks
    _watch(inside, language="en")
    _watch(outside, language="en")
    late = timezone.localdate() - datetime.timedelta(days=10)
    StepFactory(estate=areas[0].estate, planned_on=late)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        morning_summaries()
        morning_summaries()  # run twice the same day

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "1 step is past its planned date." in bodies[inside.email]
    assert "past its planned date" not in bodies.get(outside.email, "")
    assert Notification.objects.filter(key__startswith="staff-summary:").count() == len(
        bodies
    )


def test_the_stop_link_stops_a_clerks_messages_without_logging_in(clerks, client):
    inside, _outside = clerks
    watch = _watch(inside)
    stop = reverse("follows:manage", kwargs={"token": watch.token})

    page = client.get(stop)
    stopped = client.post(stop, {"action": "stop"})

    assert page.status_code == HTTPStatus.OK
    assert stopped.status_code == HTTPStatus.OK
    assert not StaffWatch.objects.exists()
