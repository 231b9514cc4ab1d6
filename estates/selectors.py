"""Reads shared by pages and the API; each carries the joins it needs.

The site's pages and the API call the same functions here, so a page and its
API answer cannot disagree (DESIGN.md "Layout").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from renovation_portal.search import normalize
from renovation_portal.translation import CONTENT_LANGUAGES, column

from .models import (
    ChecklistCategory,
    Community,
    CommunityChecklistItem,
    Estate,
    MergedCourtyard,
    Notice,
    Photo,
    PhotoKind,
    ProgrammeFact,
    Stage,
    Step,
    StepStatus,
    Tier,
    WorksItem,
)

# ---------------------------------------------------------------------------
# Finding a compound
# ---------------------------------------------------------------------------

# A resident types a name, not a paragraph: a longer query is cut before it
# reaches the database.
MAX_QUERY_LENGTH = 100
SEARCH_KEYS = ("search_hanzi", "search_pinyin", "search_initials", "search_latin")


class Rank(models.IntegerChoices):
    """How well an estate matches a query; lower is better."""

    EXACT = 0
    PREFIX = 1
    CONTAINS = 2
    ADDRESS = 3


def _any_key_contains(text: str) -> Q:
    return Q(*(Q(**{f"{key}__contains": text}) for key in SEARCH_KEYS), _connector=Q.OR)


def estate_search(
    *, query: str, queryset: QuerySet[Estate] | None = None
) -> QuerySet[Estate]:
    """Estates whose name, alias, English name or address matches ``query``.

    The query is folded like the stored keys (renovation_portal.search), so
    ``九大``, ``jiudayuan``, ``jiu da yuan``, ``Jiǔdàyuàn``, ``ＪＤＹ`` and ``jdy`` all
    find 九大院. Best matches come first: a whole key, then the start of a key,
    then anywhere in a key, then the address; then by name. The ranking is a
    database annotation (``search_rank``), so the result paginates. An empty
    query filters nothing. Plain ``LIKE`` only, so it runs on SQLite and
    PostgreSQL alike.
    """
    queryset = estate_list() if queryset is None else queryset
    text = normalize(query)[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    # Keys are stored as "|key1|key2|": "|q|" is a whole key, "|q" a key's start.
    rank = Case(
        When(_any_key_contains(f"|{text}|"), then=Value(Rank.EXACT)),
        When(_any_key_contains(f"|{text}"), then=Value(Rank.PREFIX)),
        When(_any_key_contains(text), then=Value(Rank.CONTAINS)),
        default=Value(Rank.ADDRESS),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(_any_key_contains(text) | Q(address_zh_hans__icontains=text))
        .annotate(search_rank=rank)
        .order_by("search_rank", "name_zh_hans", "pk")
    )


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


def estate_list() -> QuerySet[Estate]:
    return Estate.objects.select_related("community", "property_company").order_by(
        "name_zh_hans", "pk"
    )


def programme_facts() -> QuerySet[ProgrammeFact]:
    return ProgrammeFact.objects.select_related("subdistrict").order_by(
        "subdistrict", "position"
    )


# ---------------------------------------------------------------------------
# One estate
# ---------------------------------------------------------------------------

RECENT_MEETINGS = 3


def _reverse_model(model: type[models.Model], name: str) -> type[models.Model] | None:
    """The model behind a relation another app declares on ``model``.

    Councils and lanes point at estates from apps that estates must not import
    (DESIGN.md: dependencies run one way); the relation itself tells us their
    model. None when that app is not installed.
    """
    try:
        return model._meta.get_field(name).related_model
    except FieldDoesNotExist:
        return None


def _both_languages(*names: str) -> list[str]:
    return [column(name, code) for name in names for code in CONTENT_LANGUAGES]


def _council_prefetch(
    model: type[models.Model], *, today: datetime.date
) -> list[Prefetch]:
    """Councils with their few latest meetings: agenda and decisions only.

    Minutes and follow-ups are staff records; they are never even loaded.
    """
    council_model = _reverse_model(model, "councils")
    if council_model is None:
        return []
    meeting_model = _reverse_model(council_model, "meetings")
    meetings = (
        meeting_model._default_manager.filter(held_on__lte=today)
        .only(
            "id",
            "council_id",
            "kind",
            "held_on",
            *_both_languages("title", "agenda", "decisions"),
        )
        .order_by("-held_on", "-pk")[:RECENT_MEETINGS]
    )
    councils = council_model._default_manager.order_by(
        "level", "name_zh_hans"
    ).prefetch_related(
        Prefetch("meetings", queryset=meetings, to_attr="recent_meetings")
    )
    return [Prefetch("councils", queryset=councils)]


def estate_detail(*, now: datetime.datetime | None = None) -> QuerySet[Estate]:
    """Estates with everything the estate page shows, in a fixed number of queries.

    Adds ``shown_photos`` (photos that have an image), ``current_notices``
    (notices not yet over) and, where the governance app is installed,
    ``councils`` with their ``recent_meetings``.
    """
    now = now or timezone.now()
    prefetches = [
        Prefetch(
            "steps",
            queryset=Step.objects.select_related("template").order_by("number"),
        ),
        Prefetch(
            "works", queryset=WorksItem.objects.order_by("tier", "category", "pk")
        ),
        Prefetch(
            "photos",
            queryset=Photo.objects.exclude(image="").order_by("kind", "taken_on", "pk"),
            to_attr="shown_photos",
        ),
        Prefetch(
            "notices",
            queryset=Notice.objects.filter(
                Q(ends_at__isnull=True) | Q(ends_at__gte=now)
            ).order_by("starts_at", "pk"),
            to_attr="current_notices",
        ),
        "funding",
        "honours",
        *_council_prefetch(Estate, today=timezone.localdate(now)),
    ]
    if _reverse_model(Estate, "lanes") is not None:
        prefetches.append("lanes")
    return Estate.objects.select_related(
        "community__subdistrict", "property_company", "courtyard"
    ).prefetch_related(*prefetches)


STEP_FINISHED = (StepStatus.DONE, StepStatus.NOT_APPLICABLE)


@dataclass
class StageGroup:
    """One of the five stages on an estate's timeline, with its steps."""

    stage: str
    label: str
    number: int
    state: str  # "done", "current", "upcoming" or "unknown"
    steps: list[Step] = field(default_factory=list)


