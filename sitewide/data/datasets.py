"""The open datasets: which records, which columns, and what each column means.

Every column is public data about places and programmes: no resident, no
contact person, no staff record (meeting minutes, feedback) is in any of them.
Translated fields come as two columns, ``…_zh_hans`` and ``…_en`` (empty when
there is no English text). Figures the source does not disclose are empty (CSV)
or null (JSON). Every dataset can be narrowed to one programme
(``?programme=<slug>``): its compounds, the facilities, lanes and events of
its area, its figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from estates import selectors as estate_selectors
from estates.models import Facility, Programme, ProgrammeFigure, ProgrammeMembership
from estates.selectors import programmes as programme_selectors
from lanes import selectors as lane_selectors
from renovation_portal.translation import CONTENT_LANGUAGES, column


@dataclass(frozen=True)
class Column:
    key: str
    meaning: Any  # a lazy translation
    unit: Any = ""
    value: Callable[[Any], Any] | None = None

    def read(self, record) -> Any:
        return self.value(record) if self.value else getattr(record, self.key)


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    columns: tuple[Column, ...]
    # Given the programme to narrow to, or None for every record.
    records: Callable[[Programme | None], Iterable]
    has_coordinates: bool = False

    @property
    def formats(self) -> tuple[str, ...]:
        return ("csv", "json", "geojson") if self.has_coordinates else ("csv", "json")


def plain(value: Any) -> Any:
    """A JSON-ready value: whole decimals as integers, dates as ISO 8601."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def translated(name: str, meaning) -> tuple[Column, ...]:
    """One column per language for a translated field."""
    return tuple(
        Column(
            key=column(name, code),
            meaning=meaning,
            unit=_("text in Chinese") if code == "zh-hans" else _("text in English"),
        )
        for code in CONTENT_LANGUAGES
    )


def _text_of_source(field: str, code: str) -> Callable[[Any], str]:
    return lambda figure: str(getattr(figure.source, column(field, code)) or "")


def slug_of(relation: str) -> Callable[[Any], str]:
    def read(record):
        related = getattr(record, relation)
        return related.slug if related else ""

    return read


LOCATION = (
    Column("latitude", _("latitude"), _("degrees, WGS-84")),
    Column("longitude", _("longitude"), _("degrees, WGS-84")),
)
SLUG = Column("slug", _("identifier (readable pinyin), as in the portal's addresses"))


ESTATES = Dataset(
    slug="estates",
    title=_("Compounds"),
    description=_("The residential compounds and where their renovation stands."),
    columns=(
        SLUG,
        *translated("name", _("name")),
        Column("community", _("community (identifier)"), value=slug_of("community")),
        Column("stage", _("current stage of the renovation (code)")),
        Column("year_built", _("year built"), _("year")),
        Column("renovation_year", _("renovation year"), _("year")),
        Column("renovation_batch", _("renovation batch")),
        Column("buildings", _("buildings"), _("buildings")),
        Column("households", _("households"), _("households")),
        Column("floor_area_m2", _("renovated floor area"), _("m²")),
        *LOCATION,
        Column(
            "property_company",
            _("property company (identifier)"),
            value=slug_of("property_company"),
        ),
        Column(
            "courtyard", _("merged courtyard (identifier)"), value=slug_of("courtyard")
        ),
    ),
    records=lambda programme: _members(
        estate_selectors.estate_list().select_related("courtyard"), programme
    ),
    has_coordinates=True,
)

LANES = Dataset(
    slug="lanes",
    title=_("Themed lanes"),
    description=_("The back lanes renovated together with the compounds beside them."),
    columns=(
        SLUG,
        *translated("name", _("name")),
        *translated("theme", _("theme")),
        *translated("motto", _("motto")),
        Column("occupancy_percent", _("shop occupancy"), _("%")),
        Column("merchants", _("merchants"), _("merchants")),
        Column("length_m", _("length"), _("m")),
        *LOCATION,
    ),
    records=lambda programme: _in_area(lane_selectors.lanes_overview(), programme),
    has_coordinates=True,
)

FACILITIES = Dataset(
    slug="facilities",
    title=_("Facilities"),
    description=_(
        "Neighbourhood centres, elderly-care and day-care centres and others."
    ),
    columns=(
        SLUG,
        *translated("name", _("name")),
        Column("kind", _("kind of facility (code)")),
        Column("community", _("community (identifier)"), value=slug_of("community")),
        *translated("address", _("address")),
        *translated("opening_hours", _("opening hours")),
        Column("area_m2", _("floor area"), _("m²")),
        Column("people_served", _("people served"), _("people")),
        *LOCATION,
    ),
    records=lambda programme: _in_area(
        Facility.objects.select_related("community").order_by(
            "kind", "name_zh_hans", "pk"
        ),
        programme,
    ),
    has_coordinates=True,
)

