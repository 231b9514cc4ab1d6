"""Reads of compounds, communities and merged courtyards for pages and the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, JSONObject
from django.urls import reverse
from django.utils import timezone

from renovation_portal.translation import (
    CONTENT_LANGUAGES,
    active_content_language,
    column,
)

from ..models import (
    ChecklistCategory,
    Community,
    CommunityChecklistItem,
    Estate,
    Facility,
    Funding,
    MergedCourtyard,
    Notice,
    Photo,
    PhotoKind,
    ProgrammeBatch,
    ProgrammeMembership,
    Stage,
    Step,
    StepStatus,
    Tier,
    WorksItem,
)

# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


def estate_list() -> QuerySet[Estate]:
    return Estate.objects.select_related("community", "property_company").order_by(
        "name_zh_hans", "pk"
    )


# ---------------------------------------------------------------------------
# One estate
# ---------------------------------------------------------------------------

# The other compounds an honour names, shown on a compound's page.
HONOUR_PARTNERS = 5
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


class JSONRows(models.Aggregate):
    """A group's values as one JSON array: ``json_group_array`` on SQLite,
    ``jsonb_agg`` on PostgreSQL."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _funding_rows() -> Subquery:
    """An estate's funding entries (at most one per source) as one JSON value
    of the estate's own row: one query fewer for the estate page (issue 7:
    at most 10 queries). The amount travels as text, so no digit is lost."""
    entry = JSONObject(
        id="id",
        source="source",
        amount_yuan=Cast("amount_yuan", models.CharField()),
        **{name: name for name in _both_languages("note")},
    )
    return Subquery(
        Funding.objects.filter(estate=OuterRef("pk"))
        .order_by()
        .values("estate")
        .annotate(rows=JSONRows(entry))
        .values("rows")
    )


def _programme_rows() -> Subquery:
    """The programmes an estate is in, with its batch and the stage their
    source reported, as one JSON value of the estate's own row (no query of
    their own on the estate page)."""
    entry = JSONObject(
        slug="programme__slug",
        position="programme__position",
        batch_kind="batch__kind",
        batch_year="batch__year",
        batch_number="batch__number",
        reported_stage="reported_stage",
        reported_on=Cast("reported_on", models.CharField()),
        **{
            f"name_{code.replace('-', '_')}": f"programme__{column('short_name', code)}"
            for code in CONTENT_LANGUAGES
        },
    )
    return Subquery(
        ProgrammeMembership.objects.filter(estate=OuterRef("pk"))
        .order_by()
        .values("estate")
        .annotate(rows=JSONRows(entry))
        .values("rows")
    )


@dataclass(frozen=True)
class EstateProgramme:
    """A programme a compound is in, as its page names it."""

    slug: str
    name: str
    name_zh: str
    position: int
    batch: str
    reported_stage: str | None
    reported_on: datetime.date | None

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme-detail", kwargs={"slug": self.slug})


def estate_programmes(*, estate: Estate) -> list[EstateProgramme]:
    """The programmes the estate is in, in the programmes' order.

    Reads the ``programme_rows`` that :func:`estate_detail` adds (no query);
    queries only for an estate fetched some other way."""
    rows = getattr(estate, "programme_rows", None)
    if not hasattr(estate, "programme_rows"):
        rows = [
            {
                "slug": m.programme.slug,
                "position": m.programme.position,
                "batch_kind": m.batch.kind if m.batch else None,
                "batch_year": m.batch.year if m.batch else None,
                "batch_number": m.batch.number if m.batch else None,
                "reported_stage": m.reported_stage,
                "reported_on": m.reported_on.isoformat() if m.reported_on else None,
                **{
                    f"name_{code.replace('-', '_')}": getattr(
                        m.programme, column("short_name", code)
                    )
                    for code in CONTENT_LANGUAGES
                },
            }
            for m in estate.memberships.select_related("programme", "batch")
        ]
    language = active_content_language().replace("-", "_")
    result = []
    for row in rows or []:
        batch = ""
        if row["batch_kind"]:
            batch = ProgrammeBatch(
                kind=row["batch_kind"],
                year=row["batch_year"],
                number=row["batch_number"],
            ).label
        reported_on = row["reported_on"]
        result.append(
            EstateProgramme(
                slug=row["slug"],
                name=row[f"name_{language}"] or row["name_zh_hans"],
                name_zh=row["name_zh_hans"],
                position=row["position"],
                batch=str(batch),
                reported_stage=row["reported_stage"],
                reported_on=(
                    datetime.date.fromisoformat(reported_on[:10])
                    if reported_on
                    else None
                ),
            )
        )
    return sorted(result, key=lambda item: (item.position, item.name_zh))


def estate_funding(*, estate: Estate) -> list[Funding]:
    """The estate's funding entries in the order of their sources.

    Reads the ``funding_rows`` that :func:`estate_detail` adds (no query);
    queries only for an estate fetched some other way.
    """
    if not hasattr(estate, "funding_rows"):
        return list(estate.funding.order_by("source"))
    places = Decimal(10) ** -Funding._meta.get_field("amount_yuan").decimal_places
    entries = []
    for stored in estate.funding_rows or []:
        row = dict(stored)
        amount = row.pop("amount_yuan")
        if amount is not None:
            amount = Decimal(amount).quantize(places)
        entries.append(Funding(estate=estate, amount_yuan=amount, **row))
    return sorted(entries, key=lambda entry: entry.source)


def estate_detail(
    *, now: datetime.datetime | None = None, honour_partners: bool = False
) -> QuerySet[Estate]:
    """Estates with everything the estate page shows, in a fixed number of queries.

    ``honour_partners`` adds, to each honour, ``named_estates``: the first
    compounds it names (the page links the others; the API does not).

    Adds ``shown_photos`` (photos that have an image), ``current_notices``
    (notices not yet over), ``funding_rows`` (read them with
    :func:`estate_funding`) and, where the governance app is installed,
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
        "honours",
        *_council_prefetch(Estate, today=timezone.localdate(now)),
    ]
    if honour_partners:
        # A source names compounds honoured together: each honour links the
        # others it names, a few at most.
        prefetches.append(
            Prefetch(
                "honours__estates",
                queryset=Estate.objects.only("slug", *_both_languages("name")).order_by(
                    "name_zh_hans", "pk"
                )[: HONOUR_PARTNERS + 2],  # itself, and one to know there are more
                to_attr="named_estates",
            )
        )
    if _reverse_model(Estate, "lanes") is not None:
        prefetches.append("lanes")
    return (
        Estate.objects.select_related(
            "community__subdistrict", "property_company", "courtyard"
        )
        .annotate(funding_rows=_funding_rows(), programme_rows=_programme_rows())
        .prefetch_related(*prefetches)
    )


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


def community_list() -> QuerySet[Community]:
    return Community.objects.select_related("subdistrict").order_by(
        "name_zh_hans", "pk"
    )


def courtyard_list() -> QuerySet[MergedCourtyard]:
    return MergedCourtyard.objects.select_related("community", "subdistrict").order_by(
        "name_zh_hans", "pk"
    )


def facility_list() -> QuerySet[Facility]:
    return Facility.objects.select_related("community", "estate", "courtyard").order_by(
        "kind", "name_zh_hans", "pk"
    )


def notice_list() -> QuerySet[Notice]:
    return Notice.objects.select_related("estate").order_by("-starts_at", "-pk")


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
