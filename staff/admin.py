"""Who works where: kept by superusers (no role is given these permissions)."""

from django.contrib import admin

from renovation_portal.admin_base import StaffModelAdmin
from staff.models import StaffAssignment


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(StaffModelAdmin):
    list_display = ["user"]
    search_fields = ["user__username"]
    autocomplete_fields = [
        "user",
        "districts",
        "subdistricts",
        "communities",
        "estates",
    ]
