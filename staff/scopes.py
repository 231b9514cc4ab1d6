"""Which rows a member of staff may act on (issue 6, item 1).

Every portal model is reached from a district, a subdistrict, a community or
an estate by a lookup path. A user's :class:`~staff.models.StaffAssignment`
names the districts (or counties), subdistricts, communities and estates they
work on; a row is in their scope when
any of its paths leads to one of them. What they may *do* with a row in scope
comes from their group's model permissions (:mod:`staff.roles`).

Parents are reachable from their children (a community's subdistrict is in the
scope of the community's staff), so a form can offer the subdistrict a clerk's
community belongs to; the roles give community staff no permission to change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

Paths = str | tuple[str, ...] | None


def _as_tuple(paths: Paths) -> tuple[str, ...]:
    if not paths:
        return ()
    return (paths,) if isinstance(paths, str) else paths


@dataclass(frozen=True)
class Scope:
    """Lookup paths from a model to the district, subdistrict, community and
    estate it belongs to; ``None`` where there is no such path. Without its own
    ``district`` paths a model reaches its district through its subdistrict.
    ``shared`` rows (a default template) are in everyone's scope;
    ``everywhere`` models (property companies, serving compounds in many
    subdistricts) are not scoped at all."""

    subdistrict: Paths = None
    community: Paths = None
    estate: Paths = None
    district: Paths = None
    shared: Q | None = None
    everywhere: bool = False

    @property
    def district_paths(self) -> tuple[str, ...]:
        if self.district:
            return _as_tuple(self.district)
        return tuple(
            "district" if path == "pk" else f"{path}__district"
            for path in _as_tuple(self.subdistrict)
        )


_ESTATE = Scope(
    subdistrict="estate__community__subdistrict",
    community="estate__community",
    estate="estate",
)


def _through(prefix: str, scope: Scope) -> Scope:
    def join(path):
        return f"{prefix}__{path}" if path else None

    def join_all(paths):
        joined = tuple(join(path) for path in _as_tuple(paths))
        return joined or None

    return Scope(
        subdistrict=join_all(scope.subdistrict),
        community=join_all(scope.community),
        estate=join_all(scope.estate),
        district=join_all(scope.district),
    )


# A programme is kept by the staff of its authority's place: a subdistrict's
# programme by that subdistrict's, a district's or county's by theirs. A
# community's staff reach the programmes of the places above them (their roles
# let them view those and put their compounds in them, not edit them).
_PROGRAMME = Scope(
    subdistrict="subdistrict",
    district=("district", "subdistrict__district"),
    community=(
        "subdistrict__communities",
        "district__subdistricts__communities",
        "covers__communities",
    ),
)
# Feedback about a compound not listed yet goes to the office of the
# subdistrict the resident chose; its community's staff see it once staff
# have created the compound from it.
_FEEDBACK = Scope(
    subdistrict=("estate__community__subdistrict", "subdistrict"),
    community="estate__community",
    estate="estate",
)
_LANE = Scope(
    subdistrict="subdistrict", community="estates__community", estate="estates"
)
_COUNCIL = Scope(subdistrict="subdistrict", community="community", estate="estates")

SCOPES: dict[str, Scope] = {
    # Places: each sees its own subtree; ancestors are reachable from below.
    "estates.Province": Scope(
        district="cities__districts",
        subdistrict="cities__districts__subdistricts",
        community="cities__districts__subdistricts__communities",
        estate="cities__districts__subdistricts__communities__estates",
    ),
    "estates.City": Scope(
        district="districts",
        subdistrict="districts__subdistricts",
        community="districts__subdistricts__communities",
        estate="districts__subdistricts__communities__estates",
    ),
    "estates.District": Scope(
        district="pk",
        subdistrict="subdistricts",
        community="subdistricts__communities",
        estate="subdistricts__communities__estates",
    ),
    "estates.Subdistrict": Scope(
        subdistrict="pk", community="communities", estate="communities__estates"
    ),
    "estates.Community": Scope(
        subdistrict="subdistrict", community="pk", estate="estates"
    ),
    "estates.CommunityChecklistItem": Scope(
        subdistrict="community__subdistrict", community="community"
    ),
    "estates.PropertyCompany": Scope(everywhere=True),
    "estates.MergedCourtyard": Scope(
        subdistrict="subdistrict", community="community", estate="estates"
    ),
    "estates.Estate": Scope(
        subdistrict="community__subdistrict", community="community", estate="pk"
    ),
    "estates.Honour": Scope(
        subdistrict="subdistrict", community="estates__community", estate="estates"
    ),
    "estates.Facility": Scope(
        subdistrict="subdistrict", community="community", estate="estate"
    ),
    "estates.Photo": _ESTATE,
    "estates.Programme": _PROGRAMME,
    "estates.ProgrammeSource": _through("programme", _PROGRAMME),
    "estates.ProgrammeBatch": _through("programme", _PROGRAMME),
    "estates.ProgrammeFigure": _through("programme", _PROGRAMME),
    "estates.ProgrammePillar": _through("programme", _PROGRAMME),
    "estates.CaseStudySection": _through("programme", _PROGRAMME),
    # A compound's clerks may put it into a programme of a place above theirs;
    # the programme's own staff keep its whole list.
    "estates.ProgrammeMembership": Scope(
        subdistrict=("programme__subdistrict", "estate__community__subdistrict"),
        district=(
            "programme__district",
            "programme__subdistrict__district",
            "estate__community__subdistrict__district",
        ),
        community="estate__community",
        estate="estate",
    ),
    "estates.Procedure": Scope(
        subdistrict="subdistricts", shared=Q(is_default_template=True)
    ),
    # Also the templates a compound's steps already follow, so that the
    # compound's page can be saved with its steps as they are.
    "estates.StepTemplate": Scope(
        subdistrict=(
            "procedure__subdistricts",
            "estate_steps__estate__community__subdistrict",
        ),
        community="estate_steps__estate__community",
        estate="estate_steps__estate",
        shared=Q(procedure__is_default_template=True),
    ),
    "estates.Step": _ESTATE,
    "estates.StepDocument": _through("step", _ESTATE),
    "estates.WorksItem": _ESTATE,
    "estates.Funding": _ESTATE,
    "estates.Notice": _ESTATE,
    "estates.Inspection": _ESTATE,
    "lanes.Lane": _LANE,
    "lanes.LaneFeature": _through("lane", _LANE),
    "lanes.LaneTenant": _through("lane", _LANE),
    "lanes.LaneHonour": _through("lane", _LANE),
    "lanes.Event": Scope(subdistrict="subdistrict", community="facility__community"),
    "governance.Council": _COUNCIL,
    "governance.Meeting": _through("council", _COUNCIL),
    "governance.Organisation": Scope(subdistrict="subdistrict", community="community"),
    "governance.MediationCase": Scope(subdistrict="subdistrict", community="community"),
    "governance.Award": Scope(subdistrict="subdistrict"),
    "governance.AwardGrant": Scope(
        subdistrict="award__subdistrict",
        community="estate__community",
        estate="estate",
    ),
    "governance.Practice": Scope(subdistrict="subdistrict"),
    "governance.Feedback": _FEEDBACK,
    "governance.Survey": _ESTATE,
    "governance.SurveyResponse": _through("survey", _ESTATE),
    "governance.FeedbackContact": _through("feedback", _FEEDBACK),
    "governance.FeedbackReply": _through("feedback", _FEEDBACK),
    "governance.FeedbackStatusChange": _through("feedback", _FEEDBACK),
    "governance.FeedbackPhoto": _through("feedback", _FEEDBACK),
}


def scope_for(model: type[models.Model]) -> Scope | None:
    """The model's scope, or ``None`` for a model outside the portal's apps
    (users, groups), which only superusers manage."""
    return SCOPES.get(model._meta.label)


@dataclass(frozen=True)
class Reach:
    """The places one user works on, read once per request."""

    subdistricts: frozenset[int]
    communities: frozenset[int]
    estates: frozenset[int]
    districts: frozenset[int] = frozenset()


def reach_of(user) -> Reach:
    """The user's assignment, cached on the user object for the request."""
    cached = getattr(user, "_staff_reach", None)
    if cached is not None:
        return cached
    from staff.models import StaffAssignment

    assignment = (
        StaffAssignment.objects.filter(user=user)
        .prefetch_related("districts", "subdistricts", "communities", "estates")
        .first()
        if user.is_authenticated
        else None
    )
    if assignment is None:
        reach = Reach(frozenset(), frozenset(), frozenset())
    else:
        reach = Reach(
            frozenset(s.pk for s in assignment.subdistricts.all()),
            frozenset(c.pk for c in assignment.communities.all()),
            frozenset(e.pk for e in assignment.estates.all()),
            frozenset(d.pk for d in assignment.districts.all()),
        )
    user._staff_reach = reach
    return reach


