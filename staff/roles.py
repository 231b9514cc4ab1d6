"""The staff roles as Django groups with their model permissions.

Where a role applies comes from each user's StaffAssignment (:mod:`staff.scopes`);
what it may do there is set here. Residents' contact details
(``governance.view_feedback_contact``) belong to no role: an administrator grants
them to the named people who call residents back.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from staff.scopes import SCOPES

SUBDISTRICT_ADMINISTRATOR = "subdistrict administrator"
# The same rights over a district's or county's records, for the staff of a
# district- or county-level programme (their assignment names the district).
DISTRICT_ADMINISTRATOR = "district administrator"
COMMUNITY_STAFF = "community staff"
QUALITY_SUPERVISOR = "quality supervisor"
VIEWER = "viewer"

# The groups keep these English names (setup_roles finds them by name); the
# admin shows each in the clerk's language.
ROLE_WORDS = {
    SUBDISTRICT_ADMINISTRATOR: _("subdistrict administrator"),
    DISTRICT_ADMINISTRATOR: _("district administrator"),
    COMMUNITY_STAFF: _("community staff"),
    QUALITY_SUPERVISOR: _("quality supervisor"),
    VIEWER: _("viewer"),
}

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
EDIT = ("add", "change", "view")

# Records a community office keeps for its own compounds (issue 6: estates,
# steps, works, photos, councils, meetings, feedback).
COMMUNITY_RECORDS = [
    "estates.Estate",
    "estates.Step",
    "estates.StepDocument",
    "estates.WorksItem",
    "estates.Photo",
    "estates.Funding",
    "estates.Notice",
    "estates.Facility",
    "estates.CommunityChecklistItem",
    "governance.Council",
    "governance.Meeting",
    "governance.Organisation",
    "governance.MediationCase",
    "governance.Survey",
    # Putting the office's compounds into a programme and batch.
    "estates.ProgrammeMembership",
]
# Looked up while keeping those records (a compound's community, its property
# company, the procedure its steps follow).
COMMUNITY_LOOKUPS = [
    "estates.Province",
    "estates.City",
    "estates.District",
    "estates.Subdistrict",
    "estates.Community",
    "estates.PropertyCompany",
    "estates.MergedCourtyard",
    "estates.Procedure",
    "estates.StepTemplate",
    "estates.Programme",
    "estates.ProgrammeBatch",
    "estates.ProgrammeSource",
]
# Feedback is submitted only by residents; staff triage it (change), never add.
FEEDBACK = "governance.Feedback"
# Residents' survey answers: read by the community office, never written by staff.
SURVEY_ANSWERS = "governance.SurveyResponse"
# Recorded by resident quality supervisors; the community office reads them.
INSPECTIONS = "estates.Inspection"

# Models the admin shows only as inlines of another page, and the ones kept out
# of every role (contact details).
NOT_GRANTED = {"governance.FeedbackContact"}


def _portal_models() -> list[str]:
    return sorted(label for label in SCOPES if label not in NOT_GRANTED)


def role_permissions() -> dict[str, list[tuple[str, str]]]:
    """Each role's permissions as ``(app_label, codename)`` pairs."""

    def grant(labels, actions):
        pairs = []
        for label in labels:
            meta = apps.get_model(label)._meta
            pairs.extend((meta.app_label, f"{a}_{meta.model_name}") for a in actions)
        return pairs

    portal = _portal_models()
    administrator = [
        *grant([m for m in portal if m not in {FEEDBACK, SURVEY_ANSWERS}], ALL),
        *grant([FEEDBACK], ("change", "view")),
        *grant([SURVEY_ANSWERS], VIEW),
        ("staff", "revert_history"),
    ]
    return {
        SUBDISTRICT_ADMINISTRATOR: administrator,
        DISTRICT_ADMINISTRATOR: administrator,
        COMMUNITY_STAFF: [
            *grant(COMMUNITY_RECORDS, ALL),
            *grant([*COMMUNITY_LOOKUPS, SURVEY_ANSWERS, INSPECTIONS], VIEW),
            *grant([FEEDBACK], ("change", "view")),
        ],
        # A supervisor records inspections of the compounds they supervise
        # and sees those compounds; nothing else (issue 6, item 1).
        QUALITY_SUPERVISOR: [
            *grant(["estates.Estate"], VIEW),
            *grant([INSPECTIONS], EDIT),
        ],
        VIEWER: grant(portal, VIEW),
    }


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create the groups and set their permissions to exactly those of
    :func:`role_permissions`; running it again changes nothing. Returns the
    number of permissions of each group."""
    result = {}
    for name, pairs in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, codename in pairs:
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
        result[name] = len(wanted)
    return result
