"""No request leaves the machine: fonts, scripts, styles and pictures are all
served by the site itself (issue 3, item 10)."""

from http import HTTPStatus
from urllib.parse import urlsplit

import pytest

from tests.browser.test_accessibility import PAGES, PREFIXES

pytestmark = pytest.mark.browser

# Addresses the browser resolves itself, without a request on the network.
LOCAL_SCHEMES = {"data", "blob", "about"}


def test_pages_request_nothing_but_the_site_itself(context, site):
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()

    for prefix in PREFIXES:
        for path in PAGES.values():
            response = page.goto(prefix + path, wait_until="networkidle")
            assert response.status == HTTPStatus.OK, f"{prefix}{path}"

    site_host = urlsplit(site.url).netloc
    assert any(urlsplit(url).path.startswith("/static/") for url in requested)
    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in LOCAL_SCHEMES
        and urlsplit(url).netloc != site_host
    ]
    assert elsewhere == []
