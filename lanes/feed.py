"""The events as an iCalendar feed (RFC 5545) that a phone calendar can subscribe to.

Built with the ``icalendar`` library. One VEVENT per event, recurring events
with an RRULE whose dates match ``lanes.calendar``. The text is in the active
language, so ``/events.ics`` is Chinese and ``/en/events.ics`` English.

Bounded and streamed, so that a national register (10,000 events and more)
neither builds megabytes in a worker's memory nor keeps it busy for seconds:

- events over more than ``FEED_PAST_DAYS`` days ago are left out (a recurring
  event with no last date never is: its RRULE gives the coming dates);
- at most ``FEED_LIMIT`` events, in the order they were recorded; a
  subdistrict's own feed (``/events.ics?subdistrict=<slug>``) is the one to
  subscribe to at that scale;
- the text is made and sent in chunks of about ``CHUNK_BYTES``.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections.abc import Iterable, Iterator

import icalendar
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renovation_portal.instance import site_name

from .calendar import Rule, last_occurrence, occurrences
from .models import Event, Recurrence

FEED_PAST_DAYS = 90
FEED_LIMIT = 200
CHUNK_BYTES = 64 * 1024

PRODID = "-//Renovation Portal//Events//EN"
ICAL_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def event_uid(event: Event) -> str:
    # The same whatever host serves the feed (RFC 5545, 3.8.4.7): set once per
    # instance (settings.EVENTS_UID_DOMAIN) and never changed, or subscribed
    # calendars show every event twice.
    return f"{event.slug}@{settings.EVENTS_UID_DOMAIN}"


def feed_events(events: QuerySet[Event], *, today: datetime.date) -> QuerySet[Event]:
    """The events the feed holds (see the module's docstring): one query."""
    since = today - datetime.timedelta(days=FEED_PAST_DAYS)
    ongoing = Q(ends_on__isnull=True) & (
        ~Q(recurrence=Recurrence.ONCE) | Q(starts_on__gte=since)
    )
    return events.filter(Q(ends_on__gte=since) | ongoing).order_by("pk")[:FEED_LIMIT]


def calendar_stream(
    events: Iterable[Event],
    *,
    today: datetime.date,
    now: datetime.datetime,
    page_url: str,
) -> Iterator[bytes]:
    """The same VCALENDAR as :func:`calendar_build`, as chunks of bytes made
    one after the other. The time zone comes first, always."""
    end = b"END:VCALENDAR\r\n"
    chunk = [
        _calendar_shell().to_ical().removesuffix(end) + _vtimezone(settings.TIME_ZONE)
    ]
    size = len(chunk[0])
    for event in events:
        vevent = _vevent(event, today=today, now=now, page_url=page_url)
        if vevent is None:
            continue
        text = vevent.to_ical()
        chunk.append(text)
        size += len(text)
        if size >= CHUNK_BYTES:
            yield b"".join(chunk)
            chunk, size = [], 0
    chunk.append(end)
    yield b"".join(chunk)


@functools.cache
def _vtimezone(tzid: str) -> bytes:
    # Working out the transitions takes icalendar tens of milliseconds.
    return icalendar.Timezone.from_tzid(tzid).to_ical()


def _calendar_shell() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("%(site)s: events") % {"site": site_name()})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # Ask subscribed calendars to look again twice a day.
    cal.add(
        "refresh-interval",
        datetime.timedelta(hours=12),
        parameters={"VALUE": "DURATION"},
    )
    cal.add("x-published-ttl", "PT12H")
    return cal


def calendar_build(
    events: Iterable[Event],
    *,
    today: datetime.date,
    now: datetime.datetime,
    page_url: str,
) -> icalendar.Calendar:
    """A VCALENDAR holding every event; ``page_url`` is the events page."""
    cal = _calendar_shell()
    for event in events:
        vevent = _vevent(event, today=today, now=now, page_url=page_url)
        if vevent is not None:
            cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal


def _vevent(
    event: Event, *, today: datetime.date, now: datetime.datetime, page_url: str
) -> icalendar.Event | None:
    rule = Rule.of(event)
    first = _first_date(rule, today=today)
    if first is None:
        return None
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", now.astimezone(datetime.UTC))
    vevent.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    vevent.add("summary", event.title)
    place = event.lane or event.facility
    if place is not None:
        vevent.add("location", place.name)
    vevent.add("url", f"{page_url}#{event.slug}")
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if event.start_time is not None:
        start = datetime.datetime.combine(first, event.start_time, tzinfo=tz)
        vevent.add("dtstart", start)
        if event.end_time is not None and event.end_time > event.start_time:
            vevent.add(
                "dtend", datetime.datetime.combine(first, event.end_time, tzinfo=tz)
            )
    else:
        # An all-day date (VALUE=DATE) when the time is not disclosed.
        vevent.add("dtstart", first)
        last = event.ends_on if rule.recurrence == Recurrence.ONCE else None
        if last is not None and last > first:
            vevent.add("dtend", last + datetime.timedelta(days=1))
    recur = _rrule(event, tz=tz)
    if recur is not None:
        vevent.add("rrule", recur)
    vevent.add("description", _description(event, undated=rule.starts_on is None))
    return vevent


def _first_date(rule: Rule, *, today: datetime.date) -> datetime.date | None:
    """DTSTART's date: the rule's first date, or, when the source gives no start
    date, the first upcoming one (or the last one, for a rule already over)."""
    if rule.recurrence == Recurrence.ONCE:
        return rule.starts_on
    since = rule.starts_on or today
    dates = occurrences(rule, on_or_after=since, limit=1)
    if dates:
        return dates[0]
    return last_occurrence(rule) if rule.starts_on is None else None


def _rrule(event: Event, *, tz: datetime.tzinfo) -> dict | None:
    if event.recurrence == Recurrence.WEEKLY and event.weekday is not None:
        recur = {"freq": "weekly", "byday": ICAL_WEEKDAYS[event.weekday]}
    elif event.recurrence == Recurrence.MONTHLY and event.day_of_month is not None:
        recur = {"freq": "monthly", "bymonthday": event.day_of_month}
    else:
        return None
    if event.ends_on is not None:
        if event.start_time is not None:
            # With a zoned DTSTART, UNTIL must be in UTC (RFC 5545, 3.3.10).
            until = datetime.datetime.combine(
                event.ends_on, event.start_time, tzinfo=tz
            )
            recur["until"] = until.astimezone(datetime.UTC)
        else:
            recur["until"] = event.ends_on
    return recur


def _description(event: Event, *, undated: bool) -> str:
    paragraphs = [event.description] if event.description else []
    if event.start_time is None:
        paragraphs.append(_("Time not disclosed."))
    if undated and event.recurrence != Recurrence.ONCE:
        paragraphs.append(
            _(
                "The start date is not disclosed; the first date here is simply "
                "the next one."
            )
        )
    if event.times_held is not None:
        paragraphs.append(
            ngettext(
                "Held at least %(count)s time so far.",
                "Held at least %(count)s times so far.",
                event.times_held,
            )
            % {"count": event.times_held}
        )
    return "\n\n".join(paragraphs)
