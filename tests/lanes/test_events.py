"""Events: recurrence expansion, the events page and the iCalendar feed."""

import datetime
from http import HTTPStatus

import icalendar
import pytest
from django.utils import timezone

from lanes.calendar import Rule, last_occurrence, occurrences
from lanes.models import Recurrence, Weekday
from tests.lanes.factories import EventFactory, LaneFactory

pytestmark = pytest.mark.django_db

# A Tuesday; the next Saturday is 28 November 2026.
TODAY = datetime.date(2026, 11, 24)
D = datetime.date


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def weekly(**kwargs):
    return Rule(recurrence=Recurrence.WEEKLY, weekday=Weekday.SATURDAY, **kwargs)


def monthly(day, **kwargs):
    return Rule(recurrence=Recurrence.MONTHLY, day_of_month=day, **kwargs)


def parse(response):
    # getvalue(): the feed is streamed.
    return icalendar.Calendar.from_ical(response.getvalue())


def vevents(response):
    return list(parse(response).walk("VEVENT"))


# --- Recurrence expansion ---


def test_weekly_gives_the_next_saturdays():
    dates = occurrences(weekly(), on_or_after=TODAY, limit=3)
    assert dates == [D(2026, 11, 28), D(2026, 12, 5), D(2026, 12, 12)]


def test_weekly_includes_today_when_today_is_the_day():
    dates = occurrences(weekly(), on_or_after=D(2026, 11, 28), limit=1)
    assert dates == [D(2026, 11, 28)]


def test_weekly_with_no_start_date_runs_from_today():
    dates = occurrences(weekly(starts_on=None), on_or_after=TODAY, limit=8)
    assert dates[0] == D(2026, 11, 28)
    assert len(dates) == 8
    assert all(date.weekday() == Weekday.SATURDAY for date in dates)


def test_weekly_never_before_its_start_date():
    dates = occurrences(weekly(starts_on=D(2027, 1, 1)), on_or_after=TODAY, limit=1)
    assert dates == [D(2027, 1, 2)]


def test_weekly_never_after_its_last_date():
    dates = occurrences(weekly(ends_on=D(2026, 12, 10)), on_or_after=TODAY, limit=8)
    assert dates == [D(2026, 11, 28), D(2026, 12, 5)]


def test_weekly_last_date_on_the_day_is_included():
    dates = occurrences(weekly(ends_on=D(2026, 12, 5)), on_or_after=TODAY, limit=8)
    assert dates[-1] == D(2026, 12, 5)


def test_ended_weekly_has_no_upcoming_dates():
    assert occurrences(weekly(ends_on=D(2026, 1, 1)), on_or_after=TODAY, limit=8) == []


def test_monthly_gives_its_day_each_month():
    dates = occurrences(monthly(5), on_or_after=TODAY, limit=3)
    assert dates == [D(2026, 12, 5), D(2027, 1, 5), D(2027, 2, 5)]


def test_monthly_includes_this_month_when_the_day_is_still_ahead():
    dates = occurrences(monthly(30), on_or_after=TODAY, limit=1)
    assert dates == [D(2026, 11, 30)]


def test_monthly_on_the_31st_skips_shorter_months():
    dates = occurrences(monthly(31), on_or_after=D(2027, 1, 1), limit=4)
    assert dates == [D(2027, 1, 31), D(2027, 3, 31), D(2027, 5, 31), D(2027, 7, 31)]


def test_monthly_on_the_29th_skips_february_outside_leap_years():
    dates = occurrences(monthly(29), on_or_after=D(2027, 1, 30), limit=2)
    assert dates == [D(2027, 3, 29), D(2027, 4, 29)]


def test_monthly_on_the_29th_keeps_february_in_a_leap_year():
    dates = occurrences(monthly(29), on_or_after=D(2028, 2, 1), limit=1)
    assert dates == [D(2028, 2, 29)]


