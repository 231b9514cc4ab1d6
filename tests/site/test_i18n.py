"""Both languages: Chinese at /, English at /en/, switch and fallbacks."""

from http import HTTPStatus

import pytest
from django.conf import settings

from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


def test_home_is_chinese_without_prefix(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="zh-Hans">' in response.text
    assert "查找您的小区，了解改造进展" in response.text


def test_home_is_english_under_en(client):
    response = client.get("/en/")
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="en">' in response.text
    assert "Find your compound, see how far its renovation has come" in response.text


def test_unprefixed_url_stays_chinese_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-Hans">' in response.text


def test_pages_link_both_languages_with_hreflang(client):
    estate = EstateFactory(name_zh_hans="九大院")
    response = client.get(f"/en/estates/{estate.slug}/")
    assert (
        f'hreflang="zh-Hans" href="http://testserver/estates/{estate.slug}/"'
        in response.text
    )
    assert (
        f'hreflang="en" href="http://testserver/en/estates/{estate.slug}/"'
        in response.text
    )
    assert 'hreflang="x-default"' in response.text


def test_language_switch_stays_on_the_same_page(client):
    estate = EstateFactory(name_zh_hans="九大院")
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": f"/en/estates/{estate.slug}/"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"/en/estates/{estate.slug}/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_switch_form_on_a_chinese_page_targets_the_english_page(client):
    estate = EstateFactory(name_zh_hans="九大院")
    response = client.get(f"/estates/{estate.slug}/")
    assert f'name="next" value="/en/estates/{estate.slug}/"' in response.text


def test_english_page_falls_back_to_chinese_and_says_so(client):
    estate = EstateFactory(name_zh_hans="九大院", name_en="")
    response = client.get(f"/en/estates/{estate.slug}/")
    assert '<span lang="zh-Hans">九大院</span>' in response.text
    assert "(in Chinese; not yet translated)" in response.text


def test_english_page_shows_english_content_when_given(client):
    estate = EstateFactory(
        name_zh_hans="九大院",
        name_en="Jiudayuan",
        community__name_zh_hans="测试社区",
        community__name_en="Test Community",
    )
    response = client.get(f"/en/estates/{estate.slug}/")
    assert "<h1>Jiudayuan</h1>" in response.text
    assert "not yet translated" not in response.text


def test_undisclosed_figures_say_so_in_both_languages(client):
    estate = EstateFactory(households=None)
    zh = client.get(f"/estates/{estate.slug}/")
    en = client.get(f"/en/estates/{estate.slug}/")
    assert "未公开" in zh.text
    assert "not disclosed" in en.text


def test_unknown_page_is_404_in_both_languages(client):
    assert client.get("/estates/no-such-estate/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/en/estates/no-such-estate/").status_code == (
        HTTPStatus.NOT_FOUND
    )
