"""What was sent, held and failed: read-only for staff (issue 18). The
contacts themselves are not shown."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from renovation_portal.admin_base import StaffModelAdmin

from .models import Follow, Happening, Notification, StaffWatch


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


class StaffWatchForm(forms.ModelForm):
    # No empty choice: one of the two languages.
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = StaffWatch
        fields = ["new_feedback", "mode", "overdue", "language"]
        widgets = {"mode": forms.RadioSelect}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if self.user is not None and not self.user.email:
            raise forms.ValidationError(
                _(
                    "Your account has no e-mail address, so nothing can be sent "
                    "to you. Ask an administrator to add one to your account."
                ),
                code="no_email",
            )
        if not cleaned.get("new_feedback") and not cleaned.get("overdue"):
            raise forms.ValidationError(
                _("Choose at least one thing to be told about."), code="nothing"
            )
        return cleaned


@admin.register(StaffWatch)
class StaffWatchAdmin(admin.ModelAdmin):
    """Each member of staff keeps their own: what they are told about their
    scope. A superuser sees everyone's, and may stop them."""

    form = StaffWatchForm
    list_display = ["user", "new_feedback", "mode", "overdue", "language", "created_at"]
    fieldsets = [
        (_("New feedback"), {"fields": ["new_feedback", "mode"]}),
        (None, {"fields": ["overdue", "language"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = obj.user if obj is not None else request.user

        class Bound(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=user, **inner)

        return Bound

    def get_changeform_initial_data(self, request):
        return {"language": translation.get_language() or settings.LANGUAGE_CODE}

    def render_change_form(self, request, context, *args, **kwargs):
        context["show_save_and_add_another"] = False  # one each
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)

    def _own(self, request, obj) -> bool:
        return (
            obj is None or obj.user_id == request.user.pk or request.user.is_superuser
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._own(request, obj)

    def has_add_permission(self, request):
        # No query here: the admin asks on every page (its sidebar).
        return self.has_module_permission(request)

    def add_view(self, request, form_url="", extra_context=None):
        # One each: someone who has one is sent to change it.
        own = StaffWatch.objects.filter(user=request.user).values("pk").first()
        if own is not None:
            return redirect(
                reverse("admin:follows_staffwatch_change", args=[own["pk"]])
            )
        return super().add_view(request, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)
