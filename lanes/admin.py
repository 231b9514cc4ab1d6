"""Themed lanes with their features, tenants and honours, and events."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualTabularInline,
    annotated_column,
    columns,
    fieldset,
    related_count,
)
from renovation_portal.geojson import GEOMETRY_OVERRIDES

from .models import Event, Lane, LaneFeature, LaneHonour, LaneTenant

LANE_NAME = columns(Lane, "name", prefix="lane__")


class LaneFeatureInline(BilingualTabularInline):
    model = LaneFeature
    fields = [
        "position",
        *columns(LaneFeature, "name", "description"),
        "quantity",
        "length_m",
    ]


class LaneTenantInline(BilingualTabularInline):
    model = LaneTenant
    fields = [
        *columns(LaneTenant, "name", "kind"),
        "zero_rent",
        *columns(LaneTenant, "note"),
    ]


class LaneHonourInline(BilingualTabularInline):
    model = LaneHonour
    fields = [*columns(LaneHonour, "title", "awarded_by"), "year"]


@admin.register(Lane)
class LaneAdmin(BilingualModelAdmin):
    formfield_overrides = {models.JSONField: GEOMETRY_OVERRIDES}
    list_display = [
        *columns(Lane, "name"),
        "theme_zh_hans",
        "subdistrict",
        "merchants",
        "occupancy_percent",
        "length_m",
        annotated_column("estates_count", _("compounds beside it")),
    ]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict"]
    autocomplete_fields = ["subdistrict"]
    # Few enough compounds per subdistrict to pick from two lists side by side.
    filter_horizontal = ["estates"]
    search_fields = [*columns(Lane, "name", "theme", "motto", "landmark"), "slug"]
    ordering = ["name_zh_hans"]
    fieldsets = [
        fieldset(None, Lane, "name", "slug", "subdistrict", "theme", "motto"),
        fieldset(
            _("Place"),
            Lane,
            "estates",
            "landmark",
            ("latitude", "longitude"),
            "path",
            "length_m",
        ),
        fieldset(
            _("Business"),
            Lane,
            ("merchants", "occupancy_percent"),
            description=_("Leave a figure empty when the source does not give it."),
        ),
        fieldset(_("Description"), Lane, "description"),
    ]
    inlines = [LaneFeatureInline, LaneTenantInline, LaneHonourInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(estates_count=related_count(Lane, "estates"))
        )


@admin.register(LaneFeature)
class LaneFeatureAdmin(BilingualModelAdmin):
    list_display = [*columns(LaneFeature, "name"), "lane", "quantity", "length_m"]
    list_filter = ["lane"]
    list_select_related = ["lane"]
    autocomplete_fields = ["lane"]
    search_fields = [*columns(LaneFeature, "name", "description"), *LANE_NAME]
    ordering = ["lane__name_zh_hans", "position", "id"]
    fieldsets = [
        fieldset(None, LaneFeature, ("lane", "position"), "name", "description"),
        fieldset(_("Figures"), LaneFeature, ("quantity", "length_m")),
    ]


@admin.register(LaneTenant)
class LaneTenantAdmin(BilingualModelAdmin):
    list_display = [*columns(LaneTenant, "name"), "kind_zh_hans", "lane", "zero_rent"]
    list_filter = ["zero_rent", "lane"]
    list_select_related = ["lane"]
    autocomplete_fields = ["lane"]
    search_fields = [*columns(LaneTenant, "name", "kind", "note"), *LANE_NAME]
    ordering = ["lane__name_zh_hans", "name_zh_hans"]
    fieldsets = [
        fieldset(None, LaneTenant, "lane", "name", "kind", "zero_rent", "note"),
    ]


@admin.register(LaneHonour)
class LaneHonourAdmin(BilingualModelAdmin):
    list_display = [*columns(LaneHonour, "title"), "lane", "awarded_by_zh_hans", "year"]
    list_filter = ["year", "lane"]
    list_select_related = ["lane"]
    autocomplete_fields = ["lane"]
    search_fields = [*columns(LaneHonour, "title", "awarded_by"), *LANE_NAME]
    ordering = ["-year", "title_zh_hans"]
    fieldsets = [fieldset(None, LaneHonour, "lane", "title", "awarded_by", "year")]


@admin.register(Event)
class EventAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Event, "title"),
        "recurrence",
        "weekday",
        "day_of_month",
        "starts_on",
        "start_time",
        "lane",
        "facility",
    ]
    list_filter = ["recurrence", "weekday", "subdistrict", "lane"]
    list_select_related = ["lane", "facility"]
    autocomplete_fields = ["subdistrict", "lane", "facility"]
    search_fields = [*columns(Event, "title", "description"), "slug", *LANE_NAME]
    ordering = ["starts_on", "title_zh_hans"]
    date_hierarchy = "starts_on"
    fieldsets = [
        fieldset(None, Event, "title", "slug", "description"),
        fieldset(_("Where"), Event, "subdistrict", ("lane", "facility")),
        fieldset(
            _("When"),
            Event,
            "recurrence",
            ("weekday", "day_of_month"),
            ("starts_on", "ends_on"),
            ("start_time", "end_time"),
            description=_(
                "A one-off event needs its date; a weekly one its weekday; a "
                "monthly one its day of the month."
            ),
        ),
        fieldset(_("Record"), Event, "times_held"),
    ]
