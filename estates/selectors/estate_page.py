"""One compound with everything its page and its API answer show, fast.

:func:`estate_detail` describes the same records as a queryset with
prefetches; building it costs Django about as much as the page's template,
for every visit that the page cache does not answer (issue 17, item 2: "a
fast miss"). :func:`estate_page` reads the same rows with queries compiled
once per process (:mod:`renovation_portal.prepared`) and makes the same
records, with the same attributes (``shown_photos``, ``current_notices``,
``funding_rows``, ``programme_rows``, honours with ``named_estates``,
councils with ``recent_meetings``), so the page, the API and the page cache's
tags cannot tell them apart (tests/estates/test_estate_page_reads.py).
"""

from __future__ import annotations

import datetime
from functools import cache

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from renovation_portal import prepared
from renovation_portal.prepared import attnames, instances, prefetched

from ..models import (
    Community,
    Estate,
    Honour,
    MergedCourtyard,
    Notice,
    Photo,
    PropertyCompany,
    Step,
    StepTemplate,
    Subdistrict,
    WorksItem,
)
from .estates import (
    HONOUR_PARTNERS,
    RECENT_MEETINGS,
    _both_languages,
    _funding_rows,
    _programme_rows,
    _reverse_model,
)

# A step and its template as the timeline shows them; not when the step was
# created, nor the template's timestamps and documents (timestamps, read from
# text, took a fifth of the steps' query). A step's updated_at stays: the API
# answer's Last-Modified is the latest of what it shows.
_STEP_FIELDS = attnames(Step, exclude=("created_at",))
_TEMPLATE_FIELDS = attnames(
    StepTemplate, only=("id", "procedure", "stage", "number", "name_zh_hans", "name_en")
)

_TEMPLATE_COLUMNS = [f"template__{name}" for name in _TEMPLATE_FIELDS]

# The records joined to the compound's own row: (relation, model).
_JOINED = (
    ("community", Community),
    ("community__subdistrict", Subdistrict),
    ("property_company", PropertyCompany),
    ("courtyard", MergedCourtyard),
)


def _children(model, **order):
    """A prepared query of ``model``'s rows under one compound."""

    def build(estate_id, **markers):
        return (
            model.objects.filter(estate_id=estate_id, **order.get("filter", {}))
            .exclude(**order.get("exclude", {}))
            .filter(order.get("where", Q()))
            .order_by(*order["by"])
            .values_list(*attnames(model))
        )

    return build


@cache
def _queries() -> dict[str, prepared.Prepared]:
    """The page's queries, made once per process (the apps are loaded)."""
    queries = {
        "estate": prepared.Prepared(
            lambda slug: (
                Estate.objects.filter(slug=slug)
                .order_by()
                .annotate(
                    funding_rows=_funding_rows(), programme_rows=_programme_rows()
                )
                .values_list(
                    *attnames(Estate),
                    *(
                        name
                        for relation, model in _JOINED
                        for name in attnames(model, prefix=f"{relation}__")
                    ),
                    "funding_rows",
                    "programme_rows",
                )
            ),
            slug=prepared.SLUG,
        ),
        "steps": prepared.Prepared(
            lambda estate_id: (
                Step.objects.filter(estate_id=estate_id)
                .order_by("number")
                .values_list(
                    *_STEP_FIELDS, *(f"template__{name}" for name in _TEMPLATE_FIELDS)
                )
            ),
            estate_id=prepared.ID,
        ),
        "works": prepared.Prepared(
            _children(WorksItem, by=("tier", "category", "pk")),
            estate_id=prepared.ID,
        ),
        "photos": prepared.Prepared(
            _children(Photo, exclude={"image": ""}, by=("kind", "taken_on", "pk")),
            estate_id=prepared.ID,
        ),
        "notices": prepared.Prepared(
            lambda estate_id, now: (
                Notice.objects.filter(estate_id=estate_id)
                .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=now))
                .order_by("starts_at", "pk")
                .values_list(*attnames(Notice))
            ),
            estate_id=prepared.ID,
            now=prepared.DATETIME,
        ),
        "honours": prepared.Prepared(
            lambda estate_id: (
                Honour.objects.filter(estates__id=estate_id)
                .order_by(*Honour._meta.ordering, "pk")
                .values_list(*attnames(Honour))
            ),
            estate_id=prepared.ID,
        ),
        # The first compounds each of those honours names (itself among them),
        # one more than shown, to know that there are more.
        "partners": prepared.Prepared(
            lambda estate_id: (
                Honour.estates.through.objects.filter(honour__estates__id=estate_id)
                .annotate(
                    rank=Window(
                        RowNumber(),
                        partition_by=F("honour_id"),
                        order_by=(F("estate__name_zh_hans"), F("estate__pk")),
                    )
                )
                .filter(rank__lte=HONOUR_PARTNERS + 2)
                .order_by("honour_id", "rank")
                .values_list(
                    "honour_id",
                    "estate__id",
                    "estate__slug",
                    *(f"estate__{name}" for name in _both_languages("name")),
                )
            ),
            estate_id=prepared.ID,
        ),
    }
    council = _reverse_model(Estate, "councils")
    if council is not None:
        meeting = _reverse_model(council, "meetings")
        queries["councils"] = prepared.Prepared(
            lambda estate_id: (
                council._default_manager.filter(estates__id=estate_id)
                .order_by("level", "name_zh_hans", "pk")
                .values_list(*attnames(council))
            ),
            estate_id=prepared.ID,
        )
        queries["meetings"] = prepared.Prepared(
            lambda estate_id, today: (
                meeting._default_manager.filter(
                    council__estates__id=estate_id, held_on__lte=today
                )
                .annotate(
                    rank=Window(
                        RowNumber(),
                        partition_by=F("council_id"),
                        order_by=(F("held_on").desc(), F("pk").desc()),
                    )
                )
                .filter(rank__lte=RECENT_MEETINGS)
                .order_by("council_id", "rank")
                .values_list(*_MEETING_FIELDS)
            ),
            estate_id=prepared.ID,
            today=prepared.DATE,
        )
    lane = _reverse_model(Estate, "lanes")
    if lane is not None:
        queries["lanes"] = prepared.Prepared(
            lambda estate_id: (
                lane._default_manager.filter(estates__id=estate_id)
                .order_by(*lane._meta.ordering, "pk")
                .values_list(*attnames(lane))
            ),
            estate_id=prepared.ID,
        )
    return queries


