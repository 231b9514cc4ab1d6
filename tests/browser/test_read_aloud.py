"""The "read this page aloud" button: the browser's own speech reads the main
content in the page's language; without JavaScript the button does not show."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Stands in for the speaker: keeps what the page asks the browser to say.
RECORD_SPEECH = """
window.spoken = [];
window.speechSynthesis.speak = (utterance) => {
  window.spoken.push({ text: utterance.text, lang: utterance.lang });
};
"""


@pytest.mark.parametrize(
    ("path", "name", "speech_lang"),
    [
        pytest.param("/estates/jiudayuan/", "九大院", "zh-CN", id="zh-hans"),
        pytest.param("/en/estates/jiudayuan/", "Jiudayuan", "en", id="en"),
    ],
)
def test_read_aloud_speaks_the_main_content_in_the_page_language(
    context, site, path, name, speech_lang
):
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.goto(path)

    page.locator("#read-aloud").click()

    spoken = page.evaluate("window.spoken")
    assert spoken[0] == {"text": name, "lang": speech_lang}
    assert len(spoken) > 1
    brand = page.locator(".site-header .brand").inner_text()
    assert brand not in [part["text"] for part in spoken]


def test_read_aloud_button_stays_hidden_without_javascript(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/estates/jiudayuan/")

    expect(page.locator("#read-aloud")).to_be_hidden()
    expect(page.locator("form.elder-toggle").get_by_role("button")).to_be_visible()


@pytest.mark.parametrize("path", ["/estates/jiudayuan/", "/en/estates/jiudayuan/"])
def test_showing_the_button_does_not_push_the_page_down(new_context, site, path):
    """The button appears once the script runs; its place is kept before, so the
    page does not jump on a phone (Lighthouse counted a layout shift in English,
    whose longer label made the header wrap)."""
    before = new_context(java_script_enabled=False).new_page()  # phone-sized
    before.goto(path)
    after = new_context().new_page()
    after.goto(path)

    expect(after.locator("#read-aloud")).to_be_visible()
    top = "document.querySelector('main').getBoundingClientRect().top"
    assert after.evaluate(top) == before.evaluate(top)
