"""No public page is wider than a phone's screen, in either language or mode:
a page that scrolls sideways hides half of every line from an elderly
resident. A wide table may scroll inside its own box; the page may not."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from estates.models import Estate
from tests.browser.layout import WIDER_THAN_SCREEN
from tests.governance.factories import FeedbackFactory, SurveyFactory
from tests.public_pages import NOT_FOUND, PAGES, follow_placeholders

pytestmark = pytest.mark.browser

WIDTHS = (320, 390)


# Error pages a resident can meet without a link to them: a form refused for
# its expired token (the server's own answer to a POST), a server error, and
# the page shown while the database is down.
ERROR_PAGES = ("403-csrf", "500", "503")


@pytest.fixture
def records(site):
    """What the {names} in PAGES stand for."""
    estate = Estate.objects.select_related("community__subdistrict__district").get(
        slug="jiudayuan"
    )
    SurveyFactory(estate=estate, opens_on=timezone.localdate() - datetime.timedelta(1))
    subdistrict = estate.community.subdistrict
    return {
        "survey": estate.slug,
        "reference": FeedbackFactory(estate=estate).reference,
        "subdistrict": subdistrict.pk,
        "district": subdistrict.district_id,
        **follow_placeholders(estate),
    }


def _serve(body: str):
    def handler(route, request):
        route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8")

    return handler


def _serve_error_pages(context, site):
    """Each error page at an address of its own, in each language, as the
    server sends it."""
    for prefix, language in (("/", "zh-hans"), ("/en/", "en")):
        refused = context.request.post(
            f"{site.url}{prefix}feedback/new/?estate=jiudayuan", form={"text": "x"}
        )
        assert refused.status == 403
        with translation.override(language):
            bodies = {
                "403-csrf": refused.text(),
                "500": render_to_string("500.html"),
                "503": render_to_string("503.html"),
            }
        for name, body in bodies.items():
            context.route(f"{site.url}{prefix}error-page/{name}/", _serve(body))


@pytest.mark.parametrize("width", WIDTHS)
def test_no_public_page_scrolls_sideways_on_a_phone(
    new_context, site, records, shot, width
):
    paths = [(path.format(**records), path in NOT_FOUND) for path in PAGES]
    paths += [(f"error-page/{name}/", False) for name in ERROR_PAGES]
    failures = []
    for elder in (False, True):
        context = new_context()
        if elder:
            context.add_cookies([{"name": "elder_mode", "value": "1", "url": site.url}])
        _serve_error_pages(context, site)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        for prefix in ("/", "/en/"):
            for path, not_found in paths:
                response = page.goto(prefix + path)
                # Each page is the page meant, not an error in its place; the
                # 404 page is a page too.
                expected = 404 if not_found else 200
                if response.status != expected:
                    failures.append(f"{prefix}{path}: {response.status}")
                found = page.evaluate(WIDER_THAN_SCREEN)
                if width == 390:  # for a person to look at
                    mode = "elder" if elder else "normal"
                    language = "en" if prefix == "/en/" else "zh"
                    name = path.split("?")[0].strip("/").replace("/", "-") or "home"
                    shot(page, f"{language}-{mode}-{name}")
                if found["scroll"] > found["width"] or found["wide"]:
                    mode = "elder" if elder else "normal"
                    failures.append(f"{prefix}{path} ({mode}, {width} px): {found}")
    assert not failures, "\n".join(failures)
