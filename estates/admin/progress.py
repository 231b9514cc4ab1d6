"""The renovation's progress: procedures and their step templates, each estate's
steps and documents, works items, funding and construction notices."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualTabularInline,
    annotated_column,
    columns,
    fieldset,
    related_count,
)

from ..models import (
    Estate,
    Funding,
    Notice,
    Procedure,
    Step,
    StepDocument,
    StepStatus,
    StepTemplate,
    WorksItem,
)
from ..services import (
    FINISHED,
    estate_refresh_stage,
    notices_posted,
    step_set_status,
)

ESTATE_NAME = columns(Estate, "name", prefix="estate__")


class StepTemplateInline(BilingualTabularInline):
    model = StepTemplate
    fields = ["stage", "number", *columns(StepTemplate, "name", "documents")]
    ordering = ["number"]
    # Dependencies are picked on the step template's own page.
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Procedure, "name"),
        "is_default_template",
        annotated_column("steps_count", _("steps")),
    ]
    list_filter = ["is_default_template", "subdistricts"]
    autocomplete_fields = ["subdistricts"]
    search_fields = columns(Procedure, "name")
    ordering = ["-is_default_template", "name_zh_hans"]
    fieldsets = [
        fieldset(None, Procedure, "name", "is_default_template", "subdistricts"),
        fieldset(_("Description"), Procedure, "description"),
    ]
    inlines = [StepTemplateInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(steps_count=related_count(Procedure, "steps"))
        )


class StepTemplateForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A step waits on steps of its own procedure; offering every other
        # procedure's "1. …", "2. …" would only invite a wrong pick.
        if self.instance.procedure_id and "depends_on" in self.fields:
            self.fields["depends_on"].queryset = StepTemplate.objects.filter(
                procedure_id=self.instance.procedure_id
            ).exclude(pk=self.instance.pk)


@admin.register(StepTemplate)
class StepTemplateAdmin(BilingualModelAdmin):
    form = StepTemplateForm
    list_display = ["number", *columns(StepTemplate, "name"), "stage", "procedure"]
    list_display_links = ["number", "name_zh_hans"]
    list_filter = ["procedure", "stage"]
    list_select_related = ["procedure"]
    autocomplete_fields = ["procedure"]
    filter_horizontal = ["depends_on"]
    search_fields = columns(StepTemplate, "name", "documents")
    ordering = ["procedure__name_zh_hans", "number"]
    fieldsets = [
        fieldset(None, StepTemplate, "procedure", ("stage", "number"), "name"),
        fieldset(_("Documents"), StepTemplate, "documents"),
        fieldset(_("Depends on"), StepTemplate, "depends_on"),
    ]


def _template_choices():
    """Every step template, grouped by procedure, for a <select>."""
    grouped: dict[Procedure, list] = {}
    templates = StepTemplate.objects.select_related("procedure").order_by(
        "procedure__name_zh_hans", "procedure", "number"
    )
    for template in templates:
        grouped.setdefault(template.procedure, []).append((template.pk, str(template)))
    return [*BLANK_CHOICE_DASH, *((str(p), c) for p, c in grouped.items())]


DONE_NEEDS_DATE = _(
    "Give the date the step was done. If it was done today, that is today's date."
)


class StepForm(forms.ModelForm):
    """A step as staff edit it: any change saved to a sample step (from the
    default template) confirms it for its compound (issue 16, item 2); a step
    marked done here needs the date it was done (item 13). A step a source
    reported done without a date keeps saving as it is while nobody touches
    its status or date."""

    def clean(self):
        cleaned = super().clean()
        changed = set(self.changed_data) - {"is_sample", "version"}
        if self.instance.pk and changed and "is_sample" in cleaned:
            cleaned["is_sample"] = False
        if (
            cleaned.get("status") == StepStatus.DONE
            and not cleaned.get("done_on")
            and {"status", "done_on"} & changed
            and "done_on" in self.fields
        ):
            self.add_error(
                "done_on", ValidationError(DONE_NEEDS_DATE, code="done_needs_date")
            )
        return cleaned


class PendingStatusesMixin:
    """A compound's steps, saved together (the step checklist): a step marked
    done in the same submission as the steps it depends on is judged against
    their new status, not the one still in the database."""

    def full_clean(self):
        pending = {}
        for form in self.forms:
            template_id = form.instance.template_id or form.data.get(
                form.add_prefix("template")
            )
            status = form.data.get(form.add_prefix("status"))
            if template_id and status and not form.data.get(form.add_prefix("DELETE")):
                try:
                    pending[int(template_id)] = status
                except (TypeError, ValueError):
                    continue
        for form in self.forms:
            form.instance.pending_statuses = pending
        super().full_clean()


class StepDocumentInline(BilingualTabularInline):
    model = StepDocument
    fields = [*columns(StepDocument, "title"), "file"]


class LateFilter(admin.SimpleListFilter):
    title = _("late")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", _("planned date passed, not finished"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(planned_on__lt=timezone.localdate()).exclude(
                status__in=FINISHED
            )
        return queryset


@admin.register(Step)
class StepAdmin(BilingualModelAdmin):
    form = StepForm
    list_display = [
        "estate",
        "number",
        "template",
        "stage",
        "status",
        "planned_on",
        "started_on",
        "done_on",
        "is_sample",
    ]
    list_display_links = ["estate", "number"]
    list_filter = [LateFilter, "status", "stage", "is_sample", "estate__community"]
    list_select_related = ["estate", "template"]
    autocomplete_fields = ["estate", "template"]
    search_fields = [*ESTATE_NAME, *columns(StepTemplate, "name", prefix="template__")]
    ordering = ["estate__name_zh_hans", "number"]
    date_hierarchy = "planned_on"
    readonly_fields = ["stage", "number"]
    fieldsets = [
        fieldset(None, Step, "estate", "template", ("stage", "number")),
        fieldset(
            _("Progress"),
            Step,
            "status",
            ("planned_on", "started_on", "done_on"),
            "note",
            "not_applicable_reason",
            "is_sample",
        ),
    ]
    inlines = [StepDocumentInline]
    actions = ["mark_done"]

    def get_readonly_fields(self, request, obj=None):
        # A step belongs to one estate and one template for good; to move it,
        # delete it and add the right one.
        if obj is not None:
            return [*self.readonly_fields, "estate", "template"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        estate_refresh_stage(estate=obj.estate, cause=obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        estate_refresh_stage(estate=obj.estate)

    def delete_queryset(self, request, queryset):
        estates = list(Estate.objects.filter(steps__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for estate in estates:
            estate_refresh_stage(estate=estate)

    @admin.action(description=_("Mark as done"), permissions=["change"])
    def mark_done(self, request, queryset):
        done, refused = 0, []
        for step in queryset.select_related("estate", "template"):
            try:
                step_set_status(
                    step=step,
                    status=StepStatus.DONE,
                    done_on=step.done_on or timezone.localdate(),
                )
            except ValidationError as error:
                refused.append(f"{step}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "Marked %(count)d step as done.",
                    "Marked %(count)d steps as done.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(StepDocument)
class StepDocumentAdmin(BilingualModelAdmin):
    list_display = [*columns(StepDocument, "title"), "step", "file", "created_at"]
    list_select_related = ["step__estate", "step__template"]
    list_filter = ["step__stage", "step__estate__community"]
    autocomplete_fields = ["step"]
    search_fields = [
        *columns(StepDocument, "title"),
        *columns(Estate, "name", prefix="step__estate__"),
    ]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    fieldsets = [fieldset(None, StepDocument, "step", "title", "file")]


class WorksItemInline(BilingualTabularInline):
    model = WorksItem
    fields = [
        "category",
        "tier",
        *columns(WorksItem, "description"),
        "unit",
        "planned_quantity",
        "done_quantity",
    ]


@admin.register(WorksItem)
class WorksItemAdmin(BilingualModelAdmin):
    list_display = [
        "estate",
        "category",
        "tier",
        "unit",
        "planned_quantity",
        "done_quantity",
        "progress",
    ]
    list_display_links = ["estate", "category"]
    list_filter = ["tier", "category", "estate__community"]
    list_select_related = ["estate"]
    autocomplete_fields = ["estate"]
    search_fields = [*ESTATE_NAME, *columns(WorksItem, "description")]
    ordering = ["estate__name_zh_hans", "tier", "category"]
    fieldsets = [
        fieldset(None, WorksItem, "estate", ("category", "tier"), "description"),
        fieldset(
            _("Quantities"),
            WorksItem,
            ("unit", "planned_quantity", "done_quantity"),
            description=_("Leave a quantity empty when the source does not give it."),
        ),
    ]

    @admin.display(description=_("progress"))
    def progress(self, obj):
        percent = obj.progress_percent
        return None if percent is None else f"{percent}%"


class FundingInline(BilingualTabularInline):
    model = Funding
    fields = ["source", "amount_yuan", *columns(Funding, "note")]


@admin.register(Funding)
class FundingAdmin(BilingualModelAdmin):
    list_display = ["estate", "source", "amount_yuan", "note_zh_hans"]
    list_display_links = ["estate", "source"]
    list_filter = ["source", "estate__community"]
    list_select_related = ["estate"]
    autocomplete_fields = ["estate"]
    search_fields = [*ESTATE_NAME, *columns(Funding, "note")]
    ordering = ["estate__name_zh_hans", "source"]
    fieldsets = [
        fieldset(None, Funding, "estate", ("source", "amount_yuan"), "note"),
    ]


class NoticeInline(BilingualTabularInline):
    model = Notice
    fields = [
        "kind",
        *columns(Notice, "title"),
        "buildings_affected",
        "starts_at",
        "ends_at",
    ]
    # The details are long text; they are edited on the notice's own page.
    show_change_link = True


@admin.register(Notice)
class NoticeAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Notice, "title"),
        "estate",
        "kind",
        "starts_at",
        "ends_at",
        "buildings_affected",
    ]
    list_filter = ["kind", "estate__community"]
    list_select_related = ["estate"]
    autocomplete_fields = ["estate"]
    search_fields = [*columns(Notice, "title", "details"), *ESTATE_NAME]
    ordering = ["-starts_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        notices_posted(notices=[obj])

    date_hierarchy = "starts_at"
    fieldsets = [
        fieldset(None, Notice, "estate", "kind", "title", "details"),
        fieldset(
            _("Where and when"),
            Notice,
            "buildings_affected",
            ("starts_at", "ends_at"),
        ),
    ]
