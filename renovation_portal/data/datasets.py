"""The open datasets: which records, which columns, and what each column means.

Every column is public data about places and the programme: no resident, no
contact person, no staff record (meeting minutes, feedback) is in any of them.
Translated fields come as two columns, ``…_zh_hans`` and ``…_en`` (empty when
there is no English text). Figures the source does not disclose are empty (CSV)
or null (JSON).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from estates import selectors as estate_selectors
from estates.models import Facility
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
    records: Callable[[], Iterable]
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
    records=lambda: estate_selectors.estate_list().select_related("courtyard"),
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
    records=lambda: lane_selectors.lanes_overview(),
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
    records=lambda: Facility.objects.select_related("community").order_by(
        "kind", "name_zh_hans", "pk"
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
    records=lambda: lane_selectors.event_list().order_by(
        "starts_on", "title_zh_hans", "pk"
    ),
)

FIGURES = Dataset(
    slug="figures",
    title=_("Programme figures"),
    description=_(
        "The programme's headline figures exactly as the source report gives them."
    ),
    columns=(
        Column(
            "subdistrict", _("subdistrict (identifier)"), value=slug_of("subdistrict")
        ),
        Column("key", _("figure (identifier)")),
        *translated("label", _("what the figure counts")),
        Column("value", _("the figure; empty when not disclosed")),
        Column("qualifier", _("exactly, about, over or nearly (code)")),
        *translated("unit", _("unit")),
        Column("source", _("source")),
    ),
    records=lambda: estate_selectors.programme_facts(),
)

DATASETS = {d.slug: d for d in (ESTATES, LANES, FACILITIES, EVENTS, FIGURES)}
