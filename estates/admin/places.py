"""Administrative places: province → city → district → subdistrict → community."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from renovation_portal.admin import (
    BilingualModelAdmin,
    BilingualTabularInline,
    annotated_column,
    columns,
    fieldset,
    related_count,
)

from ..models import (
    ChecklistCategory,
    City,
    Community,
    CommunityChecklistItem,
    District,
    Province,
    Subdistrict,
)


class PlaceAdmin(BilingualModelAdmin):
    """The levels above a community differ only in their parent."""

    parent: str | None = None
    # What the place is called (区 / 县 …), where the level has kinds.
    kind: list[str] = []

    def __init__(self, model, admin_site):
        parent = [self.parent] if self.parent else []
        self.list_display = [*columns(model, "name"), *self.kind, "code", *parent]
        self.list_filter = [*self.kind, *parent]
        self.list_select_related = parent
        self.autocomplete_fields = parent
        self.search_fields = [*columns(model, "name"), "code", "slug"]
        self.ordering = ["name_zh_hans"]
        self.fieldsets = [
            fieldset(None, model, "name", *self.kind, *parent, "slug", "code")
        ]
        super().__init__(model, admin_site)


@admin.register(Province)
class ProvinceAdmin(PlaceAdmin):
    pass


@admin.register(City)
class CityAdmin(PlaceAdmin):
    parent = "province"


@admin.register(District)
class DistrictAdmin(PlaceAdmin):
    parent = "city"
    kind = ["kind"]


@admin.register(Subdistrict)
class SubdistrictAdmin(PlaceAdmin):
    parent = "district"
    kind = ["kind"]


class ChecklistInline(BilingualTabularInline):
    model = CommunityChecklistItem
    fields = ["category", "status", *columns(CommunityChecklistItem, "note")]
    # One row per category of the standard, so never more rows than categories.
    max_num = len(ChecklistCategory.choices)


@admin.register(Community)
class CommunityAdmin(BilingualModelAdmin):
    list_display = [
        *columns(Community, "name"),
        "subdistrict",
        "phone",
        annotated_column("estates_count", _("compounds")),
    ]
    list_filter = ["subdistrict"]
    list_select_related = ["subdistrict"]
    autocomplete_fields = ["subdistrict"]
    search_fields = [*columns(Community, "name", "address"), "code", "slug"]
    ordering = ["name_zh_hans"]
    fieldsets = [
        fieldset(None, Community, "name", "subdistrict", "slug", "code"),
        fieldset(_("Office"), Community, "address", "phone"),
    ]
    inlines = [ChecklistInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(estates_count=related_count(Community, "estates"))
        )


@admin.register(CommunityChecklistItem)
class CommunityChecklistItemAdmin(BilingualModelAdmin):
    list_display = ["community", "category", "status"]
    list_filter = ["category", "status", "community__subdistrict"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]
    search_fields = [
        *columns(Community, "name", prefix="community__"),
        *columns(CommunityChecklistItem, "note"),
    ]
    ordering = ["community__name_zh_hans", "category"]
    fieldsets = [
        fieldset(None, CommunityChecklistItem, "community", "category", "status"),
        fieldset(_("Note"), CommunityChecklistItem, "note"),
    ]
