"""A subdistrict's clerk at a desk, in Chinese, and what residents then see
on a phone (issue 16, items 2, 9, 10, 12 and 13 in a browser): sample steps
made from the template are marked as samples on the public page in both
languages; the checklist updates steps in one save and refuses a done step
without its date; the history gives the stage's change and its reason in the
reader's language; the admin shows no English; a page the clerk may not open
is an admin page in Chinese that says where to go."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from estates.models import Estate, StepStatus
from staff.models import StaffAssignment
from staff.roles import SUBDISTRICT_ADMINISTRATOR, roles_setup
from tests.browser.staff import desk_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"
# What a Chinese-reading clerk must never meet in the admin.
ENGLISH_LEFTOVERS = ("OTP_TOTP", "TOTP device", "[ZH-HANS]", "CHANGES", "Can add")


@pytest.fixture
def clerk_page(browser, site):
    estate = Estate.objects.get(slug="jiudayuan")
    roles_setup()
    user = get_user_model().objects.create_user(
        username="clerk", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUBDISTRICT_ADMINISTRATOR))
    StaffAssignment.objects.create(user=user).subdistricts.add(
        estate.community.subdistrict
    )
    page = desk_page(browser, site.url, "clerk", PASSWORD, locale="zh-CN")
    yield page
    page.context.close()


def _no_english(page):
    text = page.locator("body").inner_text()
    found = [word for word in ENGLISH_LEFTOVERS if word in text]
    assert not found, f"{page.url}: {found}"


def test_a_clerk_creates_confirms_and_reads_the_steps(clerk_page, new_context, shot):
    page = clerk_page
    estate = Estate.objects.get(slug="jiudayuan")
    _no_english(page)

    # Item 2: steps from the template, then the public page marks them.
    page.goto("/admin/estates/estate/?q=九大院")
    page.locator(f"input.action-select[value='{estate.pk}']").check()
    page.select_option("select[name=action]", "create_default_steps")
    page.locator(".actions button[type=submit]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert estate.steps.filter(is_sample=True).count() > 10
    phone = new_context().new_page()
    for prefix, words in (("/", "样例，未确认"), ("/en/", "sample, not confirmed")):
        phone.goto(f"{prefix}estates/jiudayuan/")
        expect(phone.get_by_text(words).first).to_be_visible()
        shot(phone, f"samples-{prefix.strip('/') or 'zh'}")

    # Item 13: the checklist, one save for several steps; a done step needs
    # its date, and a refused save keeps nothing.
    page.goto(reverse("admin:estates_estate_checklist", args=[estate.pk]))
    first, second = estate.steps.order_by("number")[:2]
    row = page.locator(f"#step-{first.pk}")
    row.locator("select[name$='-status']").select_option(StepStatus.DONE)
    page.locator(f"#step-{second.pk} input[name$='-planned_on']").fill("2030-01-15")
    page.locator(".submit-row [type=submit]").click()
    expect(row.locator(".errorlist")).to_be_visible()
    shot(page, "checklist-refused")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.planned_on) == (StepStatus.PENDING, None)
    _no_english(page)

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    row = page.locator(f"#step-{first.pk}")
    row.locator("select[name$='-status']").select_option(StepStatus.DONE)
    row.locator("input[name$='-done_on']").fill(yesterday.isoformat())
    page.locator(".submit-row [type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.done_on) == (StepStatus.DONE, yesterday)
    assert str(second.planned_on) == "2030-01-15"

    # Item 12: the history says the stage changed, and why, in Chinese; the
    # same record reads in English for an English reader.
    history = reverse("admin:estates_estate_history", args=[estate.pk])
    page.goto(history)
    expect(page.locator("#change-history")).to_contain_text("根据实施步骤推算的阶段")
    shot(page, "history")
    _no_english(page)
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": page.url}]
    )
    page.goto(history)
    expect(page.locator("#change-history")).to_contain_text(
        "Stage worked out from the steps"
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": page.url}]
    )

    # Item 10: a page outside the clerk's permissions is an admin page in
    # Chinese that says what happened and links back.
    response = page.goto("/admin/auth/user/")
    assert response.status == 403
    expect(page.locator("#content")).to_contain_text("您无权打开此页面")
    expect(page.locator("#header")).to_be_visible()
    shot(page, "forbidden")
