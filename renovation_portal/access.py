"""Which records a member of staff may act on: the questions the admin asks,
answered by the access policy the settings name.

Every portal ModelAdmin is scoped to the clerk's area
(:mod:`renovation_portal.admin_base`), but the rules — how each model reaches a
subdistrict, community or compound, who is assigned where, who may revert a
record — belong to the staff app, which sits above every app. So the admin
machinery and the apps' admins ask these functions, and each delegates to the
class named by ``settings.PORTAL_ACCESS_POLICY`` (``staff.access.
StaffAccessPolicy``), imported and instantiated on first use, as Django does
with ``AUTHENTICATION_BACKENDS``. That keeps the dependencies one way: the
apps import this module, never ``staff``.

https://docs.djangoproject.com/en/5.2/ref/utils/#django.utils.module_loading.import_string
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.module_loading import import_string


class AccessPolicy(Protocol):
    """What ``PORTAL_ACCESS_POLICY`` names: a class whose instances answer
    these. ``user`` is the request's user."""

    def scope_for(self, model: type[models.Model]) -> Any | None:
        """How ``model``'s rows are scoped, or ``None`` when they are not
        (users, groups: only superusers manage them)."""

    def scoped(self, queryset: models.QuerySet, user) -> models.QuerySet:
        """``queryset`` narrowed to the rows ``user`` may act on."""

    def is_in_scope(self, obj: models.Model, user) -> bool:
        """Whether ``user`` may act on ``obj`` (an unsaved record: yes)."""

    def staff_for_estate(
        self,
        *,
        estate: models.Model | None,
        permission: str,
        user,
        keep: int | None = None,
        subdistrict: models.Model | None = None,
    ) -> models.QuerySet:
        """The active staff a record of ``estate`` may be handed to by ``user``:
        those working on the compound who hold ``permission``
        (``"app_label.codename"``); ``keep`` (a user's pk) stays offered. A
        record of no compound yet (feedback about one not listed) goes to the
        staff of its ``subdistrict``."""

    def may_revert(self, user) -> bool:
        """Whether ``user`` may revert a record to an earlier version."""


@functools.cache
def policy() -> AccessPolicy:
    """The configured policy, made once per process."""
    return import_string(settings.PORTAL_ACCESS_POLICY)()


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs) -> None:
    # A test that overrides the setting gets the policy it names.
    if setting == "PORTAL_ACCESS_POLICY":
        policy.cache_clear()


def scope_for(model: type[models.Model]) -> Any | None:
    return policy().scope_for(model)


def scoped(queryset: models.QuerySet, user) -> models.QuerySet:
    return policy().scoped(queryset, user)


def is_in_scope(obj: models.Model, user) -> bool:
    return policy().is_in_scope(obj, user)


def staff_for_estate(
    *,
    estate: models.Model | None,
    permission: str,
    user,
    keep: int | None = None,
    subdistrict: models.Model | None = None,
) -> models.QuerySet:
    return policy().staff_for_estate(
        estate=estate,
        permission=permission,
        user=user,
        keep=keep,
        subdistrict=subdistrict,
    )


def may_revert(user) -> bool:
    return policy().may_revert(user)
