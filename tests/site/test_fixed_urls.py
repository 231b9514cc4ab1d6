"""The frame's fixed addresses are remembered per language and per URL
configuration, and forgotten when the settings they come from change
(renovation_portal/fixed_urls.py; issue 17, item 2)."""

from django.test import override_settings
from django.urls import path, reverse
from django.utils import translation

from renovation_portal.fixed_urls import fixed_url, static_url


def _page(request):  # pragma: no cover - never called, only reversed
    raise AssertionError


urlpatterns = [path("elsewhere/", _page, name="home")]


def test_each_language_gets_its_own_address():
    with translation.override("zh-hans"):
        chinese = fixed_url("programmes:programme-list")
        assert chinese == reverse("programmes:programme-list")
    with translation.override("en"):
        english = fixed_url("programmes:programme-list")
        assert english == reverse("programmes:programme-list")
    assert english == f"/en{chinese}"


def test_another_url_configuration_is_not_answered_from_memory():
    site = fixed_url("home")
    with override_settings(ROOT_URLCONF=__name__):
        assert fixed_url("home") == "/elsewhere/"
    assert fixed_url("home") == site


def test_a_static_file_follows_the_static_settings():
    with override_settings(STATIC_URL="/first/"):
        assert static_url("css/site.css").startswith("/first/")
    with override_settings(STATIC_URL="/second/"):
        assert static_url("css/site.css").startswith("/second/")
