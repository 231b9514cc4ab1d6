"""What staff should act on: feedback left waiting, councils behind their cadence.

Read by the staff dashboard (renovation_portal/dashboard.py) and by the admin
list filters its figures link to (governance/admin/filters.py), so a figure and
the list behind it always count the same rows.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .models import CLOSED_STATUSES, FeedbackReply, FeedbackStatusChange, Meeting
from .models.councils import MeetingKind

# The "three meetings in one" cadence (FACTS.md): a weekly residents' sentiment
# talk, a monthly coordination meeting, a quarterly evaluation meeting. A kind
# is due when a council that holds it has not held one within the period.
CADENCE_DAYS = {
    MeetingKind.WEEKLY_TALK: 7,
    MeetingKind.MONTHLY_COORDINATION: 31,
    MeetingKind.QUARTERLY_EVALUATION: 92,
}


def feedback_waiting(
    queryset: QuerySet, *, days: int | None = None, now: datetime.datetime | None = None
) -> QuerySet:
    """Open feedback with no reply and no status change for more than ``days``
    (``settings.FEEDBACK_WAITING_DAYS``) since it was received or last touched."""
    days = settings.FEEDBACK_WAITING_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    moved = FeedbackStatusChange.objects.filter(
        feedback=OuterRef("pk"), changed_at__gte=cutoff
    )
    replied = FeedbackReply.objects.filter(
        feedback=OuterRef("pk"), created_at__gte=cutoff
    )
    touched = Exists(moved) | Exists(replied)
    return (
        queryset.exclude(status__in=CLOSED_STATUSES)
        .filter(created_at__lt=cutoff)
        .exclude(touched)
    )


def _last_held(kind: str) -> Subquery:
    return Subquery(
        Meeting.objects.filter(council=OuterRef("pk"), kind=kind)
        .order_by("-held_on")
        .values("held_on")[:1]
    )


def councils_meeting_due(
    queryset: QuerySet, *, today: datetime.date | None = None
) -> QuerySet:
    """Councils that hold a cadence meeting (they have held one before) and
    have not held it within its period: a weekly talk with none in the last 7
    days (today included), a monthly meeting with none in 31, a quarterly in 92.

    A council that has never held a kind is not counted for it: the portal
    cannot tell which cadence a new council keeps until its first meeting.
    """
    today = today or timezone.localdate()
    annotations = {f"last_{kind}": _last_held(kind) for kind in CADENCE_DAYS}
    due = Q()
    for kind, days in CADENCE_DAYS.items():
        since = today - datetime.timedelta(days=days - 1)
        due |= Q(**{f"last_{kind}__lt": since})
    return queryset.annotate(**annotations).filter(due)