def test_monthly_respects_start_and_last_dates():
    rule = monthly(10, starts_on=D(2027, 2, 1), ends_on=D(2027, 4, 9))
    assert occurrences(rule, on_or_after=TODAY, limit=5) == [
        D(2027, 2, 10),
        D(2027, 3, 10),
    ]


def test_one_off_event_gives_its_date_while_upcoming():
    rule = Rule(recurrence=Recurrence.ONCE, starts_on=D(2026, 12, 24))
    assert occurrences(rule, on_or_after=TODAY, limit=1) == [D(2026, 12, 24)]


def test_one_off_event_gives_nothing_once_over():
    rule = Rule(recurrence=Recurrence.ONCE, starts_on=D(2026, 11, 1))
    assert occurrences(rule, on_or_after=TODAY, limit=1) == []


def test_one_off_event_still_running_counts_as_upcoming():
    rule = Rule(
        recurrence=Recurrence.ONCE, starts_on=D(2026, 11, 20), ends_on=D(2026, 11, 30)
    )
    assert occurrences(rule, on_or_after=TODAY, limit=1) == [D(2026, 11, 20)]


def test_last_occurrence_is_the_last_day_on_or_before_the_last_date():
    assert last_occurrence(weekly(ends_on=D(2026, 6, 30))) == D(2026, 6, 27)


def test_last_occurrence_of_an_open_ended_rule_is_unknown():
    assert last_occurrence(weekly()) is None


# --- The events page ---


def test_events_page_answers_in_chinese(client, today):
    EventFactory(title_zh_hans="换书大集")
    response = client.get("/events/")
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="zh-Hans">' in response.text
    assert "换书大集" in response.text


def test_events_page_answers_in_english(client, today):
    EventFactory(title_zh_hans="换书大集", title_en="Book swap fair")
    response = client.get("/en/events/")
    assert response.status_code == HTTPStatus.OK
    assert "Book swap fair" in response.text
    assert "Upcoming events" in response.text


def test_events_page_expands_a_weekly_event_into_eight_saturdays(client, today):
    EventFactory(starts_on=None)
    response = client.get("/en/events/")
    dates = response.context["upcoming"][0].dates
    assert dates[0] == D(2026, 11, 28)
    assert dates[-1] == D(2027, 1, 16)
    assert len(dates) == 8
    assert '<time datetime="2027-01-16">' in response.text


def test_events_page_shows_dates_the_english_way(client, today):
    EventFactory()
    response = client.get("/en/events/")
    assert "Saturday 28 November 2026" in response.text


def test_events_page_shows_dates_the_chinese_way(client, today):
    EventFactory()
    response = client.get("/events/")
    assert "2026年11月28日 星期六" in response.text


def test_events_page_says_when_the_time_is_not_disclosed(client, today):
    EventFactory(start_time=None)
    response = client.get("/en/events/")
    assert "time not disclosed" in response.text


def test_events_page_shows_the_time_when_known(client, today):
    EventFactory(start_time=datetime.time(9, 30), end_time=datetime.time(11, 0))
    response = client.get("/en/events/")
    assert "09:30 to 11:00" in response.text
    assert "time not disclosed" not in response.text


def test_events_page_shows_how_often_an_event_was_held(client, today):
    EventFactory(times_held=30)
    response = client.get("/en/events/")
    assert "at least 30 times" in response.text


def test_events_page_links_the_lane(client, today):
    lane = LaneFactory(name_zh_hans="海棠书巷")
    EventFactory(lane=lane)
    response = client.get("/events/")
    assert f'href="/lanes/{lane.slug}/"' in response.text


def test_events_page_lists_a_one_off_event_on_its_date(client, today):
    EventFactory(recurrence=Recurrence.ONCE, weekday=None, starts_on=D(2026, 12, 24))
    response = client.get("/en/events/")
    assert "Thursday 24 December 2026" in response.text


