"""The site's own periodic job (Celery beat): each morning, staff who follow
their scope are told what is overdue there (issue 18). It counts with the
staff dashboard's own rules (``sitewide.dashboard``), through the admin's
querysets for that user, so a message and the dashboard always agree."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from estates.models import Step
from follows.models import Mode
from follows.staff import Summary, queue_summary, watchers
from governance.models import Council, Feedback
from governance.overdue import councils_meeting_due, feedback_waiting

from .dashboard import _visible, steps_overdue


def summary_for(user, *, now: datetime.datetime, site=admin.site) -> Summary:
    """The user's morning counts: a handful of queries, whatever the size of
    their scope."""
    request = RequestFactory().get("/admin/")
    request.user = user
    steps = _visible(site, request, Step)
    feedback = _visible(site, request, Feedback)
    councils = _visible(site, request, Council)
    summary = Summary(waiting_days=settings.FEEDBACK_WAITING_DAYS)
    if steps is not None:
        summary.steps_overdue = steps_overdue(steps).count()
    if feedback is not None:
        summary.feedback_waiting = feedback_waiting(feedback, now=now).count()
    if councils is not None:
        summary.councils_due = councils_meeting_due(
            councils, today=timezone.localdate(now)
        ).count()
    return summary


def new_feedback_for(user, *, since: datetime.datetime, site=admin.site) -> tuple:
    request = RequestFactory().get("/admin/")
    request.user = user
    feedback = _visible(site, request, Feedback)
    if feedback is None:
        return ()
    return tuple(
        feedback.filter(created_at__gte=since)
        .order_by("-created_at", "-pk")
        .values_list("reference", flat=True)[:100]
    )


def morning_summaries(*, now: datetime.datetime | None = None) -> int:
    """Queue each watcher's summary; the number queued (once per day each)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    for watch in watchers():
        summary = summary_for(watch.user, now=now) if watch.overdue else Summary()
        if watch.new_feedback and watch.mode == Mode.DIGEST:
            summary.new_feedback = new_feedback_for(
                watch.user, since=now - datetime.timedelta(days=1)
            )
        queued += queue_summary(watch=watch, summary=summary, today=today)
    if queued:
        from follows.services import send_soon

        send_soon()
    return queued


@shared_task(name="sitewide.staff_morning_summaries", ignore_result=True)
def staff_morning_summaries() -> int:
    return morning_summaries()
