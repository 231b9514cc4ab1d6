"""Two areas, one in the user's scope and one out of it, and a user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group

from staff.models import StaffAssignment
from staff.roles import (
    COMMUNITY_STAFF,
    QUALITY_SUPERVISOR,
    SUBDISTRICT_ADMINISTRATOR,
    VIEWER,
    roles_setup,
)
from staff.scopes import scope_for
from tests.site.test_admin import make_one_of_each

ROLES = [SUBDISTRICT_ADMINISTRATOR, COMMUNITY_STAFF, QUALITY_SUPERVISOR, VIEWER]
PORTAL_APPS = ["estates", "lanes", "governance"]
REGISTERED = sorted(
    (m for m in admin.site._registry if m._meta.app_label in PORTAL_APPS),
    key=lambda model: model._meta.label,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _portal_models():
    return [m for app in PORTAL_APPS for m in apps.get_app_config(app).get_models()]


def _pks():
    return {
        m: set(m._default_manager.values_list("pk", flat=True))
        for m in _portal_models()
    }


@dataclass
class Area:
    """The records one call of make_one_of_each() created, by model."""

    records: dict

    def of(self, model) -> set:
        return self.records.get(model, set())

    def one(self, model):
        pks = self.of(model)
        return model._default_manager.get(pk=min(pks)) if pks else None

    @property
    def estate(self):
        return self.one(apps.get_model("estates.Estate"))

    @property
    def community(self):
        return self.estate.community

    @property
    def subdistrict(self):
        return self.community.subdistrict


def make_area() -> Area:
    before = _pks()
    make_one_of_each()
    after = _pks()
    area = Area({m: after[m] - before[m] for m in after})
    # make_one_of_each leaves its procedure unattached; an office's own
    # procedure is attached to its subdistrict.
    for procedure in apps.get_model("estates.Procedure").objects.filter(
        pk__in=area.of(apps.get_model("estates.Procedure"))
    ):
        procedure.subdistricts.add(area.subdistrict)
    return area


@pytest.fixture
def areas(db):
    """(inside, outside): the user's area and another one."""
    roles_setup()
    return make_area(), make_area()


def staff_user(django_user_model, role: str, inside: Area, *, username=None):
    user = django_user_model.objects.create_user(
        username=username or role.replace(" ", "-"),
        password="not-a-real-password-1",
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=role))
    assignment = StaffAssignment.objects.create(user=user)
    if role in (SUBDISTRICT_ADMINISTRATOR, VIEWER):
        assignment.subdistricts.add(inside.subdistrict)
    elif role == COMMUNITY_STAFF:
        assignment.communities.add(inside.community)
    else:
        assignment.estates.add(inside.estate)
    return user


def is_scoped(model) -> bool:
    scope = scope_for(model)
    return scope is not None and not scope.everywhere
