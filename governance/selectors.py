"""Reads shared by the governance page (and the API); each carries its joins.

Meetings are read without their minutes, which are for staff only.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from renovation_portal import prepared

from .models import (
    Award,
    AwardGrant,
    Council,
    CouncilLevel,
    Feedback,
    FeedbackReply,
    FeedbackStatusChange,
    MediationCase,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Practice,
    normalize_reference,
)
from .models.surveys import (
    SURVEY_MIN_RESPONSES,
    Dimension,
    Score,
    Survey,
    SurveyResponse,
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


def meetings_public() -> QuerySet[Meeting]:
    return Meeting.objects.only(*MEETING_PUBLIC_FIELDS)


def meetings_recently_held(*, limit: int, today: datetime.date) -> list[Meeting]:
    """The council meetings most recently held up to ``today``, across every
    council, with the council and the place it serves (index meeting_held)."""
    return list(
        Meeting.objects.filter(held_on__lte=today)
        .select_related("council__community", "council__courtyard")
        .only(
            "kind",
            "held_on",
            "title_zh_hans",
            "title_en",
            "council__name_zh_hans",
            "council__name_en",
            "council__community__slug",
            "council__courtyard__slug",
        )
        .order_by("-held_on", "-pk")[:limit]
    )


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


# A programme's area as a condition on a path to a subdistrict
# (estates.selectors.programmes.programme_area_q), or None for everywhere.
Area = Callable[[str], Q] | None


def _within(queryset: QuerySet, area: Area, path: str = "subdistrict") -> QuerySet:
    return queryset if area is None else queryset.filter(area(path))


LEVEL_ORDER = {level: n for n, level in enumerate(CouncilLevel.values)}


def councils_in_order(*, area: Area = None) -> QuerySet[Council]:
    """Councils by level (subdistrict → community → courtyard), then name,
    with their latest meetings: for a page at a time, never all of them."""
    level_order = Case(
        *(When(level=level, then=Value(n)) for level, n in LEVEL_ORDER.items()),
        default=Value(len(LEVEL_ORDER)),
        output_field=IntegerField(),
    )
    return (
        _within(council_list(), area)
        .annotate(level_order=level_order)
        .order_by("level_order", "name_zh_hans", "pk")
    )


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


VOLUNTEER_KINDS = (OrganisationKind.VOLUNTEER_TEAM, OrganisationKind.VOLUNTEER_SUB_TEAM)


def organisations_split(
    *, area: Area = None, limit: int | None = None
) -> tuple[list[Group], list[Organisation], dict[str, bool]]:
    """(Organisations other than volunteer teams, grouped by kind; volunteer
    teams; whether more than ``limit`` of either are recorded), of each the
    first ``limit`` by name."""
    within = _within(organisation_list(), area).order_by("name_zh_hans", "pk")
    if limit is not None:
        # The first ``limit`` of each and one more, in one query.
        is_team = Case(
            When(kind__in=VOLUNTEER_KINDS, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        within = within.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[is_team],
                order_by=[F("name_zh_hans").asc(), F("pk").asc()],
            )
        ).filter(rank__lte=limit + 1)
    organisations = list(within)
    others = [o for o in organisations if o.kind not in VOLUNTEER_KINDS]
    teams = [o for o in organisations if o.kind in VOLUNTEER_KINDS]
    more = {"organisations": False, "volunteer_teams": False}
    if limit is not None:
        more = {
            "organisations": len(others) > limit,
            "volunteer_teams": len(teams) > limit,
        }
        others, teams = others[:limit], teams[:limit]
    groups = [
        Group(kind, label, [o for o in others if o.kind == kind])
        for kind, label in OrganisationKind.choices
        if kind not in VOLUNTEER_KINDS
    ]
    return [g for g in groups if g.items], teams, more


def award_list(*, area: Area = None) -> QuerySet[Award]:
    return _within(Award.objects.all(), area).prefetch_related(
        Prefetch(
            "grants",
            queryset=AwardGrant.objects.select_related("estate").order_by(
                "-year", "id"
            ),
        )
    )


def practice_list(*, area: Area = None) -> QuerySet[Practice]:
    """Named practices with their pillar and programme, by pillar
    (programmes and pillars in their order), those without one last."""
    return (
        _within(Practice.objects.all(), area)
        .select_related("pillar__programme")
        .order_by(
            F("pillar__programme__position").asc(nulls_last=True),
            F("pillar__position").asc(nulls_last=True),
            "position",
            "id",
        )
    )


def practices_grouped(practices) -> list[Group]:
    """Practices (in practice_list's order) under the pillar of the
    programme's model they belong to; those without one with an empty key."""
    groups: dict[int | None, Group] = {}
    for practice in practices:
        pillar = practice.pillar
        key = pillar.pk if pillar else None
        if key not in groups:
            groups[key] = Group(str(key or ""), pillar, [])
        groups[key].items.append(practice)
    return list(groups.values())


def area_counts(*, area: Area = None) -> dict[str, dict[str, int]]:
    """Councils by level, meetings by kind and mediation cases by status,
    in the area or the whole country, in one query."""

    def grouped(queryset: QuerySet, field: str, tag: str) -> QuerySet:
        return (
            _within(
                queryset,
                area,
                "council__subdistrict" if tag == "meetings" else "subdistrict",
            )
            .order_by()
            .annotate(tag=Value(tag, output_field=CharField()))
            .values_list("tag", field)
            .annotate(n=Count("id"))
        )

    rows = grouped(Council.objects.all(), "level", "councils").union(
        grouped(Meeting.objects.all(), "kind", "meetings"),
        grouped(MediationCase.objects.all(), "status", "mediation"),
        all=True,
    )
    counts: dict[str, dict[str, int]] = {
        "councils": {},
        "meetings": dict.fromkeys(MeetingKind.values, 0),
        "mediation": {},
    }
    for tag, key, n in rows:
        counts[tag][key] = n
    return counts


def governance_totals(*, area: Area = None) -> dict:
    """How many councils (by level), meetings (by kind), organisations,
    volunteer teams, awards, practices and mediation cases (by status) are
    recorded, in the area or the whole country: plain numbers, in four
    queries whatever the size of the register."""

    top_level = Organisation.objects.filter(parent__isnull=True)
    organisations = _within(top_level, area).aggregate(
        teams=Count("id", filter=Q(kind__in=VOLUNTEER_KINDS)),
        others=Count("id", filter=~Q(kind__in=VOLUNTEER_KINDS)),
    )
    return {
        **area_counts(area=area),
        "organisations": organisations["others"],
        "volunteer_teams": organisations["teams"],
        "awards": _within(Award.objects.all(), area).count(),
        "practices": _within(Practice.objects.all(), area).count(),
    }


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
        .select_related("estate", "subdistrict")
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


# ------------------------------------------------------------------------------
# Satisfaction surveys (issue 5, item 4): aggregates only, never an answer.
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreCount:
    score: int
    label: str
    count: int


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    label: str
    mean: Decimal
    distribution: list[ScoreCount]


@dataclass(frozen=True)
class SurveyResults:
    """What the public may see of a survey: ``results`` is None (nothing but
    the survey's dates) until it has ``SURVEY_MIN_RESPONSES`` answers."""

    survey: Survey
    is_open: bool
    responses: int
    results: list[DimensionResult] | None
    latest_answer: datetime.datetime | None

    @property
    def min_responses(self) -> int:
        return SURVEY_MIN_RESPONSES


def _count_key(dimension: str, score: int) -> str:
    return f"n_{dimension}_{score}"


def _mean(distribution: list[ScoreCount], total: int) -> Decimal:
    points = sum(item.score * item.count for item in distribution)
    # Half up, as residents round (4.25 → 4.3), not Python's half to even.
    return (Decimal(points) / Decimal(total)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _surveys_with_counts() -> QuerySet[Survey]:
    """Surveys annotated with their answer count and, per dimension and score,
    how many answers gave it: every aggregate in the one query.

    Each call returns a fresh copy of a queryset built once per process:
    resolving its 22 aggregates took 1.2 ms of every estate page, with or
    without a survey (issue 7)."""
    return _counted_surveys().all()


@functools.cache
def _counted_surveys() -> QuerySet[Survey]:
    # Never evaluated itself, only copied: it holds no rows.
    counts = {
        _count_key(dimension, score): Count(
            "responses", filter=Q(**{f"responses__{dimension}": score})
        )
        for dimension in Dimension.values
        for score in Score.values
    }
    return Survey.objects.annotate(
        n_responses=Count("responses"),
        latest_answer=Max("responses__created_at"),
        **counts,
    )


def _results(survey: Survey, today: datetime.date) -> SurveyResults:
    total = survey.n_responses
    results = None
    if total >= SURVEY_MIN_RESPONSES:
        results = []
        for dimension in Dimension:
            distribution = [
                ScoreCount(
                    score=score.value,
                    label=score.label,
                    count=getattr(survey, _count_key(dimension.value, score.value)),
                )
                for score in Score
            ]
            results.append(
                DimensionResult(
                    dimension=dimension.value,
                    label=dimension.label,
                    mean=_mean(distribution, total),
                    distribution=distribution,
                )
            )
    return SurveyResults(
        survey=survey,
        is_open=survey.is_open_on(today),
        responses=total,
        results=results,
        latest_answer=survey.latest_answer,
    )


def estate_satisfaction(
    *, estate, today: datetime.date | None = None
) -> SurveyResults | None:
    """The estate's survey (the open one, else the latest that has opened) with
    its aggregates, in one query; None when the estate has had no survey."""
    today = today or timezone.localdate()
    found = _estate_survey().rows(estate_id=estate.pk, today=today)
    if not found:
        return None
    names = prepared.attnames(Survey)
    survey = prepared.record(Survey, names, found[0])
    for name, value in zip(_SURVEY_FIGURES, found[0][len(names) :], strict=True):
        setattr(survey, name, value)
    return _results(survey, today)


# The figures of _counted_surveys, in the order _estate_survey reads them.
_SURVEY_FIGURES = (
    "n_responses",
    "latest_answer",
    *(
        _count_key(dimension, score)
        for dimension in Dimension.values
        for score in Score.values
    ),
)


@functools.cache
def _estate_survey() -> prepared.Prepared:
    """A compound's survey with its figures, compiled once per process (its
    22 aggregates took a quarter of a compound page's template; issue 17)."""
    return prepared.Prepared(
        lambda estate_id, today: (
            _counted_surveys()
            .filter(estate_id=estate_id, opens_on__lte=today)
            .order_by("-opens_on", "-pk")
            .values_list(*prepared.attnames(Survey), *_SURVEY_FIGURES)[:1]
        ),
        estate_id=prepared.ID,
        today=prepared.DATE,
    )


def survey_answer_changes(response) -> set[str]:
    """The page-cache tags a survey answer's write changes: the survey's
    public results, once it has enough answers to show them (one count)."""
    from renovation_portal import page_cache

    counted = SurveyResponse.objects.filter(survey_id=response.survey_id).aggregate(
        answers=Count("pk"), stored=Count("pk", filter=Q(pk=response.pk))
    )
    answers = counted["answers"]
    # Saved: shown from the minimum on. Deleted: the answer that took the
    # count below the minimum hid the results.
    shown = answers >= SURVEY_MIN_RESPONSES or (
        not counted["stored"] and answers == SURVEY_MIN_RESPONSES - 1
    )
    if shown:
        return {page_cache.children_tag(Survey(pk=response.survey_id))}
    return set()


def survey_results(*, survey: Survey, today: datetime.date | None = None):
    """One survey's aggregates (for staff: the admin shows them at any count)."""
    annotated = _surveys_with_counts().get(pk=survey.pk)
    return _results(annotated, today or timezone.localdate())


def survey_open_for_estate(
    *, slug: str, today: datetime.date | None = None
) -> Survey | None:
    """The survey residents of the estate ``slug`` can answer today, if any."""
    today = today or timezone.localdate()
    return (
        Survey.objects.select_related("estate")
        .filter(estate__slug=slug, opens_on__lte=today)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .order_by("-opens_on", "-pk")
        .first()
    )


def survey_answered(*, survey: Survey, device_key: str) -> bool:
    return SurveyResponse.objects.filter(survey=survey, device_key=device_key).exists()


# ------------------------------------------------------------------------------
# The feedback form's steps: finding the compound, or the office of one that is
# not listed. Each answers at most ``limit`` rows, however large the register.
# ------------------------------------------------------------------------------
FEEDBACK_MATCHES = 10


def feedback_compound_matches(query: str, *, limit: int = FEEDBACK_MATCHES) -> list:
    """The best ``limit`` compounds for what a resident typed, with their
    community and subdistrict to tell same-named compounds apart."""
    from estates.selectors.search import estate_search

    if not query.strip():
        return []
    return list(
        estate_search(query=query)
        .select_related(None)
        .select_related("community__subdistrict")
        .only(
            "pk",
            "slug",
            "name_zh_hans",
            "name_en",
            "community__name_zh_hans",
            "community__name_en",
            "community__subdistrict__name_zh_hans",
            "community__subdistrict__name_en",
        )[:limit]
    )


def feedback_subdistrict_matches(
    query: str, *, district=None, limit: int = FEEDBACK_MATCHES
) -> tuple[list, bool]:
    """Subdistricts (and towns) whose name holds ``query`` in either language,
    with their district and city, of ``district`` if given; every one when
    there are no more than ``limit`` and nothing is typed. Also whether more
    matched than are shown."""
    from estates.models import Subdistrict

    subdistricts = Subdistrict.objects.select_related("district__city").order_by(
        "name_zh_hans", "pk"
    )
    if district is not None:
        subdistricts = subdistricts.filter(district=district)
    text = " ".join(query.split())
    if text:
        subdistricts = subdistricts.filter(
            Q(name_zh_hans__icontains=text) | Q(name_en__icontains=text)
        )
    found = list(subdistricts[: limit + 1])
    if not text and len(found) > limit:
        return [], True
    return found[:limit], len(found) > limit
