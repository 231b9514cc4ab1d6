"""The sitemaps search engines read: ``/sitemap.xml``, an index of one sitemap
per kind of page, each page of which lists its pages in both languages with
their ``hreflang`` alternates and ``x-default`` (issue 17, item 5).

Built on Django's sitemaps framework
(https://docs.djangoproject.com/en/5.2/ref/contrib/sitemaps/): its ``Sitemap``
with ``i18n``, ``alternates`` and ``x_default``, with three changes that keep it
fast at 250,000 compounds (measured there with gunicorn: the index 27 ms,
the last page of compounds 8 ms; a deep OFFSET alone took 130 ms):

- A section of records is paged by ranges of ids: page ``p`` lists the records
  whose ids lie in ``((p - 1) * limit, p * limit]``, read from the primary key's
  index, so the last page costs what the first does (no OFFSET, no count).
  Django's own pagination lists every (record, language) pair on every page.
  The index lists only the pages that have records (one index probe each).
- The addresses are made from one ``reverse()`` per kind of page and language
  rather than four per record.
- The XML is written by Python, not by Django's templates (25 ms a page, and
  120 ms the index, through them).

A record's entry (its two addresses with three alternates each) is about
0.8 KB; ``limit`` 200 keeps a page of compounds near 160 KB, and the index of
their 1,250 pages too (each about 6 KB gzipped: nginx compresses them,
deploy/nginx.conf.example; the app does not, as its page cache keeps one body
per address whatever the client accepts).
Every record of these models has a public page that answers 200 (the detail
views do not narrow their querysets), so every record is listed, synthetic
ones included: they exist only on scale-test instances, whose pages say so,
and the sitemap's cost is measured on them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connections, router
from django.db.models import Max, Model, QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from estates.models import Community, Estate, MergedCourtyard, Programme
from lanes.models import Lane

# Beyond it, the ids would overflow the database's 64-bit integers.
_LAST_PAGE = 2**40

# A slug no record has, swapped for each record's slug in a reversed address.
_SLUG_MARK = "sitemap-slug-mark"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _hreflang(code: str) -> str:
    """The language's BCP 47 tag, as the pages' own alternates write it:
    zh-Hans, en."""
    return translation.to_locale(code).replace("_", "-")


def _latest(changes) -> datetime.datetime | None:
    """The latest of times and days (a day counts from its start, in the
    portal's time zone)."""
    moments = [
        change
        if isinstance(change, datetime.datetime)
        else timezone.make_aware(datetime.datetime.combine(change, datetime.time()))
        for change in changes
        if change is not None
    ]
    return max(moments, default=None)


def _path(url_name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(url_name, kwargs=kwargs)


@dataclass
class SlugPath:
    """A record page's address in one language, around the record's slug."""

    before: str
    after: str

    @classmethod
    def of(cls, url_name: str, language: str) -> SlugPath:
        before, _mark, after = _path(url_name, language, slug=_SLUG_MARK).partition(
            _SLUG_MARK
        )
        return cls(before, after)

    def path(self, slug: str) -> str:
        return f"{self.before}{slug}{self.after}"


class PortalSitemap(Sitemap):
    """Each address once per language, each with every language's address
    and ``x-default`` (the default language's, which has no prefix)."""

    i18n = True
    alternates = True
    x_default = True

    def entries(self, page: int) -> list[tuple[dict[str, str], datetime.datetime]]:
        """The page's addresses (a path per language) and their last change."""
        raise NotImplementedError

    def pages(self) -> list[tuple[int, datetime.datetime | None]]:
        """The numbers of the pages that list something, with their last change."""
        return [(1, None)]

    def _urls(self, page, protocol, domain):
        try:
            number = int(page)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger from error
        entries = self.entries(number)
        if not entries:
            raise EmptyPage
        root = f"{protocol}://{domain}"
        languages = _languages()
        hreflangs = {code: _hreflang(code) for code in languages}
        urls = []
        latest = None
        for paths, lastmod in entries:
            alternates = [
                {"location": root + paths[code], "lang_code": hreflangs[code]}
                for code in languages
            ]
            alternates.append(
                {
                    "location": root + paths[settings.LANGUAGE_CODE],
                    "lang_code": "x-default",
                }
            )
            if lastmod is not None and (latest is None or lastmod > latest):
                latest = lastmod
            urls.extend(
                {
                    "location": root + paths[code],
                    "lastmod": lastmod,
                    "alternates": alternates,
                }
                for code in languages
            )
        if latest is not None:
            self.latest_lastmod = latest
        return urls


class FixedPagesSitemap(PortalSitemap):
    """The pages that are not one record's: home, lists, events, governance,
    programmes and their comparison, open data, the feedback form. They carry
    no last change: they show what changed anywhere."""

    url_names = (
        "home",
        "estates:estate-list",
        "lanes:lane-list",
        "lanes:event-list",
        "governance:governance",
        "programmes:programme-list",
        "programmes:compare",
        "data",
        "feedback:feedback-new",
    )

    def entries(self, page):
        if page != 1:
            return []
        return [
            ({code: _path(name, code) for code in _languages()}, None)
            for name in self.url_names
        ]


class RecordSitemap(PortalSitemap):
    """One kind of record's pages, paged by ranges of ids (module docstring)."""

    model: type[Model]
    url_names: tuple[str, ...]
    # When a record's page last changed: the latest of these.
    lastmod_fields: tuple[str, ...] = ("updated_at",)
    # Records per page: at 250,000 compounds a page of them is about 160 KB,
    # and so is the index of their 1,250 pages (module docstring).
    limit = 200

    def records(self) -> QuerySet:
        # Every record: pages() reads the table itself, unfiltered.
        return self.model._default_manager.order_by()

    def pages(self):
        """The pages that list something: from each page's first record, the
        next page's first is one probe of the primary key's index (a loose
        index scan, https://wiki.postgresql.org/wiki/Loose_indexscan), so the
        cost is a probe per page, not a read of every record. Each page
        carries the section's latest change: a page's own would need every
        record read."""
        database = connections[router.db_for_read(self.model)]
        quote = database.ops.quote_name
        table = quote(self.model._meta.db_table)
        pk = quote(self.model._meta.pk.column)
        sql = f"""
            WITH RECURSIVE pages (first_id) AS (
                SELECT MIN({pk}) FROM {table}
                UNION ALL
                SELECT (
                    SELECT MIN({pk}) FROM {table}
                    WHERE {pk} > ((pages.first_id - 1) / %s + 1) * %s
                )
                FROM pages WHERE pages.first_id IS NOT NULL
            )
            SELECT (first_id - 1) / %s + 1 FROM pages WHERE first_id IS NOT NULL
        """
        latest = self.get_latest_lastmod()
        with database.cursor() as cursor:
            cursor.execute(sql, [self.limit] * 3)
            return [(number, latest) for (number,) in cursor.fetchall()]

    def get_latest_lastmod(self):
        # One probe of an index on each field where the model has one.
        latest = self.records().aggregate(
            **{field: Max(field) for field in self.lastmod_fields}
        )
        return _latest(latest.values())

    def entries(self, page):
        if not 1 <= page <= _LAST_PAGE:
            return []
        patterns = [
            {code: SlugPath.of(name, code) for code in _languages()}
            for name in self.url_names
        ]
        rows = (
            self.records()
            .filter(pk__gt=(page - 1) * self.limit, pk__lte=page * self.limit)
            .order_by("pk")
            .values_list("slug", *self.lastmod_fields)
        )
        return [
            ({code: pattern[code].path(slug) for code in pattern}, _latest(changes))
            for slug, *changes in rows
            for pattern in patterns
        ]


class CompoundSitemap(RecordSitemap):
    model = Estate
    url_names = ("estates:estate-detail",)
    # A stage reached through a step is stored without touching updated_at
    # (estates.services.estate_refresh_stage); it is the page's main news.
    lastmod_fields = ("updated_at", "stage_reached_on")


class CommunitySitemap(RecordSitemap):
    model = Community
    url_names = ("estates:community-detail",)


class CourtyardSitemap(RecordSitemap):
    model = MergedCourtyard
    url_names = ("estates:courtyard-detail",)


class LaneSitemap(RecordSitemap):
    model = Lane
    url_names = ("lanes:lane-detail",)


class ProgrammeSitemap(RecordSitemap):
    model = Programme
    url_names = (
        "programmes:programme-detail",
        "programmes:programme-case-study",
        "programmes:programme-compounds",
    )
    limit = 100


SITEMAPS: dict[str, type[PortalSitemap]] = {
    "pages": FixedPagesSitemap,
    "programmes": ProgrammeSitemap,
    "compounds": CompoundSitemap,
    "communities": CommunitySitemap,
    "courtyards": CourtyardSitemap,
    "lanes": LaneSitemap,
}


def _day(moment: datetime.datetime | None) -> str:
    # The day in the portal's time zone, as Django's sitemap.xml writes it.
    return timezone.localdate(moment).isoformat() if moment else ""


def _urlset(urls: list[dict]) -> str:
    """The XML of Django's sitemap.xml template, without its cost: a page of
    compounds took 25 ms through the template, 3 ms so."""
    lines = [_URLSET_HEAD]
    for url in urls:
        lastmod = _day(url["lastmod"])
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{alternate["lang_code"]}"'
            f' href="{escape(alternate["location"])}"/>'
            for alternate in url["alternates"]
        )
        lines.append(
            f"<url><loc>{escape(url['location'])}</loc>"
            + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
            + f"{links}</url>"
        )
    lines.append("</urlset>\n")
    return "\n".join(lines)


_URLSET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    ' xmlns:xhtml="http://www.w3.org/1999/xhtml">'
)
_INDEX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
)


