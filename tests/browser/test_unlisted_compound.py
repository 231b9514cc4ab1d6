"""A newcomer whose compound is not in the register tells the office about it
on a phone, and a clerk of that subdistrict turns the feedback into a new
compound from the admin (issue 16, item 1 and "done when")."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from estates.models import Estate
from governance.models import Feedback
from staff.models import StaffAssignment
from staff.roles import SUBDISTRICT_ADMINISTRATOR, roles_setup
from tests.browser.staff import desk_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-9"
NAME = "测试新村"
ADDRESS = "测试路12号"


@pytest.fixture
def office(site):
    """The subdistrict of a loaded compound, and an administrator of it."""
    from django.contrib.auth.models import Group

    subdistrict = Estate.objects.get(slug="jiudayuan").community.subdistrict
    roles_setup()
    user = get_user_model().objects.create_user(
        username="clerk", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUBDISTRICT_ADMINISTRATOR))
    StaffAssignment.objects.create(user=user).subdistricts.add(subdistrict)
    return subdistrict


@pytest.mark.parametrize("prefix", ["/", "/en/"])
def test_a_newcomer_reports_an_unlisted_compound_and_a_clerk_creates_it(
    browser, new_context, site, office, shot, prefix
):
    english = prefix == "/en/"
    page = new_context().new_page()

    # The resident searches, finds nothing, and says so.
    page.goto(f"{prefix}estates/?q={NAME}")
    shot(page, "search-miss")
    page.get_by_role(
        "link",
        name="My compound is not listed: tell the office"
        if english
        else "我的小区未登记：向街道办反映",
    ).click()

    # Which subdistrict: typed in part, then chosen from the matches.
    page.fill("#feedback-place-q", office.name_zh_hans[:2])
    page.locator("#feedback-place-q").press("Enter")
    shot(page, "subdistrict-step")
    page.locator(".choice-list a").first.click()

    # The form: the name typed in the search came along.
    expect(page.locator("#id_unlisted_name")).to_have_value(NAME)
    page.fill("#id_unlisted_address", ADDRESS)
    page.select_option("#id_category", "lighting")
    page.fill("#id_text", "小区里的路灯坏了三天")
    shot(page, "form")
    page.locator(".feedback-form button[type=submit]").click()
    expect(page.locator(".reference")).to_be_visible()
    shot(page, "sent")
    feedback = Feedback.objects.get()
    assert (feedback.estate, feedback.subdistrict) == (None, office)

    # The clerk, at a desk: the dashboard points at it.
    admin = desk_page(
        browser, site.url, "clerk", PASSWORD, locale="en" if english else "zh-CN"
    )
    admin.locator(".dashboard-unlisted a").click()
    admin.get_by_role("link", name=feedback.reference).click()
    shot(admin, "feedback-in-admin")
    admin.locator(".field-create_compound a.button").click()
    expect(admin.locator("#id_name_zh_hans")).to_have_value(NAME)
    expect(admin.locator("#id_address_zh_hans")).to_have_value(ADDRESS)
    admin.locator("#id_community").select_option(index=1)
    shot(admin, "create-compound")
    admin.locator(".submit-row [type=submit]").click()

    expect(admin.locator(".messagelist .success")).to_contain_text(feedback.reference)
    shot(admin, "created")
    estate = Estate.objects.get(name_zh_hans=NAME)
    feedback.refresh_from_db()
    assert feedback.estate == estate
    assert estate.community.subdistrict == office

    # The resident's page now names the compound.
    page.goto(f"{prefix}feedback/{feedback.reference}/")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    admin.context.close()
