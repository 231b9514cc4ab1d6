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
    "button, input:not([type=hidden]), select, textarea, summary, .menu-button"))
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
    menu = page.locator(".menu-button")
    if menu.count() and menu.is_visible():
        # Elder mode on a phone: the switch is in the menu.
        menu.click()
    page.locator("form.elder-toggle").get_by_role("button").click()
    page.wait_for_load_state()


HEADER_BOTTOM = (
    "() => document.querySelector('.site-header').getBoundingClientRect().bottom"
)


@pytest.mark.parametrize("path", [ESTATE_ZH, ESTATE_EN, "/en/feedback/new/"])
def test_elder_mode_on_a_phone_leaves_the_first_screen_to_the_page(
    any_page, site, shot, path
):
    any_page.context.add_cookies(
        [{"name": "elder_mode", "value": "1", "url": site.url}]
    )
    any_page.goto(path)

    bottom = any_page.evaluate(HEADER_BOTTOM)
    shot(any_page, "closed")
    any_page.locator(".menu-button").click()
    shot(any_page, "open")

    # The site's name and a Menu button: a fifth of an 844 px screen at most
    # (it was 385 px in English with every control on show).
    assert bottom <= 844 / 5, bottom
    expect(any_page.locator("form.elder-toggle button")).to_be_visible()
    expect(any_page.locator(".main-nav a").first).to_be_visible()
    expect(any_page.locator("main h1")).to_be_visible()


def test_the_menu_says_whether_it_is_open(new_context, site):
    page = new_context().new_page()
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": site.url}])
    page.goto(ESTATE_EN)
    menu = page.locator(".menu-button")

    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(menu).to_have_text("Close the menu")
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".main-nav")).to_be_hidden()


def test_a_wide_screen_in_elder_mode_keeps_its_whole_header(new_context, site):
    page = new_context().new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": site.url}])
    page.goto(ESTATE_EN)

    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.locator(".main-nav a").first).to_be_visible()


def body_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.body).fontSize")[:-2])


def test_elder_mode_gives_large_text_and_big_controls(any_page, site):
    any_page.goto(ESTATE_EN)
    expect(any_page.locator("body")).not_to_have_class(ELDER)

    toggle_elder_mode(any_page)

    expect(any_page).to_have_url(f"{site.url}{ESTATE_EN}")
    expect(any_page.locator("body")).to_have_class(ELDER)
    assert body_font_px(any_page) >= MIN_FONT_PX
    any_page.locator(".menu-button").click()  # on a phone, the tools are in it
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


SMALL_HEADINGS = """() => {
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  return [...document.querySelectorAll('main h1, main h2, main h3')]
    .filter(h => h.offsetParent !== null)
    .filter(h => parseFloat(getComputedStyle(h).fontSize) < body)
    .map(h => h.tagName + ' ' + h.innerText.slice(0, 30)
      + ' ' + getComputedStyle(h).fontSize + ' < ' + body + 'px');
}"""


def test_elder_mode_headings_are_never_smaller_than_its_text(elder_context):
    """An h3 sized in rem stayed 17.6 px under 22 px elder text."""
    page = elder_context.new_page()
    small = []
    for path in ("/", "/en/", "/estates/jiudayuan/", "/en/programmes/liyanglu/"):
        page.goto(path)
        small += [f"{path}: {found}" for found in page.evaluate(SMALL_HEADINGS)]
    assert not small, "\n".join(small)