EVENTS = Dataset(
    slug="events",
    title=_("Events"),
    description=_("One-off and recurring events at the lanes and facilities."),
    columns=(
        SLUG,
        *translated("title", _("title")),
        Column("lane", _("lane (identifier)"), value=slug_of("lane")),
        Column("facility", _("facility (identifier)"), value=slug_of("facility")),
        Column("recurrence", _("how often (code: once, weekly, monthly)")),
        Column("weekday", _("weekday of a weekly event (0 Monday … 6 Sunday)")),
        Column("day_of_month", _("day of the month of a monthly event")),
        Column("starts_on", _("date, or first date"), _("ISO 8601 date")),
        Column("ends_on", _("last date"), _("ISO 8601 date")),
        Column("start_time", _("start time"), _("local time, hh:mm:ss")),
        Column("end_time", _("end time"), _("local time, hh:mm:ss")),
        Column("times_held", _("times held, as reported"), _("times")),
    ),
    records=lambda programme: _in_area(
        lane_selectors.event_list().order_by("starts_on", "title_zh_hans", "pk"),
        programme,
    ),
)


def _members(queryset, programme: Programme | None):
    if programme is None:
        return queryset
    return queryset.filter(memberships__programme=programme)


def _in_area(queryset, programme: Programme | None):
    if programme is None:
        return queryset
    return queryset.filter(programme_selectors.programme_area_q(programme))


def _of(queryset, programme: Programme | None):
    return queryset if programme is None else queryset.filter(programme=programme)


def _place(programme: Programme) -> str:
    place = programme.place
    return place.slug if place else ""


PROGRAMMES = Dataset(
    slug="programmes",
    title=_("Programmes"),
    description=_(
        "The renovation programmes: who runs each, over which place and years."
    ),
    columns=(
        SLUG,
        *translated("name", _("name")),
        *translated("short_name", _("short name")),
        *translated("authority", _("authority that runs it")),
        Column("level", _("level of the authority's place (code)")),
        Column("place", _("the authority's place (identifier)"), value=_place),
        Column("start_year", _("first year"), _("year")),
        Column("end_year", _("last year (empty: not disclosed or ongoing)"), _("year")),
    ),
    records=lambda programme: (
        programme_selectors.programme_list()
        if programme is None
        else programme_selectors.programme_list().filter(pk=programme.pk)
    ),
)

FIGURES = Dataset(
    slug="figures",
    title=_("Programme figures"),
    description=_(
        "Every figure the programmes' sources report, with its precision, "
        "as-of date and source. A figure with precision at_least (余) or about "
        "(约) is not exact; never add such figures up as if they were."
    ),
    columns=(
        Column("programme", _("programme (identifier)"), value=slug_of("programme")),
        Column(
            "batch",
            _("batch or phase (year:2019, phase:1); empty for the whole programme"),
            value=lambda f: f.batch.ref if f.batch else "",
        ),
        Column("key", _("figure (identifier)")),
        Column("measure", _("what is counted (code)")),
        Column("subject", _("about the programme's work or its context (code)")),
        *translated("label", _("what the figure counts")),
        Column("value", _("the figure; empty when not disclosed")),
        Column("precision", _("exact, at_least (余), about (约) or nearly (近)")),
        Column(
            "unit_zh_hans",
            _("unit"),
            _("text in Chinese"),
            value=lambda f: f.unit_pair[0],
        ),
        Column(
            "unit_en", _("unit"), _("text in English"), value=lambda f: f.unit_pair[1]
        ),
        Column("as_of", _("date the figure describes"), _("ISO 8601 date")),
        Column(
            "source_title_zh_hans",
            _("source"),
            _("text in Chinese"),
            value=_text_of_source("title", "zh-hans"),
        ),
        Column(
            "source_date",
            _("source's date"),
            _("ISO 8601 date"),
            value=lambda f: f.source.published_on,
        ),
        Column("source_url", _("source's address"), value=lambda f: f.source.url),
    ),
    records=lambda programme: _of(
        ProgrammeFigure.objects.select_related("programme", "batch", "source").order_by(
            "programme__position", "programme__pk", "batch", "position", "key"
        ),
        programme,
    ),
)

MEMBERS = Dataset(
    slug="programme-compounds",
    title=_("Compounds in programmes"),
    description=_(
        "Which compounds each programme names, their batch, and the stage the "
        "programme's source reported for them, with its date."
    ),
    columns=(
        Column("programme", _("programme (identifier)"), value=slug_of("programme")),
        Column("estate", _("compound (identifier)"), value=slug_of("estate")),
        Column(
            "batch",
            _("batch or phase (year:2019, phase:1)"),
            value=lambda m: m.batch.ref if m.batch else "",
        ),
        Column("reported_stage", _("stage the source reported (code)")),
        Column(
            "reported_on", _("date the source gives the stage for"), _("ISO 8601 date")
        ),
    ),
    records=lambda programme: _of(
        ProgrammeMembership.objects.select_related(
            "programme", "estate", "batch"
        ).order_by(
            "programme__position", "programme__pk", "estate__name_zh_hans", "pk"
        ),
        programme,
    ),
)

DATASETS = {
    d.slug: d
    for d in (PROGRAMMES, FIGURES, MEMBERS, ESTATES, LANES, FACILITIES, EVENTS)
}
