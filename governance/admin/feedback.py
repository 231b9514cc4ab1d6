"""Staff triage of resident feedback: a queue by status and compound, assigning,
replying (public or internal), moving the status along allowed transitions,
and exporting the register as a spreadsheet.

Contact details are shown only to staff with ``governance.view_feedback_contact``
(masked in the list, whole on the feedback's page) and never exported.
"""

from __future__ import annotations

import io
import tempfile

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from governance import services
from governance.admin.filters import FeedbackListedFilter, FeedbackWaitingFilter
from governance.admin.unlisted import create_compound_view, may_create_compound
from governance.models import (
    ALLOWED_TRANSITIONS,
    Feedback,
    FeedbackContact,
    FeedbackReply,
    FeedbackStatus,
    FeedbackStatusChange,
)
from governance.models.participation import REPLY_MAX_LENGTH
from renovation_portal import background, exporting
from renovation_portal.access import staff_for_estate
from renovation_portal.admin_base import StaffModelAdmin

CONTACT_PERMISSION = "governance.view_feedback_contact"


def can_see_contact(request) -> bool:
    return request.user.has_perm(CONTACT_PERMISSION)


class FeedbackTriageForm(forms.ModelForm):
    """The feedback's page: assign, move the status, reply."""

    new_status = forms.ChoiceField(
        label=_("Move to status"), required=False, choices=[]
    )
    status_reason = forms.CharField(
        label=_("Public reason"),
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the resident; required when declining."),
    )
    reply_text = forms.CharField(
        label=_("Reply"),
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reply_is_public = forms.BooleanField(
        label=_("Public reply"),
        required=False,
        help_text=_(
            "Ticked: the resident sees it on the feedback's page. Not ticked: an "
            "internal note for staff."
        ),
    )

    class Meta:
        model = Feedback
        fields = ["assigned_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else None
        allowed = ALLOWED_TRANSITIONS.get(current, frozenset())
        self.fields["new_status"].choices = [("", "—")] + [
            (value, label)
            for value, label in FeedbackStatus.choices
            if value in allowed
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("new_status") == FeedbackStatus.DECLINED
            and not (cleaned.get("status_reason") or "").strip()
        ):
            self.add_error("status_reason", _("Say why the feedback is declined."))
        return cleaned


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = FeedbackStatusChange
    fields = ["status", "reason", "changed_by", "changed_at"]
    readonly_fields = fields
    verbose_name_plural = _("status history")


class ReplyInline(ReadOnlyInline):
    model = FeedbackReply
    fields = ["created_at", "is_public", "text", "author"]
    readonly_fields = fields


class ContactInline(admin.StackedInline):
    model = FeedbackContact
    fields = ["name", "phone", "consent", "created_at"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can_see_contact(request)


@admin.register(Feedback)
class FeedbackAdmin(StaffModelAdmin):
    form = FeedbackTriageForm
    list_display = [
        "reference",
        "created_at",
        "compound",
        "category",
        "status",
        "assigned_to",
        "contact_phone",
    ]
    list_filter = [
        FeedbackWaitingFilter,
        FeedbackListedFilter,
        "status",
        "category",
        "estate__community",
        "estate",
        "assigned_to",
    ]
    search_fields = ["reference", "unlisted_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["export_register"]
    readonly_fields = [
        "reference",
        "estate",
        "category",
        "text",
        "status",
        "created_at",
        "closed_at",
        "photo_previews",
        "unlisted_name",
        "unlisted_address",
        "subdistrict",
        "create_compound",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("reference", "created_at"),
                    ("estate", "category"),
                    "text",
                    "photo_previews",
                ]
            },
        ),
        (
            _("Triage"),
            {
                "fields": [
                    ("status", "closed_at"),
                    "assigned_to",
                    "new_status",
                    "status_reason",
                ]
            },
        ),
        (_("Reply"), {"fields": ["reply_text", "reply_is_public"]}),
    ]
    inlines = [StatusChangeInline, ReplyInline, ContactInline]

    def has_add_permission(self, request):
        # Feedback comes from residents, through the form or the API.
        return False

    def get_urls(self):
        create = path(
            "<path:object_id>/create-compound/",
            self.admin_site.admin_view(
                lambda request, object_id: create_compound_view(
                    self, request, object_id
                )
            ),
            name="governance_feedback_create_compound",
        )
        return [create, *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.unlisted_name:
            return fieldsets
        unlisted = (
            _("A compound not in the register"),
            {
                "fields": [
                    ("unlisted_name", "subdistrict"),
                    "unlisted_address",
                    "create_compound",
                ]
            },
        )
        return [fieldsets[0], unlisted, *fieldsets[1:]]

    @admin.display(description=_("compound"), ordering="estate__name_zh_hans")
    def compound(self, obj):
        if obj.estate_id is not None:
            return obj.estate
        return format_html(
            "{} <small>({})</small>", obj.unlisted_name, gettext("not listed")
        )

    @admin.display(description=_("compound in the register"))
    def create_compound(self, obj):
        if obj.estate_id is not None:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:estates_estate_change", args=[obj.estate_id]),
                gettext("Created as “%(estate)s”.") % {"estate": obj.estate},
            )
        if not getattr(obj, "may_create_compound", False):
            return gettext(
                "Not yet. Staff who may add compounds can create it from here."
            )
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:governance_feedback_create_compound", args=[obj.pk]),
            gettext("Create this compound in the register"),
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Whether the page offers to create the compound depends on the
            # clerk's permissions; the field's display sees only the record.
            obj.may_create_compound = may_create_compound(request, obj)
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("assigned_to")
        if field is not None and obj is not None:
            # Only staff who work on the compound's area and may triage;
            # the field's queryset also refuses a forged POST.
            field.queryset = staff_for_estate(
                estate=obj.estate,
                subdistrict=obj.subdistrict,
                permission="governance.change_feedback",
                user=request.user,
                keep=obj.assigned_to_id,
            )
        return form

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("estate", "assigned_to", "subdistrict")
            .prefetch_related("photos")
        )
        if can_see_contact(request):
            queryset = queryset.select_related("contact")
        return queryset

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if not can_see_contact(request):
            shown.remove("contact_phone")
        return shown

    @admin.display(description=_("phone"))
    def contact_phone(self, obj):
        contact = getattr(obj, "contact", None)
        return contact.masked_phone if contact else ""

    @admin.display(description=_("photos"))
    def photo_previews(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}"><img src="{}" alt="{}" width="160"></a>',
            (
                (
                    photo.image.url,
                    photo.thumbnail.url,
                    gettext("Photo %(n)s") % {"n": n},
                )
                for n, photo in enumerate(photos, start=1)
            ),
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if "assigned_to" in form.changed_data:
            services.feedback_assign(feedback=obj, assigned_to=data["assigned_to"])
        if data.get("new_status"):
            try:
                services.feedback_change_status(
                    feedback=obj,
                    status=data["new_status"],
                    reason=data.get("status_reason", "").strip(),
                    changed_by=request.user,
                )
            except ValidationError as error:
                # Another clerk moved it meanwhile: say so, keep the rest.
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        if data.get("reply_text", "").strip():
            services.feedback_reply(
                feedback=obj,
                text=data["reply_text"].strip(),
                is_public=bool(data.get("reply_is_public")),
                author=request.user,
            )

    @admin.action(
        description=_("Export as the resident opinion registration form"),
        permissions=["view"],
    )
    def export_register(self, request, queryset):
        total = queryset.count()
        if total <= settings.EXPORT_JOB_ROWS:
            return register_spreadsheet(queryset)
        # A large register is written by a worker (issue 18, item 5).
        return exporting.queue_changelist_job(
            self, request, queryset, kind=REGISTER_JOB, total=total
        )


