"""List filters the staff dashboard links to (renovation_portal/dashboard.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance.overdue import councils_meeting_due, feedback_waiting


class FeedbackWaitingFilter(admin.SimpleListFilter):
    title = _("waiting")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("no reply or status change for too long"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return feedback_waiting(queryset)
        return queryset


class FeedbackListedFilter(admin.SimpleListFilter):
    title = _("compound in the register")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("yes", _("in the register")), ("no", _("not listed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(estate__isnull=self.value() == "no")
        return queryset


class MeetingDueFilter(admin.SimpleListFilter):
    title = _("meeting due")
    parameter_name = "meeting_due"

    def lookups(self, request, model_admin):
        return [("yes", _("a weekly, monthly or quarterly meeting is due"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return councils_meeting_due(queryset)
        return queryset
