"""Elder mode (长辈模式): one tap in the header gives large text and big
controls, the browser remembers it, and it works with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The body's class list holds "elder" (whatever other classes it has).
ELDER = re.compile(r"(^|\s)elder(\s|$)")

# Both languages: the same cookie and the same form serve them.
ESTATE_EN = "/en/estates/jiudayuan/"
ESTATE_ZH = "/estates/jiudayuan/"
MIN_FONT_PX = 22
MIN_CONTROL_PX = 48

# Every form control the reader can see, with its rendered height.
VISIBLE_CONTROLS = """() => Array.from(document.querySelectorAll(
    "button, input:not([type=hidden]), select, textarea, summary"))
  .filter((element) => element.getClientRects().length > 0)
  .map((element) => ({
    control: element.outerHTML.slice(0, 100),
    height: element.getBoundingClientRect().height,
  }))"""


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def any_page(request, new_context):
    """A page with JavaScript on, then off: elder mode is a plain form."""
    return new_context(java_script_enabled=request.param).new_page()


def toggle_elder_mode(page):
    page.locator("form.elder-toggle").get_by_role("button").click()
    page.wait_for_load_state()


def body_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.body).fontSize")[:-2])


def test_elder_mode_gives_large_text_and_big_controls(any_page, site):
    any_page.goto(ESTATE_EN)
    expect(any_page.locator("body")).not_to_have_class(ELDER)

    toggle_elder_mode(any_page)

    expect(any_page).to_have_url(f"{site.url}{ESTATE_EN}")
    expect(any_page.locator("body")).to_have_class(ELDER)
    assert body_font_px(any_page) >= MIN_FONT_PX
    controls = any_page.evaluate(VISIBLE_CONTROLS)
    assert controls
    too_small = [c for c in controls if c["height"] < MIN_CONTROL_PX]
    assert too_small == []


def test_elder_mode_survives_a_reload_and_other_pages(any_page, site):
    any_page.goto(ESTATE_ZH)
    toggle_elder_mode(any_page)

    cookies = {c["name"]: c["value"] for c in any_page.context.cookies()}
    assert cookies["elder_mode"] == "1"
    any_page.reload()
    expect(any_page.locator("body")).to_have_class(ELDER)
    any_page.goto("/en/")
    expect(any_page.locator("body")).to_have_class(ELDER)


def test_elder_mode_turns_off_again(any_page, site):
    any_page.goto(ESTATE_ZH)
    toggle_elder_mode(any_page)
    expect(any_page.locator("body")).to_have_class(ELDER)

    toggle_elder_mode(any_page)

    expect(any_page).to_have_url(f"{site.url}{ESTATE_ZH}")
    expect(any_page.locator("body")).not_to_have_class(ELDER)
    assert body_font_px(any_page) < MIN_FONT_PX
    any_page.reload()
    expect(any_page.locator("body")).not_to_have_class(ELDER)