def test_events_page_puts_finished_events_under_past(client, today):
    EventFactory(
        title_zh_hans="旧活动",
        recurrence=Recurrence.ONCE,
        weekday=None,
        starts_on=D(2025, 5, 1),
    )
    response = client.get("/en/events/")
    assert [item.event.title_zh_hans for item in response.context["past"]] == ["旧活动"]
    assert response.context["upcoming"] == []


def test_events_page_with_no_events_says_so(client, today):
    response = client.get("/en/events/")
    assert "No upcoming events have been recorded." in response.text


def test_events_page_links_the_feed(client, today):
    response = client.get("/en/events/")
    assert 'href="/en/events.ics"' in response.text


@pytest.mark.parametrize("rows", [1, 50])
def test_events_page_queries_stay_constant(
    client, today, rows, django_assert_max_num_queries
):
    lane = LaneFactory()
    EventFactory.create_batch(rows, lane=lane)
    # Upcoming events counted (up to 50 pages), a page's found by their own
    # table and then read with what they show, the last ten that ended, and
    # the programmes to choose from.
    with django_assert_max_num_queries(5):
        response = client.get("/events/")
    assert response.status_code == HTTPStatus.OK


# --- The iCalendar feed ---


def test_feed_is_served_as_a_calendar(client, today):
    EventFactory()
    response = client.get("/events.ics")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="events.ics"'


def test_feed_has_the_calendar_properties(client, today):
    EventFactory()
    cal = parse(client.get("/events.ics"))
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"]
    assert cal["CALSCALE"] == "GREGORIAN"
    assert cal["X-WR-CALNAME"]


def test_feed_has_one_event_per_event_with_unique_uids(client, today):
    EventFactory.create_batch(3)
    uids = [str(event["UID"]) for event in vevents(client.get("/events.ics"))]
    assert len(uids) == 3
    assert len(set(uids)) == 3


def test_feed_uid_is_stable_across_hosts_and_languages(client, today):
    event = EventFactory()
    chinese = vevents(client.get("/events.ics", HTTP_HOST="localhost"))[0]
    english = vevents(client.get("/en/events.ics"))[0]
    assert str(chinese["UID"]) == str(english["UID"])
    assert str(chinese["UID"]).startswith(f"{event.slug}@")


def test_feed_summary_is_chinese_at_the_unprefixed_address(client, today):
    EventFactory(title_zh_hans="换书大集", title_en="Book swap fair")
    assert str(vevents(client.get("/events.ics"))[0]["SUMMARY"]) == "换书大集"


def test_feed_summary_is_english_under_en(client, today):
    EventFactory(title_zh_hans="换书大集", title_en="Book swap fair")
    assert str(vevents(client.get("/en/events.ics"))[0]["SUMMARY"]) == "Book swap fair"


def test_feed_weekly_event_has_a_weekly_rule(client, today):
    EventFactory()
    rule = vevents(client.get("/events.ics"))[0]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["SA"]
    assert "UNTIL" not in rule


def test_feed_monthly_event_has_a_monthly_rule_until_its_last_date(client, today):
    EventFactory(
        recurrence=Recurrence.MONTHLY,
        weekday=None,
        day_of_month=31,
        ends_on=D(2027, 6, 30),
    )
    rule = vevents(client.get("/events.ics"))[0]["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"]
    assert rule["BYMONTHDAY"] == [31]
    assert rule["UNTIL"] == [D(2027, 6, 30)]


def test_feed_one_off_event_has_no_rule(client, today):
    EventFactory(recurrence=Recurrence.ONCE, weekday=None, starts_on=D(2026, 12, 24))
    event = vevents(client.get("/events.ics"))[0]
    assert "RRULE" not in event
    assert event.decoded("DTSTART") == D(2026, 12, 24)


def test_feed_event_with_unknown_start_begins_on_the_next_date_all_day(client, today):
    EventFactory(starts_on=None, start_time=None)
    event = vevents(client.get("/events.ics"))[0]
    assert event.decoded("DTSTART") == D(2026, 11, 28)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert "Time not disclosed." in str(
        vevents(client.get("/en/events.ics"))[0]["DESCRIPTION"]
    )


