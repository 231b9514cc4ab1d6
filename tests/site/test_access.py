"""The access-policy hook (renovation_portal/access.py): the admin asks it, and
it answers with the policy the settings name."""

from django.contrib.auth.models import AnonymousUser

from renovation_portal import access
from staff.access import StaffAccessPolicy


class EveryRowForEveryone:
    def scope_for(self, model):
        return None

    def scoped(self, queryset, user):
        return queryset

    def is_in_scope(self, obj, user):
        return True

    def staff_for_estate(self, *, estate, permission, user, keep=None):
        raise NotImplementedError

    def may_revert(self, user):
        return True


def test_the_settings_name_the_staff_apps_policy():
    assert isinstance(access.policy(), StaffAccessPolicy)


def test_the_policy_follows_the_setting(settings):
    settings.PORTAL_ACCESS_POLICY = f"{__name__}.EveryRowForEveryone"

    assert isinstance(access.policy(), EveryRowForEveryone)
    assert access.may_revert(AnonymousUser())


def test_the_staff_policy_lets_no_anonymous_user_revert():
    assert not access.may_revert(AnonymousUser())
