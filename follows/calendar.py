"""One compound's calendar (RFC 5545), for residents who want its dates in
their phone's calendar and no contact given at all (issue 18, item 1).

It holds what has a date: construction notices (from/until), meetings of the
compound's residents' councils (and of its community's councils that have no
compounds of their own, as the follower's messages do), and satisfaction
surveys (open from/to). Bounded: at most ``PER_KIND`` of each, none that ended
more than ``PAST_DAYS`` ago, so the file is small whatever the history. The
text is in the active language (``/en/...`` is English).
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from estates.models import Estate, Notice
from governance.models import Council, Meeting, Survey
from renovation_portal.instance import site_name

PAST_DAYS = 180
PER_KIND = 60
PRODID = "-//Renovation Portal//Compound//EN"


def _uid(kind: str, pk: int) -> str:
    # Stable whatever host serves it, like the events feed's (lanes/feed.py).
    return f"{kind}-{pk}@{settings.EVENTS_UID_DOMAIN}"


def _stamp(vevent: icalendar.Event, now, updated) -> None:
    vevent.add("dtstamp", now.astimezone(datetime.UTC))
    vevent.add("last-modified", updated.astimezone(datetime.UTC))


def compound_calendar(estate: Estate, *, page_url: str) -> bytes:
    """The VCALENDAR of ``estate``: at most four queries, whatever it holds."""
    now = timezone.now()
    today = timezone.localdate()
    since = today - datetime.timedelta(days=PAST_DAYS)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add(
        "x-wr-calname",
        gettext("%(site)s: %(name)s") % {"site": site_name(), "name": estate.name},
    )
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add(
        "refresh-interval",
        datetime.timedelta(hours=12),
        parameters={"VALUE": "DURATION"},
    )
    cal.add("x-published-ttl", "PT12H")

    notices = (
        Notice.objects.filter(estate=estate)
        .filter(
            Q(ends_at__isnull=True, starts_at__date__gte=since)
            | Q(ends_at__date__gte=since)
        )
        .order_by("-starts_at", "-pk")[:PER_KIND]
    )
    for notice in notices:
        vevent = icalendar.Event()
        vevent.add("uid", _uid("notice", notice.pk))
        _stamp(vevent, now, notice.updated_at)
        vevent.add(
            "summary",
            gettext("Construction notice: %(title)s") % {"title": notice.title},
        )
        # In UTC ("Z"): every calendar reads it without a VTIMEZONE.
        vevent.add("dtstart", notice.starts_at.astimezone(datetime.UTC))
        if notice.ends_at is not None and notice.ends_at > notice.starts_at:
            vevent.add("dtend", notice.ends_at.astimezone(datetime.UTC))
        lines = [str(notice.details)] if notice.details else []
        if notice.buildings_affected:
            lines.append(
                gettext("Buildings affected: %(buildings)s")
                % {"buildings": notice.buildings_affected}
            )
        if lines:
            vevent.add("description", "\n\n".join(lines))
        vevent.add("url", f"{page_url}#notices")
        cal.add_component(vevent)

    # The councils first, then their meetings by council: one query that
    # joined meetings to councils and their compounds under an OR read every
    # recent meeting in the country (71 ms at 250,000 compounds).
    councils = (
        Council.estates.through.objects.filter(estate_id=estate.pk)
        .order_by()
        .values_list("council_id", flat=True)
    )
    if estate.community_id:
        councils = councils.union(
            Council.objects.filter(
                community_id=estate.community_id, estates__isnull=True
            )
            .order_by()
            .values_list("pk", flat=True)
        )
    council_ids = list(councils)
    meetings = (
        Meeting.objects.filter(council_id__in=council_ids, held_on__gte=since)
        .select_related("council")
        .order_by("-held_on", "-pk")[:PER_KIND]
        if council_ids
        else []
    )
    for meeting in meetings:
        vevent = icalendar.Event()
        vevent.add("uid", _uid("meeting", meeting.pk))
        _stamp(vevent, now, meeting.updated_at)
        summary = gettext("%(council)s: %(kind)s") % {
            "council": meeting.council.name,
            "kind": meeting.get_kind_display(),
        }
        if meeting.title:
            summary = f"{summary} · {meeting.title}"
        vevent.add("summary", summary)
        # The portal records a meeting's date, not its hours: an all-day date.
        vevent.add("dtstart", meeting.held_on)
        if meeting.agenda:
            vevent.add("description", str(meeting.agenda))
        cal.add_component(vevent)

    surveys = (
        Survey.objects.filter(estate=estate)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=since))
        .order_by("-opens_on", "-pk")[:PER_KIND]
    )
    for survey in surveys:
        vevent = icalendar.Event()
        vevent.add("uid", _uid("survey", survey.pk))
        _stamp(vevent, now, survey.updated_at)
        vevent.add(
            "summary",
            gettext("Satisfaction survey of %(name)s") % {"name": estate.name},
        )
        vevent.add("dtstart", survey.opens_on)
        if survey.closes_on is not None:
            # DTEND of an all-day event is the day after the last (RFC 5545).
            vevent.add("dtend", survey.closes_on + datetime.timedelta(days=1))
            vevent.add(
                "description",
                gettext("Residents can answer until %(date)s.")
                % {"date": survey.closes_on.isoformat()},
            )
        else:
            vevent.add("description", gettext("The closing date is not set yet."))
        vevent.add("url", _absolute_survey(page_url, survey))
        cal.add_component(vevent)

    return cal.to_ical()


def _absolute_survey(page_url: str, survey: Survey) -> str:
    from urllib.parse import urljoin

    return urljoin(page_url, survey.get_absolute_url())
