"""Reads shared by the lane and event pages (and the API); each carries its joins."""

from __future__ import annotations

import datetime

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Mod

from estates.models import Estate

from .models import Event, Lane, Recurrence


def lane_list() -> QuerySet[Lane]:
    return Lane.objects.prefetch_related("honours")


def lane_detail() -> QuerySet[Lane]:
    return Lane.objects.select_related("subdistrict").prefetch_related(
        "features",
        "tenants",
        "honours",
        Prefetch(
            "estates",
            queryset=Estate.objects.select_related("community").order_by(
                "name_zh_hans"
            ),
        ),
        Prefetch("events", queryset=event_list()),
    )


def event_list() -> QuerySet[Event]:
    return Event.objects.select_related("lane", "facility")


# Programme-wide reads (home, case study)
# Imports this section alone needs sit inside its functions, so that the
# section stays an addition at the end of the module.


def lanes_overview() -> QuerySet[Lane]:
    """Lanes with their honours and ``estates_beside``, how many estates lie
    beside each."""
    from django.db.models import Count

    return (
        lane_list()
        .annotate(estates_beside=Count("estates", distinct=True))
        .order_by("name_zh_hans", "pk")
    )


def lanes_located():
    from estates.selectors import located

    return located(
        Lane.objects.all(),
        fields=("slug", "name_zh_hans", "name_en"),
    )


# How far ahead the days until a one-off event are counted exactly; any
# recurring event comes round within a month.
COMING_DAYS = 31


def events_upcoming(*, today: datetime.date) -> QuerySet[Event]:
    """Every event still to come or still running on ``today``, soonest first,
    ordered in SQL whatever the number of events: by the days until its date,
    its weekday or its day of the month comes round (exact within a month; an
    event that starts later than that after those, by its first date), then by
    its date. The caller computes the exact next dates (lanes.calendar)."""
    horizon = today + datetime.timedelta(days=COMING_DAYS)
    # Recurring events first: at scale most events are, and a CASE stops at
    # the first condition that holds.
    days_until = Case(
        When(starts_on__gt=horizon, then=Value(COMING_DAYS + 1)),
        When(
            recurrence=Recurrence.WEEKLY,
            then=Mod(F("weekday") - today.weekday() + 7, 7),
        ),
        When(
            recurrence=Recurrence.MONTHLY,
            day_of_month__gte=today.day,
            then=F("day_of_month") - today.day,
        ),
        When(
            recurrence=Recurrence.MONTHLY,
            then=F("day_of_month") + 31 - today.day,
        ),
        When(starts_on__lte=today, then=Value(0)),
        *(
            When(
                starts_on=today + datetime.timedelta(days=days),
                then=Value(days),
            )
            for days in range(1, COMING_DAYS + 1)
        ),
        default=Value(COMING_DAYS + 1),
        output_field=IntegerField(),
    )
    return (
        event_list()
        .filter(_still_to_come(today))
        .annotate(days_until=days_until)
        .order_by("days_until", "starts_on", "pk")
    )


def _still_to_come(today: datetime.date) -> Q:
    """A one-off event not over yet; a recurring one with a day to come round
    on (an event whose record gives no weekday or day of the month has none)."""
    return (
        Q(recurrence=Recurrence.ONCE, starts_on__gte=today)
        | Q(recurrence=Recurrence.ONCE, ends_on__gte=today)
        | Q(recurrence=Recurrence.WEEKLY, weekday__isnull=False)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        | Q(recurrence=Recurrence.MONTHLY, day_of_month__isnull=False)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


def events_past(*, today: datetime.date) -> QuerySet[Event]:
    """Events that are over on ``today``, the latest ended first."""
    return (
        event_list()
        .exclude(_still_to_come(today))
        .order_by(Coalesce("ends_on", "starts_on").desc(nulls_last=True), "-pk")
    )


def events_coming(*, limit: int, today: datetime.date) -> list[Event]:
    """The ``limit`` events that come soonest from ``today`` within a month
    (the home page's "coming up"), in one query whatever the number of
    events."""
    horizon = today + datetime.timedelta(days=COMING_DAYS)
    return list(
        events_upcoming(today=today).filter(
            Q(recurrence=Recurrence.ONCE)
            | Q(starts_on__isnull=True)
            | Q(starts_on__lte=horizon)
        )[:limit]
    )


def subdistrict_with_events(slug: str):
    """The subdistrict at ``slug`` for its events feed, or None."""
    from estates.models import Subdistrict

    return Subdistrict.objects.filter(slug=slug).only("pk").first()
