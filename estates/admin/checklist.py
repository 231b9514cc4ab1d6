"""A compound's step checklist for staff: its steps grouped under their stage
headings, each with its status, dates, reason and documents (issue 6, item 4).

A clerk who may change steps updates several of them here in one save
(issue 16, item 13): each row carries the version it was opened at, so a row
someone else saved meanwhile refuses the whole save and says what changed;
a step marked done needs its date; the compound's stage follows. Documents
are attached on a step's own page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from renovation_portal.admin_base import VersionedRowFormMixin
from renovation_portal.models import StaleRecordError

from ..models import Estate, Step
from ..selectors.estates import STEP_FINISHED, estate_timeline
from ..services import estate_refresh_stage
from .progress import PendingStatusesMixin, StepForm

CHANGE_STEP = "estates.change_step"


class ChecklistStepForm(VersionedRowFormMixin, StepForm):
    class Meta:
        model = Step
        fields = [
            "status",
            "planned_on",
            "done_on",
            "not_applicable_reason_zh_hans",
        ]
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}),
            "done_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"not_applicable_reason_zh_hans": _("reason not applicable")}


class ChecklistFormSet(PendingStatusesMixin, forms.BaseModelFormSet):
    """The compound's own steps and no others: a row that names a step the
    page did not show (a forged or stale form) refuses the save."""

    def clean(self):
        super().clean()
        if any(row.instance._state.adding for row in self.forms):
            raise forms.ValidationError(
                gettext(
                    "The list of steps has changed since this page was opened. "
                    "Open it again; nothing was saved."
                ),
                code="steps_changed",
            )


StepRows = forms.modelformset_factory(
    Step, form=ChecklistStepForm, formset=ChecklistFormSet, extra=0, can_delete=False
)


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


def _save(estate, rows) -> int:
    """Save the rows the clerk changed, all or none; the stage follows."""
    changed = []
    with transaction.atomic():
        for row in rows.forms:
            if not row.has_changed():
                continue
            step = row.save(commit=False)
            step.is_sample = False
            step.save()
            changed.append(step)
        if changed:
            estate_refresh_stage(
                estate=estate, cause=max(changed, key=lambda step: step.number)
            )
    return len(changed)


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
    may_change = request.user.has_perm(CHANGE_STEP)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    rows = None
    if request.method == "POST":
        # Steps of their own: validating writes what was typed into the
        # rows' objects, and the headings and counts must show what is saved.
        rows = StepRows(
            request.POST,
            queryset=Step.objects.filter(estate=estate).order_by("number"),
            prefix="steps",
        )
    elif may_change:
        # The prefetched steps (ordered): the rows cost no query of their own.
        rows = StepRows(queryset=estate.steps.all(), prefix="steps")
    if request.method == "POST" and rows.is_valid():
        try:
            saved = _save(estate, rows)
        except StaleRecordError:
            model_admin.message_user(
                request,
                gettext(
                    "Someone else saved one of these steps at the same moment. "
                    "Nothing was saved; the page shows the steps as they are now."
                ),
                messages.ERROR,
            )
        else:
            model_admin.message_user(
                request,
                ngettext("Saved %(count)d step.", "Saved %(count)d steps.", saved)
                % {"count": saved}
                if saved
                else gettext("Nothing was changed."),
                messages.SUCCESS if saved else messages.INFO,
            )
        return HttpResponseRedirect(request.get_full_path())
    groups = checklist_groups(estate)
    if rows is not None:
        by_step = {row.instance.pk: row for row in rows.forms}
        for group in groups:
            for step in group.steps:
                step.row = by_step.get(step.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Step checklist of %(estate)s") % {"estate": estate},
        "opts": model_admin.opts,
        "original": estate,
        "groups": groups,
        "rows": rows,
        "may_change_steps": may_change,
    }
    return TemplateResponse(request, "admin/estates/estate/checklist.html", context)
