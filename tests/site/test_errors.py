"""Translated error pages: 404 inside the site's layout, 500 standing alone."""

from http import HTTPStatus

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.template.loader import get_template
from django.urls import path
from django.utils import translation

pytestmark = pytest.mark.django_db


def fail(request):
    raise RuntimeError("a fault for the 500 page test")


# The URL configuration of the tests marked urls(__name__): one failing page,
# in both languages like the site's own.
urlpatterns = i18n_patterns(path("fail/", fail), prefix_default_language=False)


def test_404_is_in_english_under_en(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert '<html lang="en">' in response.text
    assert "<h1>Page not found</h1>" in response.text


def test_404_is_in_chinese_without_prefix(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert '<html lang="zh-Hans">' in response.text


def test_404_for_an_unknown_estate_uses_the_site_page(client):
    response = client.get("/en/estates/no-such-estate/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "<h1>Page not found</h1>" in response.text


def test_404_offers_the_compound_search_and_the_way_home(client):
    text = client.get("/en/no-such-page/").text
    assert 'action="/en/estates/"' in text
    assert 'href="/en/">Go to the home page</a>' in text


@pytest.mark.urls(__name__)
def test_500_is_in_english_under_en(client):
    client.raise_request_exception = False
    response = client.get("/en/fail/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert '<html lang="en">' in response.text
    assert "<h1>Something went wrong</h1>" in response.text
    assert 'href="/en/"' in response.text


@pytest.mark.urls(__name__)
def test_500_is_in_chinese_without_prefix(client):
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert '<html lang="zh-Hans">' in response.text
    assert 'href="/"' in response.text


def test_500_renders_without_request_or_database(django_assert_num_queries):
    with translation.override("en"), django_assert_num_queries(0):
        text = get_template("500.html").render()
    assert "Something went wrong" in text
