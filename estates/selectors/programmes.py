"""Reads of renovation programmes for pages, the API and open data.

A programme's *reported* figures are its sources' words, shown with their
precision; its *register* figures are counted from the compounds the portal
holds for it (their memberships) and always say what they cover.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from renovation_portal.counting import JoinedIds
from renovation_portal.translation import CONTENT_LANGUAGES, column

from ..models import (
    FUNDING_MEASURES,
    FigureSubject,
    Measure,
    Precision,
    Programme,
    ProgrammeBatch,
    ProgrammeFigure,
    ProgrammeMembership,
    ProgrammeSource,
    Stage,
    Subdistrict,
    Tier,
    WorksItem,
)

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
# The comparison compares two to six programmes (issue 15, item 6).
COMPARE_MIN = 2
COMPARE_MAX = 6
# The measures the comparison lines up, in this order.
COMPARED_MEASURES = (
    Measure.COMPOUNDS,
    Measure.BUILDINGS,
    Measure.HOUSEHOLDS,
    Measure.FLOOR_AREA,
    Measure.OUTDOOR_AREA,
    Measure.PROJECTS,
    Measure.SUBDISTRICTS,
    *FUNDING_MEASURES,
)


def programme_list() -> QuerySet[Programme]:
    """Programmes in the lists' order, with the authority's place (its own
    name only: no page shows the place's parents, and each joined table made
    PostgreSQL plan the query longer than it ran)."""
    return Programme.objects.select_related(
        "province", "city", "district", "subdistrict"
    ).order_by("position", "name_zh_hans", "pk")


def programme_with_counts() -> QuerySet[Programme]:
    """Programmes with ``members_count``, the compounds the portal names in
    each (a subquery, so a page of them costs one query)."""
    members = (
        ProgrammeMembership.objects.filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return programme_list().annotate(members_count=Coalesce(Subquery(members), 0))


def programme_detail(*, batches: bool = True) -> QuerySet[Programme]:
    """Programmes with their places, sources and (unless ``batches`` is
    false: a page that shows none) batches, one query each; the ids of the
    subdistricts it names come with the programme itself (``covered_ids``)."""
    lookups = [
        Prefetch("sources", queryset=ProgrammeSource.objects.order_by("position"))
    ]
    if batches:
        lookups.append(
            Prefetch(
                "batches",
                queryset=ProgrammeBatch.objects.order_by("kind", "year", "number"),
            )
        )
    named = (
        Programme.covers.through.objects.filter(programme_id=OuterRef("pk"))
        .order_by()
        .values("programme_id")
        .annotate(ids=JoinedIds("subdistrict_id"))
        .values("ids")
    )
    return (
        programme_list()
        .annotate(covered_ids=Subquery(named))
        .prefetch_related(*lookups)
    )


def programme_figures(*, programme: Programme) -> list[ProgrammeFigure]:
    """Every figure of the programme, its batches' included, with source."""
    return list(
        ProgrammeFigure.objects.filter(programme=programme)
        .select_related("source", "batch")
        .order_by("position", "key")
    )


def figures_by_key(figures: Iterable[ProgrammeFigure]) -> dict[str, ProgrammeFigure]:
    return {figure.key: figure for figure in figures}


def pick(index: dict[str, ProgrammeFigure], keys: Iterable[str]) -> list:
    """The figures named by ``keys`` that exist, in the keys' order."""
    return [index[key] for key in keys if key in index]


def headline_figures(figures: Iterable[ProgrammeFigure]) -> list[ProgrammeFigure]:
    """The programme's own figure for each comparable measure (the most
    recent one, undated last), in the comparison's order."""
    best: dict[str, ProgrammeFigure] = {}
    for figure in figures:
        if (
            figure.batch_id is not None
            or figure.subject != FigureSubject.PROGRAMME
            or figure.measure not in COMPARED_MEASURES
        ):
            continue
        held = best.get(figure.measure)
        if held is None or _more_recent(figure, held):
            best[figure.measure] = figure
    return [best[measure] for measure in COMPARED_MEASURES if measure in best]


def _as_of(figure: ProgrammeFigure) -> datetime.date | None:
    return figure.as_of or figure.source.published_on


def _more_recent(figure: ProgrammeFigure, held: ProgrammeFigure) -> bool:
    mine, theirs = _as_of(figure), _as_of(held)
    if mine is None:
        return False
    return theirs is None or mine > theirs


