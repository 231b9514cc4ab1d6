"""The sitemap search engines read (issue 17, item 5): an index of a sitemap
per kind of page, every public page in both languages with its alternates,
its last change, paged without reading more than a page's records."""

import datetime
import importlib.util
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from estates.models import Estate
from sitewide import sitemaps
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    MergedCourtyardFactory,
    ProgrammeFactory,
)
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
ROOT = "http://testserver"


@pytest.fixture
def source_data():
    call_command("load_source_data", verbosity=0)


def _xml(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def _index(client) -> list[str]:
    root = _xml(client, "/sitemap.xml")
    return [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]


def _urls(client, sitemap_url) -> list[dict]:
    """Each <url> of a sitemap page: its address, last change and alternates."""
    root = _xml(client, sitemap_url.removeprefix(ROOT))
    return [
        {
            "loc": url.find("sm:loc", NS).text,
            "lastmod": getattr(url.find("sm:lastmod", NS), "text", None),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("xhtml:link", NS)
            },
        }
        for url in root.findall("sm:url", NS)
    ]


def _all_urls(client) -> list[dict]:
    return [url for page in _index(client) for url in _urls(client, page)]


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def small_pages(monkeypatch):
    """Two records a page (three programmes), so that a few make several pages."""
    for sitemap in (
        sitemaps.CompoundSitemap,
        sitemaps.CommunitySitemap,
        sitemaps.CourtyardSitemap,
        sitemaps.LaneSitemap,
    ):
        monkeypatch.setattr(sitemap, "limit", 2)
    monkeypatch.setattr(sitemaps.ProgrammeSitemap, "limit", 3)


def test_robots_txt_names_the_sitemap_by_its_absolute_address(client):
    response = client.get("/robots.txt")
    assert f"\nSitemap: {ROOT}/sitemap.xml\n" in response.text


