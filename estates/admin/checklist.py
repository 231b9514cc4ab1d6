"""A compound's step checklist for staff: its steps grouped under their stage
headings, each with its status, dates, reason and documents (issue 6, item 4).

The steps are edited on their own change pages (documents are attached
there); this page is where a clerk sees the whole procedure at a glance.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from ..models import Estate, Step
from ..selectors.estates import STEP_FINISHED, estate_timeline


def checklist_groups(estate: Estate) -> list:
    """The five stages in order with the compound's steps, each stage with
    ``finished`` (done or not applicable) and ``total``. Stages without
    steps are left out: the compound's procedure does not use them."""
    groups = []
    for group in estate_timeline(estate=estate):
        if not group.steps:
            continue
        group.total = len(group.steps)
        group.finished = sum(step.status in STEP_FINISHED for step in group.steps)
        groups.append(group)
    return groups


def checklist_view(model_admin, request, object_id):
    """The page behind ``<admin>/estates/estate/<id>/checklist/``; scoped as
    the compound's change page is (404 out of the user's area)."""
    steps = Step.objects.select_related("template").prefetch_related("documents")
    queryset = model_admin.get_queryset(request).prefetch_related(
        Prefetch("steps", queryset=steps.order_by("number"))
    )
    estate = queryset.filter(pk=object_id).first() if object_id.isdigit() else None
    if estate is None:
        raise Http404(gettext("No such compound."))
    if not model_admin.has_view_permission(request, estate):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Step checklist of %(estate)s") % {"estate": estate},
        "opts": model_admin.opts,
        "original": estate,
        "groups": checklist_groups(estate),
        "may_change_steps": request.user.has_perm("estates.change_step"),
    }
    return TemplateResponse(request, "admin/estates/estate/checklist.html", context)
