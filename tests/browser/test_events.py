"""The events page shows the Saturday book swap on real dates, and its
iCalendar feed is one a phone calendar can subscribe to."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SATURDAY = 5
BOOK_SWAP = "article#huanshu-daji"
LANGUAGES = [
    pytest.param("", "换书大集", id="zh-hans"),
    pytest.param("/en", "Book swap fair", id="en"),
]


@pytest.mark.parametrize(("prefix", "title"), LANGUAGES)
def test_events_page_lists_the_book_swap_on_the_coming_saturdays(
    page, site, prefix, title
):
    page.goto(f"{prefix}/events/")
    card = page.locator(BOOK_SWAP)
    expect(card.get_by_role("heading", level=3)).to_have_text(title)

    times = card.locator(".event-dates time")
    expect(times.first).to_be_visible()
    dates = [
        datetime.date.fromisoformat(value)
        for value in times.evaluate_all(
            "(times) => times.map((time) => time.getAttribute('datetime'))"
        )
    ]
    today = timezone.localdate()
    assert today <= dates[0] < today + datetime.timedelta(weeks=1)
    assert dates == [
        dates[0] + datetime.timedelta(weeks=week) for week in range(len(dates))
    ]
    assert {date.weekday() for date in dates} == {SATURDAY}
    expect(times.first).to_contain_text(str(dates[0].day))


@pytest.mark.parametrize(("prefix", "title"), LANGUAGES)
def test_events_feed_downloads_as_icalendar_with_a_weekly_saturday_rule(
    page, site, prefix, title
):
    page.goto(f"{prefix}/events/")

    with (
        page.expect_response("**/events.ics") as answer,
        page.expect_download() as file,
    ):
        page.locator("a[href$='/events.ics']").click()

    assert answer.value.url == f"{site.url}{prefix}/events.ics"
    assert answer.value.headers["content-type"].startswith("text/calendar")
    feed = file.value.path().read_text(encoding="utf-8")
    assert feed.startswith("BEGIN:VCALENDAR")
    assert "RRULE:FREQ=WEEKLY;BYDAY=SA" in feed
    assert f"SUMMARY:{title}" in feed