def test_feed_undated_event_that_has_ended_starts_on_its_last_date(client, today):
    # Ended within the feed's window (lanes.feed.FEED_PAST_DAYS).
    EventFactory(starts_on=None, ends_on=D(2026, 10, 30))
    event = vevents(client.get("/events.ics"))[0]
    assert event.decoded("DTSTART") == D(2026, 10, 24)
    assert event["RRULE"]["UNTIL"] == [D(2026, 10, 30)]


def test_feed_recurring_event_starts_on_its_first_date_on_or_after_starts_on(
    client, today
):
    EventFactory(starts_on=D(2024, 3, 1))
    event = vevents(client.get("/events.ics"))[0]
    assert event.decoded("DTSTART") == D(2024, 3, 2)


def test_feed_timed_event_is_in_shanghai_time(client, today):
    EventFactory(
        starts_on=D(2026, 12, 5),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 0),
        ends_on=D(2027, 1, 30),
    )
    event = vevents(client.get("/events.ics"))[0]
    start = event.decoded("DTSTART")
    assert start == datetime.datetime(
        2026, 12, 5, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTEND").hour == 11
    until = event["RRULE"]["UNTIL"][0]
    assert until == datetime.datetime(2027, 1, 30, 1, 0, tzinfo=datetime.UTC)


def test_feed_timed_event_carries_its_time_zone_definition(client, today):
    EventFactory(starts_on=D(2026, 12, 5), start_time=datetime.time(9, 0))
    cal = parse(client.get("/events.ics"))
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_feed_event_has_stamp_location_and_description(client, today):
    lane = LaneFactory(name_zh_hans="海棠书巷")
    EventFactory(lane=lane, description_zh_hans="测试说明")
    event = vevents(client.get("/events.ics"))[0]
    assert event["DTSTAMP"]
    assert str(event["LOCATION"]) == "海棠书巷"
    assert "测试说明" in str(event["DESCRIPTION"])


def test_feed_with_no_events_is_still_a_valid_calendar(client, today):
    cal = parse(client.get("/events.ics"))
    assert cal["VERSION"] == "2.0"
    assert list(cal.walk("VEVENT")) == []


def test_feed_refuses_post(client):
    assert client.post("/events.ics").status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("rows", [1, 50])
def test_feed_queries_stay_constant(client, today, rows, django_assert_max_num_queries):
    EventFactory.create_batch(rows, lane=LaneFactory())
    with django_assert_max_num_queries(1):
        response = client.get("/events.ics")
        assert len(vevents(response)) == rows  # read inside: it is streamed
    assert response.status_code == HTTPStatus.OK


def test_feed_is_streamed(client, today):
    EventFactory()
    assert client.get("/events.ics").streaming


def test_feed_leaves_out_events_over_long_ago(client, today):
    from lanes.feed import FEED_PAST_DAYS

    EventFactory(
        title_zh_hans="早已结束",
        recurrence=Recurrence.ONCE,
        weekday=None,
        starts_on=TODAY - datetime.timedelta(days=FEED_PAST_DAYS + 1),
    )
    EventFactory(
        title_zh_hans="刚结束",
        recurrence=Recurrence.ONCE,
        weekday=None,
        starts_on=TODAY - datetime.timedelta(days=FEED_PAST_DAYS),
    )
    EventFactory(
        title_zh_hans="每周一次的旧活动",
        starts_on=D(2024, 1, 6),
        ends_on=TODAY - datetime.timedelta(days=FEED_PAST_DAYS + 1),
    )
    EventFactory(title_zh_hans="每周一次", starts_on=D(2024, 1, 6))

    titles = {str(e["SUMMARY"]) for e in vevents(client.get("/events.ics"))}

    assert titles == {"刚结束", "每周一次"}


def test_feed_stops_at_its_limit(client, today, monkeypatch):
    from lanes import feed

    monkeypatch.setattr(feed, "FEED_LIMIT", 2)
    EventFactory.create_batch(3)

    assert len(vevents(client.get("/events.ics"))) == 2


def test_feed_of_one_subdistrict_holds_its_events_only(client, today):
    from tests.estates.factories import SubdistrictFactory

    here, there = SubdistrictFactory(), SubdistrictFactory()
    EventFactory(subdistrict=here, title_zh_hans="本街道活动")
    EventFactory(subdistrict=there, title_zh_hans="别的街道活动")

    response = client.get(f"/events.ics?subdistrict={here.slug}")

    assert [str(e["SUMMARY"]) for e in vevents(response)] == ["本街道活动"]


def test_feed_of_an_unknown_subdistrict_is_not_found(client, today):
    response = client.get("/en/events.ics?subdistrict=nowhere")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_events_page_links_each_subdistricts_feed(client, today):
    from tests.estates.factories import SubdistrictFactory

    here, there = SubdistrictFactory(), SubdistrictFactory()
    EventFactory(subdistrict=here)
    EventFactory(subdistrict=there)

    text = client.get("/en/events/").text

    assert f'href="/en/events.ics?subdistrict={here.slug}"' in text
    assert f'href="/en/events.ics?subdistrict={there.slug}"' in text


def test_events_page_of_one_subdistrict_links_only_the_whole_feed(client, today):
    EventFactory.create_batch(2, subdistrict=EventFactory().subdistrict)
    assert "?subdistrict=" not in client.get("/en/events/").text


# --- Bounded at any number of events (issue 17, item 4) ---


def _titles(response, events):
    return [e.title_zh_hans for e in events if e.title_zh_hans in response.text]


def test_events_page_shows_a_page_of_events_soonest_first(client, today):
    # Thirty one-off events, one a day from tomorrow, entered latest first.
    events = [
        EventFactory(
            recurrence=Recurrence.ONCE,
            weekday=None,
            starts_on=today + datetime.timedelta(days=30 - n),
            title_zh_hans=f"测试分页活动{30 - n:02d}",
        )
        for n in range(30)
    ]
    first = client.get("/events/")
    shown = _titles(first, events)
    assert len(shown) == 20
    # Tomorrow's first, the twenty soonest on the first page.
    assert first.text.index("测试分页活动01") < first.text.index("测试分页活动02")
    assert "测试分页活动20" in first.text
    assert "测试分页活动21" not in first.text
    second = client.get("/events/?page=2")
    assert "测试分页活动21" in second.text
    assert "测试分页活动01" not in second.text


def test_events_page_shows_only_the_last_past_events_on_its_first_page(client, today):
    for n in range(15):
        EventFactory(
            recurrence=Recurrence.ONCE,
            weekday=None,
            starts_on=today - datetime.timedelta(days=n + 1),
            title_zh_hans=f"测试往期活动{n + 1:02d}",
        )
    EventFactory.create_batch(21)  # two pages of upcoming events
    first = client.get("/events/")
    assert "测试往期活动01" in first.text
    assert "测试往期活动10" in first.text
    assert "测试往期活动11" not in first.text
    assert "测试往期活动01" not in client.get("/events/?page=2").text


def test_events_page_past_the_last_page_shows_the_last(client, today):
    EventFactory.create_batch(3)
    response = client.get("/events/?page=9")
    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].number == 1


def test_events_page_offers_programmes_to_choose_from(client, today):
    response = client.get("/en/events/?find=qxzqxz")
    assert "Choose a programme" in response.text
    assert "No programme matches." in response.text


def test_events_page_says_in_chinese_when_nothing_is_coming_or_found(client, today):
    response = client.get("/events/?find=qxzqxz")
    assert "暂无近期活动。" in response.text
    assert "没有符合条件的改造计划。" in response.text
