"""The header's language switch stays on the same page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_language_switch_goes_to_the_same_estate_page_in_english(page, site):
    page.goto("/estates/jiudayuan/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.locator(".lang-switch").get_by_role("button", name="English").click()

    expect(page).to_have_url(f"{site.url}/en/estates/jiudayuan/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jiudayuan")


def test_language_switch_goes_back_to_the_same_estate_page_in_chinese(page, site):
    page.goto("/en/estates/jiudayuan/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(".lang-switch").get_by_role("button", name="中文").click()

    expect(page).to_have_url(f"{site.url}/estates/jiudayuan/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("九大院")
