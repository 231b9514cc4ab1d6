"""Facilities, estate photos and the programme's headline figures."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualTabularInline,
    columns,
    fieldset,
)

from ..forms import PhotoForm
from ..models import Estate, Facility, Photo


@admin.register(Facility)
class FacilityAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Facility, "name"),
        "kind",
        "community",
        "estate",
        "people_served",
        "area_m2",
    ]
    list_filter = ["kind", "subdistrict", "community"]
    list_select_related = ["community", "estate"]
    autocomplete_fields = ["subdistrict", "community", "estate", "courtyard"]
    search_fields = [*columns(Facility, "name", "address"), "slug"]
    ordering = ["kind", "name_zh_hans"]
    fieldsets = [
        fieldset(None, Facility, "name", "slug", "kind"),
        fieldset(
            _("Place"),
            Facility,
            ("subdistrict", "community"),
            ("estate", "courtyard"),
            "address",
            ("latitude", "longitude"),
        ),
        fieldset(
            _("Service"),
            Facility,
            "zones",
            "opening_hours",
            ("area_m2", "people_served"),
            "description",
        ),
    ]


def _thumbnail(photo):
    if not photo.image:
        return "—"
    # Served from the portal's own media storage; nothing is fetched from
    # elsewhere.
    return format_html(
        '<img src="{}" alt="" height="64" loading="lazy">',
        (photo.thumbnail or photo.image).url,
    )


class PhotoInline(BilingualTabularInline):
    model = Photo
    form = PhotoForm
    fields = ["preview", "kind", "image", *columns(Photo, "caption"), "taken_on"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return _thumbnail(obj)


@admin.register(Photo)
class PhotoAdmin(BilingualModelAdmin):
    form = PhotoForm
    list_display = ["preview", "estate", "kind", *columns(Photo, "caption"), "taken_on"]
    list_display_links = ["preview", "estate"]
    list_filter = ["kind", "estate__community"]
    list_select_related = ["estate"]
    autocomplete_fields = ["estate"]
    search_fields = [
        *columns(Photo, "caption"),
        *columns(Estate, "name", prefix="estate__"),
    ]
    ordering = ["estate__name_zh_hans", "kind", "taken_on"]
    date_hierarchy = "taken_on"
    readonly_fields = ["preview"]
    fieldsets = [
        fieldset(None, Photo, "estate", ("kind", "taken_on"), "image", "preview"),
        fieldset(_("Caption"), Photo, "caption"),
    ]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return _thumbnail(obj)
