"""What was sent, held and failed: read-only for staff (issue 18). The
contacts themselves are not shown."""

from django.contrib import admin

from renovation_portal.admin_base import StaffModelAdmin

from .models import Follow, Happening, Notification


class ReadOnly(StaffModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["subject", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "digest"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    fields = [
        "subject",
        "body",
        "channel",
        "language",
        "status",
        "digest",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
        "created_at",
    ]
    readonly_fields = fields
    show_full_result_count = False
    list_per_page = 50


@admin.register(Follow)
class FollowAdmin(ReadOnly):
    list_display = [
        "__str__",
        "channel",
        "mode",
        "language",
        "confirmed_at",
        "created_at",
    ]
    list_filter = ["channel", "mode", ("confirmed_at", admin.EmptyFieldListFilter)]
    fields = [
        "estate",
        "programme",
        "channel",
        "building",
        "language",
        "mode",
        "consent_purpose",
        "consented_at",
        "confirmed_at",
        "created_at",
    ]
    readonly_fields = fields
    show_full_result_count = False
    list_select_related = ["estate", "programme"]


@admin.register(Happening)
class HappeningAdmin(ReadOnly):
    list_display = ["title_zh_hans", "kind", "estate", "happened_at"]
    list_filter = ["kind"]
    fields = ["estate", "kind", "title_zh_hans", "title_en", "building", "happened_at"]
    readonly_fields = fields
    list_select_related = ["estate"]
    show_full_result_count = False
