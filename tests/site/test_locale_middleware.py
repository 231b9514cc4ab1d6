"""The language of paths outside i18n_patterns follows the visitor's choice;
the site's unprefixed pages stay Chinese."""

import pytest
from django.conf import settings

from renovation_portal.middleware import outside_i18n_patterns

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/i18n/setlang/"])
def test_admin_and_language_switch_lie_outside_i18n_patterns(path):
    assert outside_i18n_patterns(path)


@pytest.mark.parametrize("path", ["/", "/estates/", "/en/", "/en/estates/"])
def test_site_pages_lie_inside_i18n_patterns(path):
    assert not outside_i18n_patterns(path)


def test_admin_answers_in_the_language_of_the_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/admin/login/")

    assert response.headers["Content-Language"] == "en"
    assert "Cookie" in response.headers["Vary"]


def test_admin_answers_in_the_browser_language_without_a_cookie(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "en"


def test_admin_answers_in_chinese_by_default(client):
    response = client.get("/admin/login/")

    assert response.headers["Content-Language"] == "zh-hans"


def test_unprefixed_site_page_stays_chinese_with_an_english_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/")

    assert response.headers["Content-Language"] == "zh-hans"