# Meetings on a public page: when, what kind, agenda and decisions; never the
# minutes or who attended (staff records), which are not even read.
_MEETING_FIELDS = (
    "id",
    "council_id",
    "kind",
    "held_on",
    *_both_languages("title", "agenda", "decisions"),
)


def estate_page(
    slug: str,
    *,
    now: datetime.datetime | None = None,
    honour_partners: bool = True,
    meetings: bool = True,
) -> Estate | None:
    """The compound ``slug`` as :func:`estate_detail` gives it, or None.

    At most nine queries, each compiled once per process; the honours' partners
    and the councils' meetings are read only when there are honours or councils
    (and not at all without ``honour_partners`` or ``meetings``: the API shows
    neither).
    """
    now = now or timezone.now()
    queries = _queries()
    found = queries["estate"].rows(slug=slug)
    if not found:
        return None
    row = found[0]
    names = attnames(Estate)
    estate = instances(Estate, names, [row])[0]
    position = len(names)
    joined = {}
    for relation, model in _JOINED:
        columns = attnames(model)
        values = row[position : position + len(columns)]
        position += len(columns)
        joined[relation] = (
            None if values[0] is None else prepared.record(model, columns, values)
        )
    community = joined["community"]
    community._state.fields_cache["subdistrict"] = joined["community__subdistrict"]
    for relation in ("community", "property_company", "courtyard"):
        estate._state.fields_cache[relation] = joined[relation]
    estate.funding_rows, estate.programme_rows = row[position], row[position + 1]

    pk = estate.pk
    step_rows = queries["steps"].rows(estate_id=pk)
    steps = instances(Step, _STEP_FIELDS, step_rows)
    templates = instances(
        StepTemplate, _TEMPLATE_FIELDS, step_rows, start=len(_STEP_FIELDS)
    )
    for step, template in zip(steps, templates, strict=True):
        step._state.fields_cache["template"] = template
        step._state.fields_cache["estate"] = estate
    prefetched(estate, "steps", Step, steps)
    prefetched(
        estate,
        "works",
        WorksItem,
        instances(WorksItem, attnames(WorksItem), queries["works"].rows(estate_id=pk)),
    )
    estate.shown_photos = instances(
        Photo, attnames(Photo), queries["photos"].rows(estate_id=pk)
    )
    estate.current_notices = instances(
        Notice, attnames(Notice), queries["notices"].rows(estate_id=pk, now=now)
    )

    honours = instances(Honour, attnames(Honour), queries["honours"].rows(estate_id=pk))
    if honours and honour_partners:
        named: dict[int, list[Estate]] = {honour.pk: [] for honour in honours}
        partner_names = ["id", "slug", *_both_languages("name")]
        for partner in queries["partners"].rows(estate_id=pk):
            named[partner[0]].append(
                prepared.record(Estate, partner_names, partner[1:])
            )
        for honour in honours:
            honour.named_estates = named[honour.pk]
    prefetched(estate, "honours", Honour, honours)

    if "councils" in queries:
        council_model = queries["councils"].model
        councils = instances(
            council_model,
            attnames(council_model),
            queries["councils"].rows(estate_id=pk),
        )
        if councils and meetings:
            meeting_model = queries["meetings"].model
            recent: dict[int, list] = {council.pk: [] for council in councils}
            for meeting in instances(
                meeting_model,
                _MEETING_FIELDS,
                queries["meetings"].rows(estate_id=pk, today=timezone.localdate(now)),
            ):
                recent[meeting.council_id].append(meeting)
            for council in councils:
                council.recent_meetings = recent[council.pk]
        prefetched(estate, "councils", council_model, councils)
    if "lanes" in queries:
        lane_model = queries["lanes"].model
        prefetched(
            estate,
            "lanes",
            lane_model,
            instances(
                lane_model, attnames(lane_model), queries["lanes"].rows(estate_id=pk)
            ),
        )
    return estate