def _pages(section: str, records, limit: int = 2) -> list[str]:
    """The addresses of the pages the records' ids fall on: ids ((p-1)*limit,
    p*limit] on page p (ids do not start at 1 on PostgreSQL)."""
    numbers = sorted({(record.pk - 1) // limit + 1 for record in records})
    base = f"{ROOT}/sitemap-{section}.xml"
    return [base if n == 1 else f"{base}?p={n}" for n in numbers]


def test_index_lists_every_page_of_every_section(client, small_pages):
    from estates.models import Community

    estates = EstateFactory.create_batch(5)
    courtyard = MergedCourtyardFactory()
    lane = LaneFactory()
    programme = ProgrammeFactory()
    assert _index(client) == [
        f"{ROOT}/sitemap-pages.xml",
        *_pages("programmes", [programme], limit=3),
        *_pages("compounds", estates),
        *_pages("communities", Community.objects.all()),
        *_pages("courtyards", [courtyard]),
        *_pages("lanes", [lane]),
    ]
    assert len(_pages("compounds", estates)) >= 3


def test_each_record_is_on_one_page_in_both_languages(client, small_pages):
    estates = EstateFactory.create_batch(5)
    pages = [
        [url["loc"] for url in _urls(client, page)]
        for page in _pages("compounds", estates)
    ]
    assert all(len(page) <= 2 * 2 for page in pages)
    assert [loc for page in pages for loc in page] == [
        f"{ROOT}{prefix}/estates/{estate.slug}/"
        for estate in estates
        for prefix in ("", "/en")
    ]


def test_index_skips_a_page_whose_records_are_all_deleted(client, small_pages):
    estates = EstateFactory.create_batch(8)
    pages = _pages("compounds", estates)
    gone = [e for e in estates if _pages("compounds", [e])[0] == pages[1]]
    Estate.objects.filter(pk__in=[e.pk for e in gone]).delete()
    listed = [page for page in _index(client) if "compounds" in page]
    assert listed == [pages[0], *pages[2:]]
    assert client.get(pages[1].removeprefix(ROOT)).status_code == 404


@pytest.mark.parametrize("page", ["0", "9", "two", "-1", "1.5", "9" * 30])
def test_a_page_that_lists_nothing_is_not_found(client, small_pages, page):
    response = client.get(f"/sitemap-compounds.xml?p={page}")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_section_is_not_found(client):
    assert client.get("/sitemap-feedback.xml").status_code == HTTPStatus.NOT_FOUND


def test_each_page_gives_each_records_last_change(client, small_pages):
    estates = EstateFactory.create_batch(6)
    first, *_middle, last = _pages("compounds", estates)
    changed = timezone.make_aware(datetime.datetime(2026, 3, 5, 12))
    Estate.objects.update(updated_at=changed - datetime.timedelta(days=40))
    Estate.objects.filter(pk=estates[-1].pk).update(updated_at=changed)
    assert _urls(client, last)[-1]["lastmod"] == "2026-03-05"
    assert {url["lastmod"] for url in _urls(client, first)} == {"2026-01-24"}
    # In Beijing time: 12:00 is 04:00 GMT.
    response = client.get(last.removeprefix(ROOT))
    assert response["Last-Modified"] == "Thu, 05 Mar 2026 04:00:00 GMT"
    # The index gives each page of the section the section's latest change.
    root = _xml(client, "/sitemap.xml")
    lastmods = {
        item.find("sm:loc", NS).text: getattr(item.find("sm:lastmod", NS), "text", "")
        for item in root.findall("sm:sitemap", NS)
    }
    assert lastmods[first] == lastmods[last] == "2026-03-05"


def test_a_compound_that_reached_a_stage_is_listed_as_changed_that_day(
    client, small_pages
):
    estate = EstateFactory()
    long_ago = timezone.make_aware(datetime.datetime(2025, 6, 1, 9))
    Estate.objects.filter(pk=estate.pk).update(
        updated_at=long_ago, stage_reached_on=datetime.date(2026, 3, 5)
    )
    (page,) = _pages("compounds", [estate])
    assert {url["lastmod"] for url in _urls(client, page)} == {"2026-03-05"}
    root = _xml(client, "/sitemap.xml")
    (listed,) = [
        item.find("sm:lastmod", NS).text
        for item in root.findall("sm:sitemap", NS)
        if item.find("sm:loc", NS).text == page
    ]
    assert listed == "2026-03-05"


def test_every_url_names_both_languages_and_the_default(client, source_data):
    urls = _all_urls(client)
    assert len(urls) > 100
    for url in urls:
        alternates = url["alternates"]
        # As the pages' own <link rel="alternate"> write them.
        assert set(alternates) == {"zh-Hans", "en", "x-default"}, url
        assert alternates["x-default"] == alternates["zh-Hans"]
        assert _path(alternates["en"]) == "/en" + _path(alternates["zh-Hans"])
        assert url["loc"] in (alternates["zh-Hans"], alternates["en"])


def test_every_record_page_has_its_last_change(client, source_data):
    record_urls = [
        url
        for page in _index(client)
        if "sitemap-pages" not in page
        for url in _urls(client, page)
    ]
    assert record_urls
    assert all(
        datetime.date.fromisoformat(url["lastmod"]) <= timezone.localdate()
        for url in record_urls
    )


def test_the_sitemap_lists_every_record_with_a_page(client, source_data):
    from estates.models import Community, MergedCourtyard, Programme
    from lanes.models import Lane

    paths = {_path(url["loc"]) for url in _all_urls(client)}
    for model in (Estate, Community, MergedCourtyard, Lane, Programme):
        for record in model.objects.all():
            assert record.get_absolute_url() in paths
            assert "/en" + record.get_absolute_url() in paths


def test_a_sample_of_listed_pages_answer_in_both_languages(client, source_data):
    sample = []
    for page in _index(client):
        urls = _urls(client, page)
        # The fixed pages all; of each record section its first and last.
        sample += urls if "sitemap-pages" in page else urls[:2] + urls[-2:]
    assert len(sample) > 30
    for url in sample:
        response = client.get(_path(url["loc"]))
        assert response.status_code == HTTPStatus.OK, url["loc"]
        language = "en" if _path(url["loc"]).startswith("/en/") else "zh-Hans"
        assert f'<html lang="{language}"' in response.text


def test_the_sitemap_is_not_itself_indexed(client):
    assert client.get("/sitemap.xml")["X-Robots-Tag"].startswith("noindex")


@pytest.mark.parametrize("records", [1, 50])
def test_index_queries_do_not_grow_with_the_records(
    client, small_pages, django_assert_max_num_queries, records
):
    for _ in range(records):
        EstateFactory(community=CommunityFactory())
    # Per record section, its pages and its latest change.
    with django_assert_max_num_queries(10):
        client.get("/sitemap.xml")


@pytest.mark.parametrize("records", [1, 50])
def test_a_page_reads_its_records_in_one_query(
    client, small_pages, django_assert_max_num_queries, records
):
    last = _pages("compounds", EstateFactory.create_batch(records))[-1]
    with django_assert_max_num_queries(1) as captured:
        response = client.get(last.removeprefix(ROOT))
    assert response.status_code == HTTPStatus.OK
    # Read by a range of the primary key: no OFFSET, no count.
    (query,) = captured.captured_queries
    assert "OFFSET" not in query["sql"].upper()
    assert "COUNT(" not in query["sql"].upper()


def test_the_benchmark_asks_for_the_last_page_of_compounds():
    spec = importlib.util.spec_from_file_location(
        "bench_for_sitemap", settings.BASE_DIR / "bench" / "bench.py"
    )
    source = spec.loader.get_data(spec.origin).decode()
    (per_page,) = re.findall(r"^SITEMAP_COMPOUNDS_PER_PAGE = (\d+)$", source, re.M)
    assert int(per_page) == sitemaps.CompoundSitemap.limit
