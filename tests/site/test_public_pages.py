"""The phone-width browser test covers every public page: a page added to the
URLs must be added to tests/public_pages.py too (issue 16, item 3)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, get_resolver, resolve
from django.urls.resolvers import URLResolver

from tests.public_pages import NOT_PAGES, PAGES

SAMPLE = {
    "survey": "jiudayuan",
    "reference": "ABCD-EFGH",
    "subdistrict": 1,
    "district": 1,
    "follow": "a-follower-token",
    "ticket": "a-signed-ticket",
}


def _public_names(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith((settings.ADMIN_URL, "api/", "bench/", "^media")):
            continue
        if isinstance(pattern, URLResolver):
            yield from _public_names(pattern.url_patterns, route)
        elif pattern.name:
            yield pattern.name


def _name(path: str) -> str | None:
    try:
        return resolve(urlsplit("/" + path.format(**SAMPLE)).path).url_name
    except Resolver404:
        return None  # the 404 page


def test_every_public_page_is_in_the_phone_width_list():
    listed = {_name(path) for path in PAGES}
    public = set(_public_names(get_resolver().url_patterns))
    missing = public - listed - set(NOT_PAGES)
    assert not missing, (
        f"public pages not in tests/public_pages.py (add a path, or to NOT_PAGES "
        f"with the reason it is not a page): {sorted(missing)}"
    )
    assert set(NOT_PAGES) <= public, "NOT_PAGES names an address that is gone"


def test_the_list_names_no_page_twice():
    assert len(PAGES) == len(set(PAGES))
