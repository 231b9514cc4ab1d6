"""Following, continued (issue 18): a compound's calendar, a survey opening,
the follower's own page, feedback told in the resident's language."""

import datetime
from http import HTTPStatus

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from estates.models import Stage
from follows import sending
from follows.models import Channel, Follow, Happening, HappeningKind, Mode, Notification
from follows.services import follow_request
from governance import services as governance_services
from tests.estates.factories import EstateFactory, NoticeFactory
from tests.follows.test_follow import _confirmed
from tests.governance.factories import (
    CouncilFactory,
    FeedbackContactFactory,
    MeetingFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    return EstateFactory(
        name_zh_hans="日历小区", name_en="Calendar Compound", stage=Stage.ACCEPTANCE
    )


def _calendar(client, estate, prefix=""):
    response = client.get(f"{prefix}/follow/compound/{estate.slug}/calendar.ics")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


# ------------------------------------------------------------------------------
# The compound's calendar
# ------------------------------------------------------------------------------
def test_the_calendar_holds_the_compounds_notices_meetings_and_surveys(client, estate):
    soon = timezone.now() + datetime.timedelta(days=2)
    NoticeFactory(
        estate=estate,
        title_zh_hans="三号楼停水",
        buildings_affected="3",
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=6),
    )
    NoticeFactory(estate=EstateFactory(), title_zh_hans="别的小区停电", starts_at=soon)
    council = CouncilFactory(name_zh_hans="日历议事会", name_en="Calendar Council")
    council.estates.set([estate])
    meeting_day = timezone.localdate() + datetime.timedelta(days=5)
    MeetingFactory(council=council, held_on=meeting_day)
    opens = timezone.localdate() + datetime.timedelta(days=1)
    SurveyFactory(
        estate=estate, opens_on=opens, closes_on=opens + datetime.timedelta(days=13)
    )

    events = {
        str(event["summary"]): event
        for event in _calendar(client, estate).walk("VEVENT")
    }

    assert len(events) == 3
    notice = next(e for s, e in events.items() if "三号楼停水" in s)
    assert notice.decoded("dtstart") == soon.replace(microsecond=0)
    assert "3" in str(notice["description"])
    meeting = next(e for s, e in events.items() if "日历议事会" in s)
    assert meeting.decoded("dtstart") == meeting_day
    survey = next(e for s, e in events.items() if "满意度" in s)
    assert survey.decoded("dtstart") == opens
    # All day up to and including the closing day.
    assert survey.decoded("dtend") == opens + datetime.timedelta(days=14)
    assert "别的小区停电" not in " ".join(events)


def test_the_calendar_holds_its_community_councils_meetings_and_no_others(
    client, estate, django_assert_max_num_queries
):
    day = timezone.localdate() + datetime.timedelta(days=3)
    # The community's council with no compounds of its own speaks for them all.
    MeetingFactory(
        council=CouncilFactory(name_zh_hans="社区议事会", community=estate.community),
        held_on=day,
    )
    # Not this compound's: a council of the same community for another
    # compound, and one of another community.
    other = EstateFactory(community=estate.community)
    MeetingFactory(
        council=CouncilFactory(
            name_zh_hans="邻院议事会", community=estate.community, estates=[other]
        ),
        held_on=day,
    )
    MeetingFactory(council=CouncilFactory(name_zh_hans="外社区议事会"), held_on=day)
    # Its own council, also in its community: told once, not twice.
    own = CouncilFactory(
        name_zh_hans="本院议事会", community=estate.community, estates=[estate]
    )
    MeetingFactory(council=own, held_on=day)

    with django_assert_max_num_queries(5):
        summaries = [
            str(event["summary"]) for event in _calendar(client, estate).walk("VEVENT")
        ]

    assert sorted(s.split(":")[0].split("：")[0] for s in summaries) == sorted(
        ["社区议事会", "本院议事会"]
    )


def test_the_calendar_is_english_under_en_and_has_stable_uids(client, estate):
    council = CouncilFactory(name_zh_hans="日历议事会", name_en="Calendar Council")
    council.estates.set([estate])
    MeetingFactory(council=council, held_on=timezone.localdate())

    first = _calendar(client, estate, prefix="/en")
    again = _calendar(client, estate, prefix="/en")

    (event,) = first.walk("VEVENT")
    assert "Calendar Council" in str(event["summary"])
    assert "Calendar Compound" in str(first["x-wr-calname"])
    assert event["uid"] == again.walk("VEVENT")[0]["uid"]


def test_the_calendar_leaves_out_what_ended_long_ago_and_is_bounded(
    client, estate, django_assert_max_num_queries
):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    NoticeFactory(estate=estate, starts_at=long_ago, ends_at=long_ago)
    for days in range(70):
        NoticeFactory(
            estate=estate, starts_at=timezone.now() + datetime.timedelta(days=days)
        )

    with django_assert_max_num_queries(8):
        calendar = _calendar(client, estate)

    assert len(calendar.walk("VEVENT")) == 60


