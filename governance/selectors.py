"""Reads shared by the governance page (and the API); each carries its joins.

Meetings are read without their minutes, which are for staff only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from estates.models import ProgrammeFact

from .models import (
    Award,
    AwardGrant,
    Council,
    CouncilLevel,
    Feedback,
    FeedbackReply,
    FeedbackStatusChange,
    Integration,
    MediationCase,
    MediationStatus,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Practice,
    normalize_reference,
)

LATEST_MEETINGS = 3
# The public fields of a meeting: never its minutes or who attended.
MEETING_PUBLIC_FIELDS = (
    "id",
    "council_id",
    "kind",
    "held_on",
    "title_zh_hans",
    "title_en",
    "agenda_zh_hans",
    "agenda_en",
    "decisions_zh_hans",
    "decisions_en",
)
COUNCIL_FACT_KEYS = ("council-communities",)
MEDIATION_FACT_KEYS = ("disputes-mediated",)


def meetings_public() -> QuerySet[Meeting]:
    return Meeting.objects.only(*MEETING_PUBLIC_FIELDS)


def council_list() -> QuerySet[Council]:
    """Councils with their latest meetings in ``council.latest_meetings``.

    A window function keeps only each council's last few meetings, in the
    same one query whatever the number of councils.
    """
    latest = (
        meetings_public()
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("council_id")],
                order_by=[F("held_on").desc(), F("id").desc()],
            )
        )
        .filter(recency__lte=LATEST_MEETINGS)
        .order_by("-held_on", "-id")
    )
    return Council.objects.select_related("community", "courtyard").prefetch_related(
        Prefetch("meetings", queryset=latest, to_attr="latest_meetings")
    )


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    items: list


def councils_by_level() -> list[Group]:
    """Every level, in order subdistrict → community → courtyard, even when empty."""
    councils = list(council_list())
    return [
        Group(level, label, [c for c in councils if c.level == level])
        for level, label in CouncilLevel.choices
    ]


def meeting_counts_by_kind() -> dict[str, int]:
    """How many meetings of each kind are recorded (zero included)."""
    counts = dict(
        Meeting.objects.order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {kind: counts.get(kind, 0) for kind in MeetingKind.values}


def organisation_list() -> QuerySet[Organisation]:
    """Top-level organisations with their recorded sub-teams."""
    return (
        Organisation.objects.filter(parent__isnull=True)
        .select_related("community", "courtyard")
        .prefetch_related(
            Prefetch(
                "sub_teams", queryset=Organisation.objects.order_by("name_zh_hans")
            )
        )
    )


def organisations_split() -> tuple[list[Group], list[Organisation]]:
    """(Organisations other than volunteer teams, grouped by kind; volunteer teams.)"""
    volunteer_kinds = {
        OrganisationKind.VOLUNTEER_TEAM,
        OrganisationKind.VOLUNTEER_SUB_TEAM,
    }
    organisations = list(organisation_list())
    groups = [
        Group(kind, label, [o for o in organisations if o.kind == kind])
        for kind, label in OrganisationKind.choices
        if kind not in volunteer_kinds
    ]
    teams = [o for o in organisations if o.kind in volunteer_kinds]
    return [g for g in groups if g.items], teams


def award_list() -> QuerySet[Award]:
    return Award.objects.prefetch_related(
        Prefetch(
            "grants",
            queryset=AwardGrant.objects.select_related("estate").order_by(
                "-year", "id"
            ),
        )
    )


def practices_by_integration() -> list[Group]:
    """The Four Integrations in their own order, each with its practices."""
    practices = list(Practice.objects.order_by("position", "id"))
    return [
        Group(key, label, [p for p in practices if p.integration == key])
        for key, label in Integration.choices
    ]


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


def mediation_counts() -> list[Tally]:
    """Mediation cases recorded in the portal, by status (zero included)."""
    counts = dict(
        MediationCase.objects.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [
        Tally(status, label, counts.get(status, 0))
        for status, label in MediationStatus.choices
    ]


def programme_facts(keys: tuple[str, ...]) -> QuerySet[ProgrammeFact]:
    return (
        ProgrammeFact.objects.filter(key__in=keys)
        .select_related("subdistrict")
        .order_by("subdistrict", "position")
    )


# Programme-wide reads (home, case study)


def governance_counts() -> dict[str, int]:
    """How many councils, organisations and awards are recorded."""
    return {
        "councils": Council.objects.count(),
        "organisations": Organisation.objects.count(),
        "awards": Award.objects.count(),
    }


# ------------------------------------------------------------------------------
# Resident feedback: what anyone holding the reference may see. Never the
# contact details (another table, not joined), the resident's text, photos,
# internal notes or which clerk did what.
# ------------------------------------------------------------------------------
def feedback_public(reference: str) -> Feedback | None:
    """Feedback by its reference as typed, with its history and public replies."""
    normalized = normalize_reference(reference)
    if not normalized:
        return None
    return (
        Feedback.objects.filter(reference=normalized)
        .select_related("estate")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=FeedbackStatusChange.objects.only(
                    "id", "feedback_id", "status", "reason", "changed_at"
                ),
                to_attr="public_history",
            ),
            Prefetch(
                "replies",
                queryset=FeedbackReply.objects.filter(is_public=True).only(
                    "id", "feedback_id", "text", "created_at"
                ),
                to_attr="public_replies",
            ),
        )
        .first()
    )
