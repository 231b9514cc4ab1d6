"""Elder mode (长辈模式): one tap, remembered by a cookie, works without
JavaScript; and the read-aloud button the browser's speech drives."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
JS = Path(__file__).resolve().parents[2] / "static" / "js" / "read-aloud.js"
A_YEAR = 365 * 24 * 60 * 60


def test_turning_elder_mode_on_sets_the_cookie_for_a_year(client):
    response = client.post("/elder-mode/", {"elder_mode": "1", "next": "/en/"})
    cookie = response.cookies["elder_mode"]
    assert cookie.value == "1"
    assert cookie["max-age"] == A_YEAR
    assert cookie["samesite"] == "Lax"


def test_turning_elder_mode_off_sets_the_cookie_to_zero(client):
    client.cookies["elder_mode"] = "1"
    response = client.post("/elder-mode/", {"elder_mode": "0", "next": "/"})
    assert response.cookies["elder_mode"].value == "0"


def test_elder_mode_goes_back_to_the_page_it_came_from(client):
    response = client.post(
        "/elder-mode/", {"elder_mode": "1", "next": "/en/case-study/?print=1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/en/case-study/?print=1"


@pytest.mark.parametrize(
    "next_url", ["https://example.com/", "//example.com/", "javascript:alert(1)"]
)
def test_elder_mode_refuses_to_go_to_another_site(client, next_url):
    response = client.post("/elder-mode/", {"elder_mode": "1", "next": next_url})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/"
    assert response.cookies["elder_mode"].value == "1"


def test_elder_mode_without_next_goes_home(client):
    response = client.post("/elder-mode/", {"elder_mode": "1"})
    assert response.url == "/"


def test_elder_mode_cannot_be_switched_by_a_link(client):
    response = client.get("/elder-mode/", {"elder_mode": "1"})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "elder_mode" not in response.cookies


@pytest.mark.parametrize("path", ["/", "/en/", "/programmes/", "/en/programmes/"])
def test_body_is_marked_elder_when_the_cookie_is_on(client, path):
    client.cookies["elder_mode"] = "1"
    assert '<body class="elder">' in client.get(path).text


@pytest.mark.parametrize("value", [None, "0", "yes"])
def test_body_is_plain_unless_the_cookie_is_on(client, value):
    if value is not None:
        client.cookies["elder_mode"] = value
    assert "<body>" in client.get("/en/").text


def test_header_offers_to_turn_elder_mode_on(client):
    text = client.get("/en/lanes/").text
    form = text[text.index('<form class="elder-toggle"') : text.index("</form>")]
    assert 'action="/elder-mode/" method="post"' in form
    assert 'name="next" value="/en/lanes/"' in form
    assert 'name="elder_mode" value="1"' in form
    assert "Turn on elder mode" in form


def test_header_offers_to_turn_elder_mode_off_when_on(client):
    client.cookies["elder_mode"] = "1"
    text = client.get("/en/").text
    assert 'name="elder_mode" value="0"' in text
    assert "Turn off elder mode" in text


def test_elder_toggle_is_a_real_form_that_works_without_javascript(client):
    text = client.get("/").text
    form = text[text.index('<form class="elder-toggle"') : text.index("</form>")]
    assert 'method="post"' in form
    assert '<button type="submit">' in form


def test_elder_toggle_carries_no_per_visitor_token_so_pages_can_be_cached(client):
    # The toggle is checked by its Origin instead (preferences.preference_post).
    text = client.get("/").text
    assert "csrfmiddlewaretoken" not in text


def test_elder_toggle_from_this_site_works_with_csrf_checks_on():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/elder-mode/",
        {"elder_mode": "1", "next": "/en/"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.cookies["elder_mode"].value == "1"


@pytest.mark.parametrize("path", ["/elder-mode/", "/i18n/setlang/"])
def test_preference_forms_sent_from_another_site_are_refused(path):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        path,
        {"elder_mode": "1", "language": "en", "next": "/"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not response.cookies


@pytest.mark.parametrize(("path", "voice"), [("/", "zh-CN"), ("/en/", "en")])
def test_read_aloud_button_speaks_the_page_language(client, path, voice):
    text = client.get(path).text
    button = re.search(r'<button[^>]*id="read-aloud"[^>]*>', text).group(0)
    assert f'data-speech-lang="{voice}"' in button
    # Hidden until the script finds speech synthesis in the browser.
    assert " hidden " in button


def test_read_aloud_script_is_deferred_and_local(client):
    text = client.get("/en/").text
    assert '<script src="/static/js/read-aloud.js" defer></script>' in text


def test_read_aloud_script_reads_main_with_the_browser_speech():
    script = JS.read_text()
    assert "speechSynthesis" in script
    assert 'document.querySelector("main")' in script
    assert "button.hidden = false" in script
    assert "fetch(" not in script and "XMLHttpRequest" not in script


def px(rule: str, prop: str) -> int:
    return int(re.search(rf"{prop}: (\d+)px", rule).group(1))


def test_normal_text_is_at_least_18px():
    css = CSS.read_text()
    body = re.search(r"\nbody \{[^}]*\}", css).group(0)
    assert px(body, "font") >= 18


def test_elder_text_is_at_least_22px_and_controls_48px():
    css = CSS.read_text()
    elder = re.search(r"body\.elder \{[^}]*\}", css).group(0)
    controls = re.search(r"body\.elder button[^{]*\{[^}]*\}", css).group(0)
    assert px(elder, "font-size") >= 22
    assert px(controls, "min-height") >= 48
