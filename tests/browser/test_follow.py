"""Follow a compound by e-mail, in a browser, against a real SMTP server on
loopback (issue 18): a resident follows a source compound, confirms from the
link in the e-mail, a clerk changes its stage in the admin, the message
arrives with the new stage and a stop link that works without logging in."""

import email
import json
import re
import socket
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from estates.models import Estate, Stage
from follows.models import Follow
from governance.models import Feedback
from tests.browser.staff import desk_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"


class Inbox:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"

    def wait(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, self.messages
        return self.messages[count - 1]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield handler
    controller.stop()


def _text(message: bytes) -> str:
    """The message's text, decoded from its transfer encoding."""
    parsed = email.message_from_bytes(message, policy=policy.default)
    return parsed.get_body(("plain",)).get_content()


def test_a_resident_follows_by_email_and_hears_of_a_new_stage(
    site, new_context, browser, inbox, settings, shot
):
    settings.PORTAL_BASE_URL = site.url
    estate = Estate.objects.get(slug="jiudayuan")  # 九大院
    estate_name = estate.name_zh_hans

    # The resident, on a phone, in Chinese.
    phone = new_context(locale="zh-CN").new_page()
    phone.goto(estate.get_absolute_url())
    phone.get_by_role("link", name="关注本小区").click()
    phone.get_by_label("您的电子邮箱或手机号").fill("resident@example.org")
    phone.locator("input[name=consent]").check()
    shot(phone, "follow-form")
    phone.get_by_role("button", name="关注", exact=True).click()
    expect(phone.locator("h1")).to_have_text("请查收电子邮件")

    recipients, message = inbox.wait(1)
    assert recipients == ["resident@example.org"]
    link = re.search(r"https?://\S+/follow/confirm/\S+", _text(message)).group(0)
    phone.goto(link)
    phone.get_by_role("button", name="是的，开始关注").click()
    expect(phone.get_by_role("status")).to_contain_text(estate_name)
    assert Follow.objects.get().confirmed_at is not None

    # A clerk changes the compound's reported stage in the admin.
    get_user_model().objects.create_superuser("clerk", "", PASSWORD)
    desk = desk_page(browser, site.url, "clerk", PASSWORD, locale="zh-CN")
    desk.goto(f"/admin/estates/estate/{estate.pk}/change/")
    stage = next(value for value in Stage.values if value != estate.stage)
    membership = desk.locator("select[name$='-reported_stage']").first
    membership.select_option(stage)
    desk.locator("input[name=_continue]").click()
    expect(desk.locator(".messagelist .success")).to_be_visible()
    desk.context.close()
    estate.refresh_from_db()
    assert estate.stage == stage

    recipients, message = inbox.wait(2)
    text = _text(message)
    assert recipients == ["resident@example.org"]
    with translation.override("zh-hans"):
        label = str(Stage(stage).label)
    assert label in text
    assert estate_name in text
    stop = re.search(r"https?://\S+/follow/stop/\S+/", text).group(0)

    # The stop link, in a new browser with no session.
    stranger = new_context(locale="zh-CN").new_page()
    stranger.goto(stop)
    stranger.get_by_role("button", name=re.compile("退订")).first.click()
    expect(stranger.locator("h1")).to_have_text("已退订")
    shot(stranger, "follow-stopped")
    assert not Follow.objects.exists()


class FakeSmsProvider(BaseHTTPRequestHandler):
    """An HTTP SMS provider's shape of API: JSON in, 200 out."""

    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass

    @classmethod
    def wait(cls, count, timeout=15):
        deadline = time.monotonic() + timeout
        while len(cls.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(cls.received) >= count, cls.received
        return cls.received[count - 1]


@pytest.fixture
def sms(settings):
    FakeSmsProvider.received = []
    server = HTTPServer(("127.0.0.1", 0), FakeSmsProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_API_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_API_KEY = "browser-test"
    # Whatever the hour the test runs at in China: no quiet hours here.
    settings.SMS_QUIET_START_HOUR, settings.SMS_QUIET_END_HOUR = 24, 0
    yield FakeSmsProvider
    server.shutdown()
    server.server_close()


def test_a_resident_follows_by_sms_and_hears_of_a_reply_to_feedback(
    site, new_context, browser, sms, settings
):
    settings.PORTAL_BASE_URL = site.url
    estate = Estate.objects.get(slug="jiudayuan")  # 九大院

    # Following by text message: the code arrives through the provider.
    phone = new_context(locale="zh-CN").new_page()
    phone.goto(reverse("follows:follow-estate", kwargs={"slug": estate.slug}))
    phone.locator("input[name=channel][value=sms]").check()
    phone.get_by_label("您的电子邮箱或手机号").fill("138 1234 5678")
    phone.locator("input[name=consent]").check()
    phone.get_by_role("button", name="关注", exact=True).click()
    expect(phone.locator("h1")).to_have_text("输入验证码")
    code = re.search(r"\b(\d{6})\b", sms.wait(1)["text"]).group(1)
    assert sms.received[0]["to"] == "13812345678"
    phone.get_by_label("短信中的六位验证码").fill(code)
    phone.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("status")).to_contain_text("已确认")

    # Feedback with a phone number and consent, then a public reply.
    phone.goto(reverse("feedback:feedback-new") + f"?estate={estate.slug}")
    phone.locator("select[name=category]").select_option(index=1)
    phone.locator("textarea[name=text]").fill("三号楼门口的路灯不亮。")
    phone.locator("input[name=phone]").fill("13912345678")
    phone.locator("input[name=consent]").check()
    phone.locator(".feedback-form button[type=submit]").click()
    reference = phone.locator(".reference").inner_text()

    get_user_model().objects.create_superuser("clerk", "", PASSWORD)
    desk = desk_page(browser, site.url, "clerk", PASSWORD, locale="zh-CN")
    feedback = Feedback.objects.get(reference=reference)
    desk.goto(reverse("admin:governance_feedback_change", args=[feedback.pk]))
    desk.locator("textarea[name=reply_text]").fill("已安排维修，明天修好。")
    desk.locator("input[name=reply_is_public]").check()
    desk.locator("input[name=_continue]").click()
    expect(desk.locator(".messagelist .success")).to_be_visible()
    desk.context.close()

    told = sms.wait(2)
    assert told["to"] == "13912345678"
    assert reference in told["text"]
    assert "已安排维修" not in told["text"]  # the reply is read on the page