@dataclass
class BatchFigures:
    batch: ProgrammeBatch
    figures: list[ProgrammeFigure] = field(default_factory=list)
    members: int = 0


def batches_with_figures(
    *, programme: Programme, figures: Iterable[ProgrammeFigure]
) -> list[BatchFigures]:
    """Each batch or phase (prefetched on ``programme``) with its figures and
    how many named compounds the register holds in it (one query)."""
    members = dict(
        ProgrammeMembership.objects.filter(programme=programme, batch__isnull=False)
        .order_by()
        .values_list("batch")
        .annotate(n=Count("pk"))
        .values_list("batch", "n")
    )
    groups = {
        batch.pk: BatchFigures(batch, members=members.get(batch.pk, 0))
        for batch in programme.batches.all()
    }
    for figure in figures:
        if figure.batch_id in groups:
            groups[figure.batch_id].figures.append(figure)
    return list(groups.values())


def member_stage():
    """A member's stage: from its steps when the portal has them, otherwise
    the stage its programme's source reported."""
    return Coalesce("estate__stage", "reported_stage")


def programme_stage_counts(*, programme: Programme) -> dict[str | None, int]:
    """How many of the programme's named compounds are in each stage, every
    stage included in order; ``None`` counts those whose stage is unknown."""
    counts = dict(
        ProgrammeMembership.objects.filter(programme=programme)
        .order_by()
        .annotate(current=member_stage())
        .values_list("current")
        .annotate(n=Count("pk"))
        .values_list("current", "n")
    )
    return {stage: counts.get(stage, 0) for stage in [*Stage.values, None]}


def programme_members(*, programme: Programme) -> QuerySet[ProgrammeMembership]:
    """The programme's named compounds, by name, with what a list shows."""
    return (
        ProgrammeMembership.objects.filter(programme=programme)
        .select_related("estate__community", "batch")
        .annotate(current_stage=member_stage())
        .order_by("estate__name_zh_hans", "pk")
    )


def programme_subdistricts(programme: Programme) -> QuerySet[Subdistrict]:
    """The subdistricts (or towns) the programme covers: those it names, or
    else every one in its authority's place."""
    if programme.subdistrict_id is not None:
        return Subdistrict.objects.filter(pk=programme.subdistrict_id)
    covered = covered_pks(programme)
    if covered:
        return Subdistrict.objects.filter(pk__in=covered)
    if programme.district_id is not None:
        return Subdistrict.objects.filter(district_id=programme.district_id)
    if programme.city_id is not None:
        return Subdistrict.objects.filter(district__city_id=programme.city_id)
    return Subdistrict.objects.filter(district__city__province_id=programme.province_id)


def covered_pks(programme: Programme) -> list[int]:
    """The ids of the subdistricts the programme names: from the programme's
    own query when it came from :func:`programme_detail` (``covered_ids``),
    else read once per instance however many counts of its area a page makes."""
    pks = getattr(programme, "_covered_pks", None)
    if pks is None:
        joined = getattr(programme, "covered_ids", False)
        if joined is False:
            pks = list(programme.covers.values_list("pk", flat=True))
        else:
            pks = [int(pk) for pk in (joined or "").split(",") if pk]
        programme._covered_pks = pks
    return pks


def programme_from_request(request) -> Programme | None:
    """The programme a page is narrowed to by ``?programme=<slug>``; None
    without one. An unknown slug is a 404: the page would otherwise show
    everything under a name it does not have."""
    slug = request.GET.get("programme")
    if not slug:
        return None
    programme = None
    if SLUG.fullmatch(slug):
        programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404(gettext("There is no programme at this address."))
    return programme


def programme_area_q(programme: Programme, path: str = "subdistrict") -> Q:
    """Rows whose ``path`` (a subdistrict) lies in the programme's area."""
    return Q(**{f"{path}__in": programme_subdistricts(programme).values("pk")})