def in_scope_q(model: type[models.Model], user) -> Q | None:
    """The condition for rows of ``model`` the user may act on; ``None`` means
    every row (superusers, unscoped models)."""
    if user.is_superuser:
        return None
    scope = scope_for(model)
    if scope is None or scope.everywhere:
        return None
    reach = reach_of(user)
    condition = Q(pk__in=[])
    for paths, ids in (
        (scope.district_paths, reach.districts),
        (scope.subdistrict, reach.subdistricts),
        (scope.community, reach.communities),
        (scope.estate, reach.estates),
    ):
        if not paths or not ids:
            continue
        for path in _as_tuple(paths):
            condition |= Q(**{f"{path}__in": sorted(ids)})
    if scope.shared is not None:
        condition |= scope.shared
    return condition


def scoped(queryset: models.QuerySet, user) -> models.QuerySet:
    """``queryset`` narrowed to the user's scope.

    Paths through reverse and many-to-many relations would repeat a row once
    per match, so the condition is applied in a subquery on the primary key.
    """
    condition = in_scope_q(queryset.model, user)
    if condition is None:
        return queryset
    inner = queryset.model._base_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


def is_in_scope(obj: models.Model, user) -> bool:
    if obj is None or obj.pk is None:
        return True
    condition = in_scope_q(type(obj), user)
    if condition is None:
        return True
    return type(obj)._base_manager.filter(condition, pk=obj.pk).exists()
