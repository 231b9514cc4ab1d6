"""Inspection records kept by resident quality supervisors."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from renovation_portal.admin import BilingualModelAdmin, columns, fieldset

from ..models import Estate, Inspection


@admin.register(Inspection)
class InspectionAdmin(BilingualModelAdmin):
    list_display = [
        "estate",
        "kind",
        "inspected_on",
        "outcome",
        "recorded_by",
    ]
    list_display_links = ["estate", "kind"]
    list_filter = ["outcome", "kind", "estate__community"]
    list_select_related = ["estate", "recorded_by"]
    autocomplete_fields = ["estate"]
    search_fields = [
        *columns(Estate, "name", prefix="estate__"),
        *columns(Inspection, "findings"),
    ]
    ordering = ["-inspected_on", "-created_at"]
    date_hierarchy = "inspected_on"
    readonly_fields = ["recorded_by"]
    fieldsets = [
        fieldset(None, Inspection, "estate", ("kind", "inspected_on"), "outcome"),
        fieldset(_("Findings"), Inspection, "findings", "document"),
        fieldset(_("Recorded by"), Inspection, "recorded_by"),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
