"""Following a compound without an account (issue 18): follow, confirm, be
told, stop; bad input; abuse; the outbox."""

import datetime
import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from estates.models import Stage
from estates.services import estate_refresh_stage
from follows import sending
from follows.models import Channel, Follow, Happening, Mode, Notification, Status
from follows.services import (
    follow_confirm,
    follow_request,
    follows_erase_expired,
    happening_fan_out,
    happening_record,
)
from governance import services as feedback_services
from tests.estates.factories import (
    EstateFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
)
from tests.governance.factories import (
    CouncilFactory,
    FeedbackContactFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)  # 20:00 in China


@pytest.fixture
def estate():
    return EstateFactory(
        name_zh_hans="跟随小区", name_en="Followed Compound", stage=Stage.TENDERING
    )


@pytest.fixture
def day(monkeypatch):
    """Daytime in China (no quiet hours)."""
    daytime = datetime.datetime(2026, 12, 5, 3, 0, tzinfo=datetime.UTC)  # 11:00
    monkeypatch.setattr(sending.timezone, "now", lambda: daytime)
    return daytime


def _follow_page(estate, prefix=""):
    return prefix + reverse("follows:follow-estate", kwargs={"slug": estate.slug})


def _ask(client, estate, *, contact, channel="email", prefix="", **extra):
    data = {
        "channel": channel,
        "contact": contact,
        "mode": Mode.AT_ONCE,
        "consent": "on",
        **extra,
    }
    return client.post(_follow_page(estate, prefix), data)


def _confirmed(estate, contact="resident@example.org", **kwargs):
    follow = follow_request(
        estate=estate,
        channel=kwargs.pop("channel", Channel.EMAIL),
        contact=contact,
        language=kwargs.pop("language", "zh-hans"),
        **kwargs,
    )
    Follow.objects.filter(pk=follow.pk).update(confirmed_at=timezone.now())
    Notification.objects.filter(follow__isnull=True).delete()  # the confirmation
    follow.refresh_from_db()
    return follow


def _move_stage(estate, stage):
    membership = ProgrammeMembershipFactory(estate=estate)
    membership.reported_stage = stage
    membership.reported_on = datetime.date(2026, 12, 1)
    membership.save()
    estate_refresh_stage(estate=estate)


# ------------------------------------------------------------------------------
# Following by e-mail
# ------------------------------------------------------------------------------
def test_the_compound_page_links_to_following_it(client, estate):
    page = client.get(estate.get_absolute_url()).content.decode()

    assert _follow_page(estate) in page


def test_following_by_email_sends_a_confirmation_link_and_nothing_else(
    client, estate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, estate, contact="Resident@Example.org")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("follows:sent")
    follow = Follow.objects.get()
    assert follow.contact == "resident@example.org"
    assert follow.confirmed_at is None
    assert "跟随小区" in follow.consent_purpose or "告诉" in follow.consent_purpose
    (message,) = mail.outbox
    assert message.to == ["resident@example.org"]
    assert "跟随小区" in message.subject
    assert re.search(r"/follow/confirm/[\w-]+/\?secret=[\w-]+", message.body)


def test_the_confirmation_link_confirms_once(
    client, estate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, estate, contact="resident@example.org")
    link = re.search(r"(/follow/confirm/[\w-]+/)\?secret=([\w-]+)", mail.outbox[0].body)
    path, secret = link.groups()

    page = client.get(f"{path}?secret={secret}")
    done = client.post(path, {"secret": secret})
    again = client.post(path, {"secret": secret})

    assert page.status_code == HTTPStatus.OK
    assert done.status_code == HTTPStatus.FOUND
    assert Follow.objects.get().confirmed_at is not None
    # A confirmed follow stays confirmed; the secret itself is gone.
    assert again.status_code == HTTPStatus.FOUND