def stage_state(stage: str, current: str | None) -> str:
    """Where ``stage`` stands for an estate whose current stage is ``current``."""
    if current is None:
        return "unknown"
    here, there = Stage.order(stage), Stage.order(current)
    if here < there:
        return "done"
    return "current" if here == there else "upcoming"


def estate_timeline(*, estate: Estate) -> list[StageGroup]:
    """The five stages in order, each with the estate's steps in it.

    Each step gets ``marker``: "current" for the first step not yet finished,
    "next" for the one after it, "" otherwise. Reads the prefetched steps of
    :func:`estate_detail`; makes no query of its own.
    """
    groups = {
        value: StageGroup(
            stage=value,
            label=label,
            number=position,
            state=stage_state(value, estate.stage),
        )
        for position, (value, label) in enumerate(Stage.choices, start=1)
    }
    open_steps = 0
    for step in estate.steps.all():
        step.marker = ""
        if step.status not in STEP_FINISHED:
            step.marker = ("current", "next")[open_steps] if open_steps < 2 else ""
            open_steps += 1
        groups[step.stage].steps.append(step)
    return list(groups.values())


@dataclass
class Group:
    """Records of one kind (a works tier, a photo kind), in display order."""

    key: str
    label: str
    items: list = field(default_factory=list)


def _grouped(items, attribute: str, choices) -> list[Group]:
    groups = {value: Group(key=value, label=label) for value, label in choices}
    for item in items:
        groups[getattr(item, attribute)].items.append(item)
    return [group for group in groups.values() if group.items]


def estate_works_by_tier(*, estate: Estate) -> list[Group]:
    """Works items grouped basic → improvement → upgrade; empty tiers left out."""
    return _grouped(estate.works.all(), "tier", Tier.choices)


