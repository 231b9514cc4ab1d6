"""`make bench` measures every public URL pattern (issue 17, item 4): a page
added to the URLs must be added to bench/bench.py's ``endpoints()``, or to its
``NOT_MEASURED`` with the reason (a sitemap, for instance, is one more
Endpoint)."""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import get_resolver, resolve
from django.urls.resolvers import URLResolver

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench"))
bench = pytest.importorskip("bench")


def _public_names(patterns, prefix="", namespace=""):
    """The view name of every public URL pattern: not the admin, the
    benchmark's own view, media files, or the API's unnamed catch-all."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith((settings.ADMIN_URL, "bench/", "^media")):
            continue
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _public_names(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield namespace + pattern.name


def _measured() -> set[str]:
    # Every address the bench asks for resolves (an unknown API address to
    # the API's catch-all): a bench that measures a removed page fails too.
    return {
        resolve(urlsplit(endpoint.path).path).view_name
        for endpoint in bench.endpoints(bench.EXAMPLE_TARGETS)
    }


def test_every_public_url_pattern_is_measured_by_the_bench():
    public = set(_public_names(get_resolver().url_patterns))
    missing = public - _measured() - set(bench.NOT_MEASURED)
    assert not missing, (
        "public URL patterns that `make bench` does not measure (add an Endpoint "
        f"to bench/bench.py's endpoints(), or to NOT_MEASURED with why): "
        f"{sorted(missing)}"
    )


def test_the_bench_excuses_only_patterns_that_exist():
    public = set(_public_names(get_resolver().url_patterns))
    assert set(bench.NOT_MEASURED) <= public


def test_the_bench_judges_pages_and_api_answers_by_their_size():
    endpoints = bench.endpoints(bench.EXAMPLE_TARGETS)
    unsized = {e.path for e in endpoints if not e.sized}
    assert all(
        path.startswith(("/events.ics", "/programmes/compare.csv")) for path in unsized
    )
    big = bench.endpoint_row(
        endpoints[0],
        {
            "status": [200],
            "p95_ms": 5.0,
            "p50_ms": 4.0,
            "queries": [3],
            "bytes": 300 * 1024,
        },
    )
    assert big.verdict == "MISS"
    assert "300 KB" in big.figure
