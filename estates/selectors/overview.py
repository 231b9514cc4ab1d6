"""Reads over the whole register (home page, map, what's new)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from ..models import (
    Estate,
    Facility,
    MergedCourtyard,
    Notice,
    Stage,
    StepTemplate,
)
from .estates import _both_languages

# A map of a whole city's compounds would outgrow a light page; beyond this
# many places per kind the map says it shows only the first ones.
MAP_PLACES_LIMIT = 300
LOCATED = Q(latitude__isnull=False, longitude__isnull=False)


def estate_stage_counts() -> dict[str | None, int]:
    """How many estates are in each stage, every stage included, in order;
    ``None`` counts the estates whose stage is not known."""
    counts = dict(
        Estate.objects.order_by()
        .values_list("stage")
        .annotate(n=models.Count("pk"))
        .values_list("stage", "n")
    )
    return {stage: counts.get(stage, 0) for stage in [*Stage.values, None]}


@dataclass(frozen=True)
class Located:
    """Records that have coordinates (at most MAP_PLACES_LIMIT), whether more
    exist, and how many records have none."""

    places: list
    more: bool
    unlocated: int


def located_places(queryset: QuerySet, *, fields: tuple[str, ...]) -> tuple[list, bool]:
    """The first MAP_PLACES_LIMIT records of ``queryset`` that have coordinates,
    and whether there are more."""
    places = list(
        queryset.filter(LOCATED)
        .only(*fields, "latitude", "longitude")
        .order_by("name_zh_hans", "pk")[: MAP_PLACES_LIMIT + 1]
    )
    return places[:MAP_PLACES_LIMIT], len(places) > MAP_PLACES_LIMIT


def located(queryset: QuerySet, *, fields: tuple[str, ...]) -> Located:
    """Split ``queryset`` into records with coordinates and a count of the rest."""
    places, more = located_places(queryset, fields=fields)
    return Located(
        places=places, more=more, unlocated=queryset.exclude(LOCATED).count()
    )


ESTATE_MAP_FIELDS = ("slug", *_both_languages("name"))
FACILITY_MAP_FIELDS = ("slug", "kind", *_both_languages("name"))


def estates_located() -> Located:
    return located(Estate.objects.all(), fields=ESTATE_MAP_FIELDS)


def facilities_located() -> Located:
    return located(Facility.objects.all(), fields=FACILITY_MAP_FIELDS)


def courtyard_count() -> int:
    return MergedCourtyard.objects.count()


def facility_count() -> int:
    return Facility.objects.count()


def stages_recently_reached(*, limit: int) -> list[Estate]:
    """The compounds whose steps most recently moved them to a new stage, the
    latest first (news; index estate_stage_reached)."""
    return list(
        Estate.objects.filter(stage_reached_on__isnull=False)
        .only("slug", "stage", "stage_reached_on", *_both_languages("name"))
        .order_by("-stage_reached_on", "-pk")[:limit]
    )


def notices_recently_posted(*, limit: int) -> list[Notice]:
    """The construction notices most recently posted (index notice_posted)."""
    return list(
        Notice.objects.select_related("estate")
        .only(
            "kind",
            "created_at",
            *_both_languages("title"),
            "estate__slug",
            *(f"estate__{name}" for name in _both_languages("name")),
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def default_procedure_steps_by_stage() -> dict[str, QuerySet]:
    """The shipped default procedure's steps in each stage, to be counted
    with other counts in one query (renovation_portal.counting.count_each)."""
    steps = StepTemplate.objects.filter(procedure__is_default_template=True)
    return {stage: steps.filter(stage=stage) for stage in Stage.values}