# A cell starting with one of these is a formula to a spreadsheet program:
# resident text must never run as one (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _compound_cell(feedback) -> str:
    if feedback.estate_id is not None:
        return feedback.estate.name
    return gettext("%(name)s (not listed; %(address)s)") % {
        "name": feedback.unlisted_name,
        "address": feedback.unlisted_address,
    }


REGISTER_JOB = "feedback-register"


def register_workbook(queryset, watch=None):
    """The office's register: one row per feedback, without contact details.
    ``watch(count)`` is told how many rows are written, every so often."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Feedback register")[:31])
    sheet.append([gettext("Resident opinion registration form")])
    headers = [
        gettext("No."),
        gettext("Reference"),
        gettext("Received"),
        gettext("Compound"),
        gettext("Category"),
        gettext("Feedback"),
        gettext("Status"),
        gettext("Assigned to"),
        gettext("Latest public reply"),
        gettext("Closed"),
    ]
    sheet.append(headers)
    rows = (
        queryset.select_related("estate", "assigned_to")
        .prefetch_related("replies")
        .order_by("created_at", "pk")
    )
    local = timezone.get_current_timezone()
    for number, feedback in enumerate(rows.iterator(chunk_size=1000), start=1):
        public = [reply for reply in feedback.replies.all() if reply.is_public]
        sheet.append(
            [
                _as_text(cell)
                for cell in (
                    number,
                    feedback.reference,
                    feedback.created_at.astimezone(local).strftime("%Y-%m-%d %H:%M"),
                    _compound_cell(feedback),
                    feedback.get_category_display(),
                    feedback.text,
                    feedback.get_status_display(),
                    feedback.assigned_to.get_username() if feedback.assigned_to else "",
                    public[-1].text if public else "",
                    feedback.closed_at.astimezone(local).strftime("%Y-%m-%d")
                    if feedback.closed_at
                    else "",
                )
            ]
        )
        if watch is not None and number % 1000 == 0:
            watch(number)
    return workbook


def _register_filename() -> str:
    return f"feedback-register-{timezone.localdate():%Y-%m-%d}.xlsx"


def register_spreadsheet(queryset) -> HttpResponse:
    buffer = io.BytesIO()
    register_workbook(queryset).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=exporting.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_register_filename()}"'
    return response


def _run_register_job(work) -> dict:
    # The register has its own rules (no contact details): the generic
    # export refuses the model, this job does not.
    queryset = exporting.changelist_queryset(work, exportable=lambda model: True)
    total = queryset.count()
    work.report(0, total)
    with tempfile.TemporaryFile() as spool:
        register_workbook(queryset, watch=lambda done: work.report(done, total)).save(
            spool
        )
        spool.seek(0)
        work.report(total, total)
        work.save_file(_register_filename(), spool)
    return {"rows": total}


def _register_job_title(params) -> str:
    return gettext("Export the resident opinion registration form")


def _register_job_describe(result) -> str:
    rows = result.get("rows", 0)
    return ngettext(
        "%(count)d feedback exported.", "%(count)d feedback exported.", rows
    ) % {"count": rows}


background.register(
    REGISTER_JOB,
    run=_run_register_job,
    title=_register_job_title,
    describe=_register_job_describe,
)