@require_safe
@x_robots_tag
def index(request):
    """Every page of every section that lists something, with its last change."""
    root = f"{request.scheme}://{RequestSite(request).domain}"
    lines = [_INDEX_HEAD]
    for section, sitemap_class in SITEMAPS.items():
        location = escape(
            root + reverse("sitemap-section", kwargs={"section": section})
        )
        for number, lastmod in sitemap_class().pages():
            query = "" if number == 1 else f"?p={number}"
            day = _day(lastmod)
            lines.append(
                f"<sitemap><loc>{location}{query}</loc>"
                + (f"<lastmod>{day}</lastmod>" if day else "")
                + "</sitemap>"
            )
    lines.append("</sitemapindex>\n")
    return HttpResponse("\n".join(lines), content_type="application/xml")


@require_safe
@x_robots_tag
def section(request, section):
    """One page of one section; a page that lists nothing is not found."""
    if section not in SITEMAPS:
        raise Http404
    sitemap = SITEMAPS[section]()
    try:
        urls = sitemap.get_urls(
            page=request.GET.get("p", 1),
            site=RequestSite(request),
            protocol=request.scheme,
        )
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404 from error
    response = HttpResponse(_urlset(urls), content_type="application/xml")
    latest = getattr(sitemap, "latest_lastmod", None)
    if latest is not None:
        # For conditional requests (ConditionalGetMiddleware, a crawler's cache).
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response
