"""The staff dashboard on the admin's home page: what is late, per community.

For each community the clerk may see: compounds by stage, steps overdue
(planned date passed, not done or set aside), resident feedback waiting longer
than ``FEEDBACK_WAITING_DAYS`` without a reply or status change, and councils
whose weekly, monthly or quarterly meeting is due (governance/overdue.py).
Each figure links to the admin change list filtered to exactly those rows.

Every queryset comes from the registered ModelAdmin's ``get_queryset(request)``,
so whatever scoping the admin gives a clerk (their community only) shapes the
dashboard too; a column whose model the clerk may not view is left out. The
figures are grouped counts: five queries whatever the number of communities.

It draws on several apps, so it lives in the site-level app; the rules it
counts live in the apps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from estates.models import Community, Estate, Stage, Step
from estates.services import FINISHED
from governance.models import CLOSED_STATUSES, Council, Feedback, FeedbackStatus
from governance.overdue import councils_meeting_due, feedback_waiting

NO_STAGE = ""
OPEN = [status for status in FeedbackStatus.values if status not in CLOSED_STATUSES]


@dataclass
class Figure:
    count: int
    url: str


@dataclass
class CommunityRow:
    community: Community
    stages: list[Figure] = field(default_factory=list)
    steps_overdue: Figure | None = None
    feedback_waiting: Figure | None = None
    councils_due: Figure | None = None


@dataclass
class Dashboard:
    rows: list[CommunityRow]
    stage_labels: list[str]
    show_stages: bool
    show_steps: bool
    show_feedback: bool
    show_councils: bool
    waiting_days: int
    # Open feedback about compounds the register does not hold yet.
    unlisted: Figure | None = None


def _changelist(site: admin.AdminSite, model: type[Model], **params) -> str:
    opts = model._meta
    url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(params)}"


def _visible(site: admin.AdminSite, request, model: type[Model]) -> QuerySet | None:
    """The ModelAdmin's queryset, or None when the clerk may not view the model."""
    if not site.is_registered(model):
        return None
    model_admin = site.get_model_admin(model)
    if not model_admin.has_view_or_change_permission(request):
        return None
    return model_admin.get_queryset(request).order_by()


def _counts(queryset: QuerySet | None, *group: str) -> dict:
    if queryset is None:
        return {}
    rows = queryset.values(*group).annotate(n=Count("pk", distinct=True))
    return {tuple(row[g] for g in group): row["n"] for row in rows}


def steps_overdue(queryset: QuerySet) -> QuerySet:
    """The rule of the steps list's "late" filter (estates/admin/progress.py)."""
    return queryset.filter(planned_on__lt=timezone.localdate()).exclude(
        status__in=FINISHED
    )


def staff_dashboard(request, site: admin.AdminSite = admin.site) -> Dashboard | None:
    from django.conf import settings

    communities = _visible(site, request, Community)
    if communities is None:
        return None
    estates = _visible(site, request, Estate)
    steps = _visible(site, request, Step)
    feedback = _visible(site, request, Feedback)
    councils = _visible(site, request, Council)

    by_stage = _counts(estates, "community_id", "stage")
    overdue = _counts(
        None if steps is None else steps_overdue(steps), "estate__community_id"
    )
    waiting = _counts(
        None if feedback is None else feedback_waiting(feedback),
        "estate__community_id",
    )
    due = _counts(
        None if councils is None else councils_meeting_due(councils), "community_id"
    )

    stages = [*Stage.values, NO_STAGE]
    rows = []
    for community in communities.order_by("name_zh_hans", "pk"):
        key = community.pk
        row = CommunityRow(community=community)
        for stage in stages:
            params = {"community__id__exact": key}
            if stage:
                params["stage__exact"] = stage
            else:
                params["stage__isnull"] = "True"
            row.stages.append(
                Figure(
                    by_stage.get((key, stage or None), 0),
                    _changelist(site, Estate, **params),
                )
            )
        filtered = {"estate__community__id__exact": key}
        row.steps_overdue = Figure(
            overdue.get((key,), 0), _changelist(site, Step, late="yes", **filtered)
        )
        row.feedback_waiting = Figure(
            waiting.get((key,), 0),
            _changelist(site, Feedback, waiting="yes", **filtered),
        )
        row.councils_due = Figure(
            due.get((key,), 0),
            _changelist(site, Council, meeting_due="yes", community__id__exact=key),
        )
        rows.append(row)
    return Dashboard(
        rows=rows,
        stage_labels=[*Stage.labels, None],
        show_stages=estates is not None,
        show_steps=steps is not None,
        show_feedback=feedback is not None,
        show_councils=councils is not None,
        waiting_days=settings.FEEDBACK_WAITING_DAYS,
        unlisted=None
        if feedback is None
        else Figure(
            feedback.filter(estate__isnull=True)
            .exclude(status__in=CLOSED_STATUSES)
            .count(),
            _changelist(site, Feedback, listed="no", status__in=",".join(OPEN)),
        ),
    )
