"""manage.py setup_roles: the five groups and what each may do (issue 6, item 1;
the district administrator came with programmes of districts and counties,
issue 15)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from staff.roles import (
    COMMUNITY_STAFF,
    DISTRICT_ADMINISTRATOR,
    QUALITY_SUPERVISOR,
    SUBDISTRICT_ADMINISTRATOR,
    VIEWER,
)

pytestmark = pytest.mark.django_db


def _permissions():
    return {
        group.name: sorted(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }


def test_setup_roles_creates_the_five_groups():
    call_command("setup_roles", verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) == {
        SUBDISTRICT_ADMINISTRATOR,
        DISTRICT_ADMINISTRATOR,
        COMMUNITY_STAFF,
        QUALITY_SUPERVISOR,
        VIEWER,
    }


def test_setup_roles_run_again_changes_nothing():
    call_command("setup_roles", verbosity=0)
    first = _permissions()

    call_command("setup_roles", verbosity=0)

    assert _permissions() == first


def test_setup_roles_restores_a_permission_removed_by_hand():
    call_command("setup_roles", verbosity=0)
    group = Group.objects.get(name=COMMUNITY_STAFF)
    group.permissions.remove(group.permissions.get(codename="change_estate"))

    call_command("setup_roles", verbosity=0)

    assert group.permissions.filter(codename="change_estate").exists()


def test_viewers_may_only_view():
    call_command("setup_roles", verbosity=0)

    codenames = _permissions()[VIEWER]

    assert codenames
    assert all(codename.startswith("view_") for codename in codenames)


def test_no_role_sees_residents_contact_details():
    call_command("setup_roles", verbosity=0)

    for codenames in _permissions().values():
        assert "view_feedback_contact" not in codenames
        assert "view_feedbackcontact" not in codenames


def test_only_administrators_may_revert():
    call_command("setup_roles", verbosity=0)

    holders = [
        name
        for name, codenames in _permissions().items()
        if "revert_history" in codenames
    ]

    assert sorted(holders) == sorted(
        [SUBDISTRICT_ADMINISTRATOR, DISTRICT_ADMINISTRATOR]
    )


def test_quality_supervisors_record_inspections_and_see_compounds_only():
    call_command("setup_roles", verbosity=0)

    assert _permissions()[QUALITY_SUPERVISOR] == [
        "add_inspection",
        "change_inspection",
        "view_estate",
        "view_inspection",
    ]
