"""The staff app's access policy: the answers to the admin's questions
(:mod:`renovation_portal.access`), named by ``settings.PORTAL_ACCESS_POLICY``."""

from __future__ import annotations

from staff import scopes, selectors

REVERT_PERMISSION = "staff.revert_history"


class StaffAccessPolicy:
    """Scope from each user's staff assignment and the ``SCOPES`` table
    (:mod:`staff.scopes`); feedback assignees from the same assignments
    (:mod:`staff.selectors`); reverting for holders of
    ``staff.revert_history`` (subdistrict administrators, :mod:`staff.roles`)."""

    def scope_for(self, model):
        return scopes.scope_for(model)

    def scoped(self, queryset, user):
        return scopes.scoped(queryset, user)

    def is_in_scope(self, obj, user):
        return scopes.is_in_scope(obj, user)

    def staff_for_estate(
        self, *, estate, permission, user, keep=None, subdistrict=None
    ):
        return selectors.staff_for_estate(
            estate=estate,
            permission=permission,
            user=user,
            keep=keep,
            subdistrict=subdistrict,
        )

    def may_revert(self, user):
        return user.has_perm(REVERT_PERMISSION)
