"""Reads about staff themselves: who works where (issue 6, item 1)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet


def staff_for_estate(
    *, estate, permission: str, user, keep: int | None = None, subdistrict=None
) -> QuerySet:
    """The active staff a record of ``estate`` may be handed to by ``user``:
    those assigned to the estate's community or to its subdistrict (its
    administrators) who hold ``permission`` (``"app_label.codename"``) through
    a group or on their own. A superuser may hand it to any active staff.
    ``keep`` (a user's pk, the current holder) stays offered, so that a form
    left as it was still saves. Without an estate (feedback about a compound
    not listed), those assigned to ``subdistrict``."""
    users = get_user_model()._default_manager
    staff = users.filter(is_staff=True, is_active=True)
    if user.is_superuser:
        return staff.order_by("username")
    community = estate.community if estate is not None else None
    if community is not None:
        area = Q(staff_assignment__communities=community) | Q(
            staff_assignment__subdistricts=community.subdistrict_id
        )
    elif estate is None and subdistrict is not None:
        area = Q(staff_assignment__subdistricts=subdistrict)
    else:
        area = Q(pk__in=[])
    app_label, codename = permission.split(".")
    holds = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    # Through a subquery: the joins over several many-to-many tables would
    # repeat a user once per matching row.
    chosen = users.filter(area).filter(holds).values("pk")
    return staff.filter(Q(pk__in=chosen) | Q(pk=keep)).order_by("username")