def test_an_unknown_compounds_calendar_is_not_found(client):
    response = client.get(
        reverse("follows:estate-calendar", kwargs={"slug": "no-such-compound"})
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_follow_page_offers_the_calendar(client, estate):
    page = client.get(
        reverse("follows:follow-estate", kwargs={"slug": estate.slug})
    ).content.decode()
    assert reverse("follows:estate-calendar", kwargs={"slug": estate.slug}) in page


# ------------------------------------------------------------------------------
# A satisfaction survey opens
# ------------------------------------------------------------------------------
def test_a_survey_opened_in_the_admin_is_told_once(admin_client, estate):
    _confirmed(estate, "s@example.org", language="en")
    today = timezone.localdate()
    data = {"estate": estate.pk, "opens_on": today.isoformat(), "closes_on": ""}

    response = admin_client.post(reverse("admin:governance_survey_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:1500]
    survey = estate.surveys.get()
    # Saved again the same day: nothing new to tell.
    admin_client.post(
        reverse("admin:governance_survey_change", args=[survey.pk]),
        {**data, "closes_on": (today + datetime.timedelta(days=10)).isoformat()},
    )
    sending.fan_out_pending()

    (happening,) = Happening.objects.all()
    assert happening.kind == HappeningKind.SURVEY
    assert "日历小区" in happening.title_zh_hans
    (told,) = Notification.objects.filter(happening__isnull=False)
    assert told.language == "en"
    assert "satisfaction survey is open" in told.subject


def test_a_survey_to_open_later_is_told_on_its_first_day(estate):
    _confirmed(estate)
    today = timezone.localdate()
    later = today + datetime.timedelta(days=3)
    survey = SurveyFactory(estate=estate, opens_on=later, closes_on=None)

    governance_services.surveys_opened(surveys=[survey])
    assert not Happening.objects.exists()

    governance_services.surveys_opening_today(today=later)
    governance_services.surveys_opening_today(today=later)  # run twice
    governance_services.surveys_opening_today(today=later + datetime.timedelta(days=1))

    (happening,) = Happening.objects.all()
    assert happening.kind == HappeningKind.SURVEY


def test_a_survey_already_closed_is_not_told(estate):
    _confirmed(estate)
    today = timezone.localdate()
    SurveyFactory(
        estate=estate,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today - datetime.timedelta(days=1),
    )

    governance_services.surveys_opening_today(today=today)

    assert not Happening.objects.exists()


def test_the_daily_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "governance.surveys_opening" in tasks
    from governance.tasks import surveys_opening

    assert surveys_opening.name == "governance.surveys_opening"


# ------------------------------------------------------------------------------
# The follower's own page
# ------------------------------------------------------------------------------
def _manage(follow):
    return reverse("follows:manage", kwargs={"token": follow.token})


def test_a_follower_changes_how_often_which_building_and_language(client, estate):
    follow = _confirmed(estate)

    response = client.post(
        _manage(follow),
        {
            "action": "settings",
            "mode": Mode.DIGEST,
            "building": " 5 ",
            "language": "en",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    follow.refresh_from_db()
    assert (follow.mode, follow.building, follow.language) == (Mode.DIGEST, "5", "en")
    page = client.get(response["Location"]).content.decode()
    assert "已保存" in page


def test_a_bad_choice_is_refused_in_the_followers_language_and_changes_nothing(
    client, estate
):
    follow = _confirmed(estate)

    response = client.post(
        "/en" + _manage(follow),
        {"action": "settings", "mode": "hourly", "language": "en"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice" in response.content.decode()
    follow.refresh_from_db()
    assert (follow.mode, follow.language) == (Mode.AT_ONCE, "zh-hans")


def test_a_follower_stops_one_of_the_others_but_not_a_strangers(client, estate):
    follow = _confirmed(estate, "me@example.org")
    other_estate = EstateFactory(name_zh_hans="另一个小区")
    mine = _confirmed(other_estate, "me@example.org")
    stranger = _confirmed(other_estate, "someone@example.org")

    page = client.get(_manage(follow)).content.decode()
    assert "另一个小区" in page

    refused = client.post(
        _manage(follow), {"action": "stop-other", "other": stranger.pk}
    )
    stopped = client.post(_manage(follow), {"action": "stop-other", "other": mine.pk})

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert stopped.status_code == HTTPStatus.FOUND
    assert set(Follow.objects.values_list("contact", flat=True)) == {
        "me@example.org",
        "someone@example.org",
    }
    assert not Follow.objects.filter(pk=mine.pk).exists()
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_a_programme_follower_is_not_asked_for_a_building(client, estate):
    from tests.estates.factories import ProgrammeFactory

    follow = follow_request(
        programme=ProgrammeFactory(),
        channel=Channel.EMAIL,
        contact="p@example.org",
        language="zh-hans",
    )

    page = client.get(_manage(follow)).content.decode()

    assert 'name="building"' not in page
    assert 'name="mode"' in page


# ------------------------------------------------------------------------------
# Feedback: told in the language the resident wrote in
# ------------------------------------------------------------------------------
def test_feedback_left_in_english_is_answered_in_english(client, settings):
    estate = EstateFactory(name_zh_hans="反馈小区")
    response = client.post(
        "/en/feedback/new/",
        {
            "estate": estate.slug,
            "category": "lighting",
            "text": "The gate light is broken.",
            "name": "",
            "phone": "13912345678",
            "consent": "on",
        },
    )
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.OK)
    contact = FeedbackContactFactory._meta.model.objects.get(phone="13912345678")
    assert contact.language == "en"

    governance_services.feedback_change_status(
        feedback=contact.feedback, status="accepted"
    )

    (told,) = Notification.objects.filter(address="13912345678")
    assert told.language == "en"
    assert "Your feedback" in told.body
    assert "/en/" in told.body


def test_feedback_left_in_chinese_is_answered_in_chinese():
    contact = FeedbackContactFactory(phone="13912345679")

    governance_services.feedback_change_status(
        feedback=contact.feedback, status="accepted"
    )

    (told,) = Notification.objects.filter(address="13912345679")
    assert told.language == "zh-hans"
    assert "您的" in told.body or "反馈" in told.body