def test_a_wrong_secret_does_not_confirm(client, estate):
    follow = follow_request(
        estate=estate, channel="email", contact="a@example.org", language="en"
    )

    response = client.post(
        reverse("follows:confirm", kwargs={"token": follow.token}),
        {"secret": "guessed"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "不正确" in response.content.decode() or "无效" in response.content.decode()
    follow.refresh_from_db()
    assert follow.confirmed_at is None


def test_an_expired_link_does_not_confirm(estate, settings):
    follow = follow_request(
        estate=estate, channel="email", contact="a@example.org", language="en"
    )
    follow.confirmation.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    follow.confirmation.save()

    with pytest.raises(Exception, match="expired|过期"):
        follow_confirm(follow=follow, secret="anything")


@pytest.mark.parametrize(
    ("prefix", "text"),
    [("", "有效的电子邮件地址"), ("/en", "Enter a valid e-mail address")],
)
def test_an_invalid_email_is_refused_in_the_visitors_language(
    client, estate, prefix, text
):
    response = _ask(client, estate, contact="not-an-address", prefix=prefix)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert text in response.content.decode()
    assert not Follow.objects.exists()
    assert not Notification.objects.exists()


def test_following_needs_consent(client, estate):
    response = client.post(
        _follow_page(estate),
        {"channel": "email", "contact": "a@example.org", "mode": Mode.AT_ONCE},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Follow.objects.exists()


# ------------------------------------------------------------------------------
# Following by SMS, against a fake provider
# ------------------------------------------------------------------------------
class FakeProvider(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            (json.loads(self.rfile.read(length)), self.headers["Authorization"])
        )
        self.send_response(type(self).answer)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider(settings):
    FakeProvider.received = []
    FakeProvider.answer = 200
    server = HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_API_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_API_KEY = "test-key"
    yield FakeProvider
    server.shutdown()
    server.server_close()


def test_following_by_sms_sends_a_code_that_confirms(
    client, estate, sms_provider, day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, estate, contact="138 1234 5678", channel="sms")

    assert response.status_code == HTTPStatus.FOUND
    ((payload, authorization),) = sms_provider.received
    assert payload["to"] == "13812345678"
    assert authorization == "Bearer test-key"
    code = re.search(r"\b(\d{6})\b", payload["text"]).group(1)
    confirmed = client.post(response["Location"], {"code": code})
    assert confirmed.status_code == HTTPStatus.FOUND
    assert Follow.objects.get().confirmed_at is not None


def test_five_wrong_codes_lock_the_code(client, estate, sms_provider, day):
    response = _ask(client, estate, contact="13812345678", channel="sms")
    for _ in range(5):
        wrong = client.post(response["Location"], {"code": "000000x"})
        assert wrong.status_code == HTTPStatus.BAD_REQUEST
    follow = Follow.objects.get()

    with pytest.raises(Exception, match="Too many|过多"):
        follow_confirm(follow=follow, secret="123456")


def test_a_landline_cannot_follow_by_sms(client, estate):
    response = _ask(client, estate, contact="0392-1234567", channel="sms")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Follow.objects.exists()


# ------------------------------------------------------------------------------
# What a follower is told
# ------------------------------------------------------------------------------
def test_a_new_stage_reaches_confirmed_followers_with_a_stop_link(
    estate, day, django_capture_on_commit_callbacks
):
    _confirmed(estate, "zh@example.org")
    _confirmed(estate, "en@example.org", language="en")
    follow_request(
        estate=estate, channel="email", contact="x@example.org", language="en"
    )  # never confirmed
    Notification.objects.all().delete()  # its confirmation
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _move_stage(estate, Stage.CONSTRUCTION)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"zh@example.org", "en@example.org"}
    assert "开工建设" in by_address["zh@example.org"].subject
    assert "construction" in by_address["en@example.org"].subject
    assert "/follow/stop/" in by_address["en@example.org"].body
    assert (
        by_address["en@example.org"]
        .extra_headers["List-Unsubscribe"]
        .startswith("<http")
    )


def test_followers_of_a_programme_are_told_about_its_compounds(
    estate, day, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory()
    ProgrammeMembershipFactory(programme=programme, estate=estate)
    follow = follow_request(
        programme=programme, channel="email", contact="p@example.org", language="en"
    )
    Follow.objects.filter(pk=follow.pk).update(confirmed_at=timezone.now())
    Notification.objects.all().delete()  # the confirmation
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _move_stage(estate, Stage.ACCEPTANCE)

    assert [message.to for message in mail.outbox] == [["p@example.org"]]


def test_the_same_happening_is_queued_once_per_follower(estate):
    _confirmed(estate)
    titles = {"zh-hans": "测试", "en": "Test"}

    happening_record(estate=estate, kind="stage", titles=titles, key="k")
    happening_record(estate=estate, kind="stage", titles=titles, key="k")
    sending.fan_out_pending()
    sending.fan_out_pending()

    assert Happening.objects.count() == 1
    assert Notification.objects.filter(follow__isnull=False).count() == 1


def test_the_fan_out_takes_constant_queries(estate, django_assert_max_num_queries):
    for number in range(60):
        _confirmed(estate, f"r{number}@example.org")
    titles = {"zh-hans": "测试", "en": "Test"}

    happening = happening_record(estate=estate, kind="stage", titles=titles, key="f")

    with django_assert_max_num_queries(8):
        happening_fan_out(happening_id=happening.pk)

    assert Notification.objects.filter(happening__isnull=False).count() == 60


def test_a_notice_for_another_building_is_not_sent(estate):
    _confirmed(estate, "one@example.org", building="1")
    _confirmed(estate, "five@example.org", building="5")
    _confirmed(estate, "all@example.org")
    titles = {"zh-hans": "停水", "en": "Water cut"}

    happening_record(
        estate=estate, kind="notice", titles=titles, building="1, 2", key="n"
    )
    sending.fan_out_pending()

    told = set(
        Notification.objects.filter(happening__isnull=False).values_list(
            "follow__contact", flat=True
        )
    )
    assert told == {"one@example.org", "all@example.org"}


def test_a_digest_follower_gets_one_message_grouped_by_compound(
    estate, day, django_capture_on_commit_callbacks
):
    other = EstateFactory(name_zh_hans="另一小区", stage=Stage.TENDERING)
    _confirmed(estate, "d@example.org", mode=Mode.DIGEST)
    _confirmed(other, "d@example.org", mode=Mode.DIGEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move_stage(estate, Stage.CONSTRUCTION)
        _move_stage(other, Stage.CONSTRUCTION)
    assert mail.outbox == []

    sending.send_digests()

    (digest,) = mail.outbox
    assert "跟随小区" in digest.body
    assert "另一小区" in digest.body
    assert "/follow/stop/" in digest.body


def test_no_text_message_at_night(estate, sms_provider, monkeypatch):
    night = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)  # 23:00
    monkeypatch.setattr(sending.timezone, "now", lambda: night)
    _confirmed(estate, "13812345678", channel=Channel.SMS)
    _move_stage(estate, Stage.CONSTRUCTION)
    sms_provider.received.clear()

    sending.send_due()
    held = Notification.objects.get(happening__isnull=False)
    morning = datetime.datetime(2026, 12, 6, 0, 1, tzinfo=datetime.UTC)  # 08:01
    monkeypatch.setattr(sending.timezone, "now", lambda: morning)
    sending.send_due()

    assert held.status == Status.HELD
    assert [payload["to"] for payload, _key in sms_provider.received] == ["13812345678"]


def test_a_provider_error_is_retried_later_then_fails(estate, sms_provider, day):
    _confirmed(estate, "13812345678", channel=Channel.SMS)
    _move_stage(estate, Stage.CONSTRUCTION)
    sms_provider.answer = 503

    sending.send_due()
    row = Notification.objects.get(happening__isnull=False)

    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > day


def test_a_refused_message_fails_without_retry(estate, sms_provider, day):
    _confirmed(estate, "13812345678", channel=Channel.SMS)
    _move_stage(estate, Stage.CONSTRUCTION)
    sms_provider.answer = 400

    sending.send_due()

    assert Notification.objects.get(happening__isnull=False).status == Status.FAILED


def test_a_message_left_by_a_dead_worker_is_sent_after_the_lease(estate, day, settings):
    _confirmed(estate)
    Notification.objects.all().delete()  # the confirmation e-mail
    _move_stage(estate, Stage.CONSTRUCTION)
    sending.fan_out_pending()
    mail.outbox.clear()
    # A worker claimed it and died before sending.
    Notification.objects.update(
        status=Status.SENDING, claimed_at=day - datetime.timedelta(minutes=1)
    )

    assert sending.send_due() == 0
    Notification.objects.update(claimed_at=day - datetime.timedelta(minutes=3))
    assert sending.send_due() == 1
    assert len(mail.outbox) == 1
    assert sending.send_due() == 0


def test_a_sent_message_keeps_no_address(estate, day, sms_provider):
    follow_request(
        estate=estate, channel="sms", contact="13812345678", language="zh-hans"
    )

    sending.send_due()

    assert Notification.objects.get().address == ""


# ------------------------------------------------------------------------------
# Feedback: the resident is told
# ------------------------------------------------------------------------------
def test_a_resident_with_consent_is_told_of_a_status_change_and_a_reply(
    sms_provider, day, django_capture_on_commit_callbacks
):
    contact = FeedbackContactFactory(phone="13912345678")
    feedback = contact.feedback

    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.feedback_change_status(feedback=feedback, status="accepted")
        feedback_services.feedback_reply(
            feedback=feedback, text="已修好", is_public=True
        )
        feedback_services.feedback_reply(
            feedback=feedback, text="内部", is_public=False
        )

    texts = [payload["text"] for payload, _key in sms_provider.received]
    assert len(texts) == 2
    assert all(feedback.reference in text for text in texts)
    assert all("内部" not in text for text in texts)


def test_a_resident_without_consent_is_not_told(sms_provider, day):
    contact = FeedbackContactFactory(phone="", name="", consent=False)

    feedback_services.feedback_change_status(
        feedback=contact.feedback, status="accepted"
    )

    assert not Notification.objects.exists()


# ------------------------------------------------------------------------------
# Stopping, privacy, abuse
# ------------------------------------------------------------------------------
def test_the_stop_link_stops_without_logging_in_and_erases_the_contact(client, estate):
    follow = _confirmed(estate)
    _move_stage(estate, Stage.CONSTRUCTION)
    sending.fan_out_pending()
    assert Notification.objects.filter(happening__isnull=False).exists()
    page = reverse("follows:manage", kwargs={"token": follow.token})

    shown = client.get(page)
    stopped = client.post(page, {"action": "stop"})

    assert shown.status_code == HTTPStatus.OK
    assert "resident@example.org" not in shown.content.decode()
    assert stopped.status_code == HTTPStatus.OK
    assert not Follow.objects.exists()
    assert not Notification.objects.filter(happening__isnull=False).exists()


def test_a_mail_programs_one_click_stop_works(client, estate):
    follow = _confirmed(estate)

    client.post(
        reverse("follows:manage", kwargs={"token": follow.token}),
        {"List-Unsubscribe": "One-Click"},
    )

    assert not Follow.objects.exists()


def test_an_unknown_stop_token_is_not_found(client):
    assert client.get("/follow/stop/nothing/").status_code == HTTPStatus.NOT_FOUND


def test_asking_again_for_a_followed_contact_gives_the_same_answer_and_sends_nothing(
    client, estate, django_capture_on_commit_callbacks
):
    _confirmed(estate)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, estate, contact="resident@example.org")

    assert response["Location"] == reverse("follows:sent")
    assert mail.outbox == []


def test_too_many_requests_for_one_contact_are_refused(client, estate, settings):
    settings.FOLLOW_PER_CONTACT_DAY = 2
    others = [EstateFactory() for _ in range(3)]
    answers = [
        _ask(client, other, contact="flood@example.org").status_code for other in others
    ]

    assert answers == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS]
    assert Follow.objects.count() == 2


def test_too_many_requests_from_one_address_are_refused(client, estate, settings):
    settings.FOLLOW_PER_ADDRESS_HOUR = 2
    answers = [
        _ask(client, estate, contact=f"r{number}@example.org").status_code
        for number in range(3)
    ]

    assert answers[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert Follow.objects.count() == 2


def test_unconfirmed_follows_are_erased_after_a_day(estate):
    follow = follow_request(
        estate=estate, channel="email", contact="late@example.org", language="en"
    )

    follows_erase_expired(now=timezone.now() + datetime.timedelta(hours=23))
    assert Follow.objects.filter(pk=follow.pk).exists()
    follows_erase_expired(now=timezone.now() + datetime.timedelta(days=2))
    assert not Follow.objects.filter(pk=follow.pk).exists()


def test_the_atom_feed_lists_what_happened(client, estate):
    _move_stage(estate, Stage.CONSTRUCTION)

    feed = client.get(reverse("follows:estate-feed", kwargs={"slug": estate.slug}))

    assert feed.status_code == HTTPStatus.OK
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "开工建设" in feed.content.decode()
    assert Happening.objects.count() == 1


def test_a_first_stage_on_record_is_told_as_such(estate):
    estate.stage = None
    estate.save()

    _move_stage(estate, Stage.CONSTRUCTION)

    (happening,) = Happening.objects.all()
    assert happening.title_zh_hans == "跟随小区：当前阶段为开工建设"
    assert happening.title_en == "Followed Compound: its stage is now construction"


def test_the_change_itself_queues_no_notification(estate):
    for number in range(30):
        _confirmed(estate, f"r{number}@example.org")

    _move_stage(estate, Stage.CONSTRUCTION)  # no worker has run yet

    assert not Notification.objects.exists()
    assert Happening.objects.get().fanned_out_at is None
    assert sending.fan_out_pending() == 30


def test_a_notice_posted_in_the_admin_reaches_followers_of_its_buildings(
    admin_client, estate, day, django_capture_on_commit_callbacks
):
    _confirmed(estate, "one@example.org", building="1")
    _confirmed(estate, "five@example.org", building="5")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:estates_notice_add"),
            {
                "estate": estate.pk,
                "kind": "water_cut",
                "title_zh_hans": "明日停水",
                "title_en": "Water cut tomorrow",
                "details_zh_hans": "",
                "details_en": "",
                "buildings_affected": "1、2",
                "starts_at_0": "2026-12-06",
                "starts_at_1": "08:00",
            },
        )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert [message.to for message in mail.outbox] == [["one@example.org"]]
    assert "明日停水" in mail.outbox[0].subject


def test_a_programme_page_with_compounds_links_to_following_it(client, estate):
    membership = ProgrammeMembershipFactory(estate=estate)
    programme = membership.programme

    page = client.get(f"/programmes/{programme.slug}/").content.decode()

    assert reverse("follows:follow-programme", kwargs={"slug": programme.slug}) in page


def test_a_council_meeting_to_come_is_told_to_its_compounds_followers(estate):
    _confirmed(estate, "m@example.org", language="en")
    council = CouncilFactory(name_zh_hans="测试议事会", name_en="Test Council")
    council.estates.set([estate])
    coming = MeetingFactory(
        council=council, held_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    past = MeetingFactory(
        council=council, held_on=timezone.localdate() - datetime.timedelta(days=3)
    )

    feedback_services.meetings_saved(meetings=[coming, past])
    sending.fan_out_pending()

    (told,) = Notification.objects.filter(happening__isnull=False)
    assert told.follow.contact == "m@example.org"
    assert "Test Council meets on" in told.subject
    assert "Followed Compound" in told.subject


def test_a_community_councils_meeting_reaches_the_communitys_compounds(estate):
    _confirmed(estate, "c@example.org")
    council = CouncilFactory(community=estate.community)
    meeting = MeetingFactory(
        council=council, held_on=timezone.localdate() + datetime.timedelta(days=1)
    )

    feedback_services.meetings_saved(meetings=[meeting])

    assert Happening.objects.get().estate == estate
