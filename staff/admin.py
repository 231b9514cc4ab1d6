"""Who works where (kept by superusers: no role is given these permissions),
and Django's users and groups shown in the clerk's language: a role's name and
each permission in words (issue 16, item 9), not "Can add city" or the
English name setup_roles gave the group."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from renovation_portal.admin_base import StaffModelAdmin
from staff.models import StaffAssignment
from staff.roles import ROLE_WORDS

ACTIONS = {
    "add": _("add"),
    "change": _("change"),
    "delete": _("delete"),
    "view": _("view"),
}


def role_name(group) -> str:
    return str(ROLE_WORDS.get(group.name, group.name))


def permission_words(permission) -> str:
    """ "小区 · 增加" for estates.add_estate; a custom permission by its own
    (translated) name from its model's Meta."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    subject = capfirst(model._meta.verbose_name_plural)
    action, _sep, rest = permission.codename.partition("_")
    if action in ACTIONS and rest == model._meta.model_name:
        return f"{subject} · {ACTIONS[action]}"
    for codename, name in model._meta.permissions:
        if codename == permission.codename:
            return f"{subject} · {name}"
    return f"{subject} · {permission.name}"


class PermissionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_words(obj)


class RoleChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_name(obj)


# Roles are made of the portal's permissions; the history's, the login
# limiter's and the two-factor app's are never granted (a superuser holds
# them all anyway), so the forms do not offer them.
GRANTED_APPS = ["auth", "estates", "lanes", "governance", "staff", "sitewide"]


def _in_words(db_field, formfield):
    if db_field.name == "permissions" or db_field.name == "user_permissions":
        formfield.__class__ = PermissionChoices
        formfield.queryset = (
            formfield.queryset.filter(content_type__app_label__in=GRANTED_APPS)
            .exclude(content_type__model__startswith="historical")
            .select_related("content_type")
        )
    elif db_field.name == "groups":
        formfield.__class__ = RoleChoices
    return formfield


class PortalGroupAdmin(GroupAdmin):
    list_display = ["role"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, obj):
        return role_name(obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return _in_words(
            db_field, super().formfield_for_manytomany(db_field, request, **kwargs)
        )


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [
            (group.pk, role_name(group)) for group in Group.objects.order_by("name")
        ]

    def queryset(self, request, queryset):
        if self.value() and str(self.value()).isdigit():
            return queryset.filter(groups=int(self.value()))
        return queryset


class PortalUserAdmin(UserAdmin):
    list_filter = ("is_staff", "is_superuser", "is_active", RoleFilter)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return _in_words(
            db_field, super().formfield_for_manytomany(db_field, request, **kwargs)
        )


class AuthenticatorForm(forms.ModelForm):
    class Meta:
        model = TOTPDevice
        fields = ["user", "name", "confirmed"]
        labels = {
            "user": _("user"),
            "name": _("name of the app or phone"),
            "confirmed": _("confirmed"),
        }
        help_texts = {
            "confirmed": _(
                "Untick to make its owner set the app up again at their next login."
            )
        }


class AuthenticatorAdmin(admin.ModelAdmin):
    """django-otp's authenticator apps (TOTP devices) in the clerk's words: who
    has one, since when, last used. Staff set theirs up on the admin's own
    two-factor page; here an administrator sees or removes them. The secret
    and the clock settings are not shown."""

    form = AuthenticatorForm
    list_display = ["user", "device_name", "created", "last_used", "confirmed_mark"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]

    @admin.display(description=_("name of the app or phone"), ordering="name")
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def confirmed_mark(self, obj):
        return obj.confirmed

    def has_add_permission(self, request):
        return False

    def _titled(self, extra_context, title):
        return {**(extra_context or {}), "title": title}

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, self._titled(extra_context, _("authenticator apps"))
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(
            request,
            object_id,
            form_url,
            self._titled(extra_context, _("authenticator app")),
        )

    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(
            request,
            object_id,
            self._titled(extra_context, _("Remove an authenticator app")),
        )


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)
admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)
admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)


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