def estate_photos_by_kind(*, estate: Estate) -> list[Group]:
    """Photos that have an image, grouped before → during → after."""
    return _grouped(estate.shown_photos, "kind", PhotoKind.choices)


# ---------------------------------------------------------------------------
# Communities and merged courtyards
# ---------------------------------------------------------------------------


def community_detail(*, now: datetime.datetime | None = None) -> QuerySet[Community]:
    """Communities with their checklist and councils; estates are paged apart."""
    today = timezone.localdate(now or timezone.now())
    return Community.objects.select_related("subdistrict").prefetch_related(
        "checklist", *_council_prefetch(Community, today=today)
    )


def community_estates(*, community: Community) -> QuerySet[Estate]:
    return estate_list().filter(community=community)


@dataclass
class ChecklistRow:
    category: str
    label: str
    item: CommunityChecklistItem | None  # None: not assessed


def community_checklist(*, community: Community) -> list[ChecklistRow]:
    """The six complete-community categories in order, assessed or not.

    Reads the prefetched checklist of :func:`community_detail`.
    """
    items = {item.category: item for item in community.checklist.all()}
    return [
        ChecklistRow(category=value, label=label, item=items.get(value))
        for value, label in ChecklistCategory.choices
    ]


def courtyard_detail() -> QuerySet[MergedCourtyard]:
    return MergedCourtyard.objects.select_related(
        "community", "subdistrict"
    ).prefetch_related(
        Prefetch("estates", queryset=estate_list()),
        "facilities",
    )


# Programme-wide reads (home, case study)
# Imports this section alone needs sit inside its functions, so that the
# section stays an addition at the end of the module.

# A map of a whole city's compounds would outgrow a light page; beyond this
# many places per kind the map says it shows only the first ones.
MAP_PLACES_LIMIT = 300
LOCATED = Q(latitude__isnull=False, longitude__isnull=False)


def programme_fact_index(facts=None) -> dict[str, ProgrammeFact]:
    """The programme's figures by key (``facts``, or every stored figure).

    The site presents one programme: were several subdistricts to store
    figures, the first in :func:`programme_facts` order keeps the key.
    """
    index: dict[str, ProgrammeFact] = {}
    for fact in programme_facts() if facts is None else facts:
        index.setdefault(fact.key, fact)
    return index


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


def located(queryset: QuerySet, *, fields: tuple[str, ...]) -> Located:
    """Split ``queryset`` into records with coordinates and a count of the rest."""
    places = list(
        queryset.filter(LOCATED)
        .only(*fields, "latitude", "longitude")
        .order_by("name_zh_hans", "pk")[: MAP_PLACES_LIMIT + 1]
    )
    return Located(
        places=places[:MAP_PLACES_LIMIT],
        more=len(places) > MAP_PLACES_LIMIT,
        unlocated=queryset.exclude(LOCATED).count(),
    )


def estates_located() -> Located:
    return located(Estate.objects.all(), fields=("slug", *_both_languages("name")))


def facilities_located() -> Located:
    from .models import Facility

    return located(
        Facility.objects.all(), fields=("slug", "kind", *_both_languages("name"))
    )


def courtyard_count() -> int:
    return MergedCourtyard.objects.count()


def facility_count() -> int:
    from .models import Facility

    return Facility.objects.count()


def estates_recently_updated(*, limit: int) -> list[Estate]:
    return list(
        Estate.objects.only("slug", "updated_at", *_both_languages("name")).order_by(
            "-updated_at", "-pk"
        )[:limit]
    )


def notices_recently_updated(*, limit: int) -> list[Notice]:
    return list(
        Notice.objects.select_related("estate").order_by("-updated_at", "-pk")[:limit]
    )


def default_procedure_step_counts() -> dict[str, int]:
    """How many steps the shipped default procedure has in each stage."""
    from .models import StepTemplate

    counts = dict(
        StepTemplate.objects.filter(procedure__is_default_template=True)
        .order_by()
        .values_list("stage")
        .annotate(n=models.Count("pk"))
        .values_list("stage", "n")
    )
    return {stage: counts.get(stage, 0) for stage in Stage.values}