def works_by_tier(*, programme: Programme) -> dict[str, int]:
    """Works items recorded for the programme's compounds, by tier."""
    counts = dict(
        WorksItem.objects.filter(estate__memberships__programme=programme)
        .order_by()
        .values_list("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return {tier: counts.get(tier, 0) for tier in Tier.values}


def member_count(stage_counts: dict[str | None, int]) -> int:
    return sum(stage_counts.values())


def exact_sum(figures: Iterable[ProgrammeFigure]) -> int | None:
    """The sum of ``figures`` when every one is disclosed and exact; None
    otherwise (an "at least" or "about" figure is never summed as exact)."""
    total = 0
    for figure in figures:
        if figure.value is None or figure.precision != Precision.EXACT:
            return None
        total += figure.value
    return total


def batch_totals(batches: list[BatchFigures], measure: str) -> tuple[int | None, int]:
    """The exact sum of the batches' figures of ``measure`` and how many
    batches give one; the sum is None when any is missing or not exact."""
    found = [
        figure
        for group in batches
        for figure in group.figures
        if figure.measure == measure and figure.subject == FigureSubject.PROGRAMME
    ]
    if len(found) != len(batches) or not found:
        return None, len(found)
    return exact_sum(found), len(found)


def programmes_by_slugs(slugs: Iterable[str]) -> list[Programme]:
    """The programmes named, in the order named, each once; unknown slugs are
    left out."""
    wanted = list(dict.fromkeys(slugs))
    found = {p.slug: p for p in programme_detail().filter(slug__in=wanted)}
    return [found[slug] for slug in wanted if slug in found]


def comparison_figures(programmes: list[Programme]) -> dict[int, list[ProgrammeFigure]]:
    """Every figure of each programme (one query for all of them)."""
    result: dict[int, list[ProgrammeFigure]] = {p.pk: [] for p in programmes}
    for figure in (
        ProgrammeFigure.objects.filter(programme__in=programmes)
        .select_related("source", "batch")
        .order_by("position", "key")
    ):
        result[figure.programme_id].append(figure)
    return result


def comparison_stage_counts(
    programmes: list[Programme],
) -> dict[int, dict[str | None, int]]:
    """Named compounds by stage for each programme (one query)."""
    rows = (
        ProgrammeMembership.objects.filter(programme__in=programmes)
        .order_by()
        .annotate(current=member_stage())
        .values_list("programme", "current")
        .annotate(n=Count("pk"))
    )
    result = {p.pk: dict.fromkeys([*Stage.values, None], 0) for p in programmes}
    for programme_id, stage, n in rows:
        result[programme_id][stage] = n
    return result


def comparison_works(programmes: list[Programme]) -> dict[int, dict[str, int]]:
    """Works items by tier for each programme's compounds (one query)."""
    rows = (
        WorksItem.objects.filter(estate__memberships__programme__in=programmes)
        .order_by()
        .values_list("estate__memberships__programme", "tier")
        .annotate(n=Count("pk"))
    )
    result = {p.pk: dict.fromkeys(Tier.values, 0) for p in programmes}
    for programme_id, tier, n in rows:
        result[programme_id][tier] = n
    return result


def comparison_batches(
    programmes: list[Programme], figures: dict[int, list[ProgrammeFigure]]
) -> dict[int, list[BatchFigures]]:
    """Each programme's batches (prefetched) with their figures; no query."""
    result = {}
    for programme in programmes:
        groups = {b.pk: BatchFigures(b) for b in programme.batches.all()}
        for figure in figures[programme.pk]:
            if figure.batch_id in groups:
                groups[figure.batch_id].figures.append(figure)
        result[programme.pk] = list(groups.values())
    return result


def programme_picker(*, query: str = "", limit: int) -> list[Programme]:
    """Programmes to choose from, in order, found by name when ``query`` is
    given: at most ``limit`` + 1 (the one more says there are more)."""
    programmes = Programme.objects.only(
        "slug",
        "position",
        "start_year",
        "end_year",
        *_both("name"),
        *_both("short_name"),
    ).order_by("position", "name_zh_hans", "pk")
    if query:
        condition = Q(slug__icontains=query)
        for name in (*_both("name"), *_both("short_name")):
            condition |= Q(**{f"{name}__icontains": query})
        programmes = programmes.filter(condition)
    return list(programmes[: limit + 1])


def _both(name: str) -> list[str]:
    return [column(name, code) for code in CONTENT_LANGUAGES]


PROGRAMME_CHOICES = 20
PROGRAMME_QUERY_LENGTH = 60


def programme_choice(request, *, limit: int = PROGRAMME_CHOICES) -> dict:
    """What a page that lists by programme offers to choose one with: the
    programmes whose name holds ``?find=`` (or the first ones), at most
    ``limit``, and whether more match (a page never lists every programme)."""
    query = request.GET.get("find", "")
    query = (
        " ".join(query.split())[:PROGRAMME_QUERY_LENGTH]
        if isinstance(query, str)
        else ""
    )
    found = programme_picker(query=query, limit=limit)
    return {
        "choices": found[:limit],
        "choices_more": len(found) > limit,
        "choices_query": query,
    }
