"""Events as real dates: recurrence rules expanded into upcoming days.

Plain functions of the rule, so that the events page, a lane's page and the
iCalendar feed (``lanes.feed``) agree on the dates. A monthly event on a day
that a month does not have (the 31st in April, the 30th in February) is
skipped in that month, not moved: that is what ``RRULE:FREQ=MONTHLY;
BYMONTHDAY=31`` means in iCalendar (RFC 5545, 3.3.10), so a phone calendar
subscribed to the feed shows the same dates as the page.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .models import Event, Recurrence

# How many dates ahead a recurring event shows: the next 8 weeks of a weekly
# event, the next 3 months of a monthly one.
UPCOMING_LIMIT = {Recurrence.WEEKLY: 8, Recurrence.MONTHLY: 3}


@dataclass(frozen=True)
class Rule:
    """When an event happens, as its record gives it; unknown parts are None."""

    recurrence: str
    weekday: int | None = None  # 0 = Monday … 6 = Sunday
    day_of_month: int | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None

    @classmethod
    def of(cls, event: Event) -> Rule:
        return cls(
            recurrence=event.recurrence,
            weekday=event.weekday,
            day_of_month=event.day_of_month,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
        )

    @property
    def is_recurring(self) -> bool:
        return self.recurrence != Recurrence.ONCE


def occurrences(
    rule: Rule, *, on_or_after: datetime.date, limit: int
) -> list[datetime.date]:
    """The first ``limit`` dates of ``rule`` on or after ``on_or_after``.

    Never before ``starts_on`` nor after ``ends_on``; with no ``starts_on``
    (the source often gives none) the rule runs from ``on_or_after``. A
    one-off event gives its date, or nothing once it is over; a one-off event
    with a last date still counts while it runs.
    """
    if limit <= 0:
        return []
    if rule.recurrence == Recurrence.ONCE:
        if rule.starts_on is None:
            return []
        last = rule.ends_on or rule.starts_on
        return [rule.starts_on] if last >= on_or_after else []
    start = max(on_or_after, rule.starts_on) if rule.starts_on else on_or_after
    return list(itertools.islice(_dates_from(rule, start), limit))


def last_occurrence(rule: Rule) -> datetime.date | None:
    """The last date of a rule that has a last date (``ends_on``), else None."""
    if rule.ends_on is None:
        return None
    if rule.recurrence == Recurrence.ONCE:
        return rule.starts_on
    # Any weekly or monthly rule has a date within 12 months before its end.
    window = rule.ends_on - datetime.timedelta(days=366)
    start = max(window, rule.starts_on) if rule.starts_on else window
    dates = list(_dates_from(rule, start))
    return dates[-1] if dates else None


def _dates_from(rule: Rule, start: datetime.date) -> Iterator[datetime.date]:
    """Dates of a recurring rule from ``start`` on, ascending, up to ``ends_on``."""
    if rule.recurrence == Recurrence.WEEKLY:
        dates = _weekly(rule.weekday, start)
    elif rule.recurrence == Recurrence.MONTHLY:
        dates = _monthly(rule.day_of_month, start)
    else:
        return
    for date in dates:
        if rule.ends_on is not None and date > rule.ends_on:
            return
        yield date


def _weekly(weekday: int | None, start: datetime.date) -> Iterable[datetime.date]:
    if weekday is None or not 0 <= weekday <= 6:
        return ()
    first = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    return (first + datetime.timedelta(weeks=n) for n in itertools.count())


def _monthly(day: int | None, start: datetime.date) -> Iterator[datetime.date]:
    if day is None or not 1 <= day <= 31:
        return
    year, month = start.year, start.month
    while year <= datetime.MAXYEAR - 1:
        if day <= calendar.monthrange(year, month)[1]:
            date = datetime.date(year, month, day)
            if date >= start:
                yield date
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass
class Schedule:
    """One event with its upcoming dates, as the pages show it."""

    event: Event
    dates: list[datetime.date] = field(default_factory=list)

    @property
    def next_date(self) -> datetime.date | None:
        return self.dates[0] if self.dates else None

    @property
    def is_upcoming(self) -> bool:
        return bool(self.dates)


def schedule(event: Event, *, today: datetime.date) -> Schedule:
    rule = Rule.of(event)
    limit = UPCOMING_LIMIT.get(event.recurrence, 1)
    return Schedule(event, occurrences(rule, on_or_after=today, limit=limit))


def schedules(
    events: Iterable[Event], *, today: datetime.date
) -> tuple[list[Schedule], list[Schedule]]:
    """Events split into (upcoming, past): upcoming soonest first, past latest
    first."""
    upcoming, past = [], []
    for event in events:
        item = schedule(event, today=today)
        (upcoming if item.is_upcoming else past).append(item)
    upcoming.sort(key=lambda item: (item.next_date, item.event.title_zh_hans))
    past.sort(
        key=lambda item: (
            item.event.ends_on or item.event.starts_on or datetime.date.min
        ),
        reverse=True,
    )
    return upcoming, past
