"""Who works where, and the edit history of every record staff keep.

History (django-simple-history) is registered here rather than on each model so
the historical tables live in one app. Left out, and why:

- ``FeedbackContact``: residents' names and phone numbers; a history table would
  keep them after the retention job erases them, and show them to staff without
  the contact permission.
- ``FeedbackStatusChange``, ``FeedbackReply``: already an append-only log of who
  did what and when; a history of a log adds nothing.
- ``FeedbackPhoto``: residents' uploads, never edited by staff.
"""

import simple_history
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from estates import models as estate_models
from governance import models as governance
from lanes import models as lanes
from renovation_portal.models import TimeStampedModel


class StaffAssignment(TimeStampedModel):
    """The districts, subdistricts, communities and compounds a member of
    staff acts on.

    What they may do there comes from their group (``manage.py setup_roles``);
    a quality supervisor names the compounds they supervise.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="staff_assignment",
        verbose_name=_("user"),
    )
    districts = models.ManyToManyField(
        estate_models.District,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("districts and counties"),
        help_text=_(
            "Everything in these districts or counties: for the staff of a "
            "district- or county-level programme."
        ),
    )
    subdistricts = models.ManyToManyField(
        estate_models.Subdistrict,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("subdistricts"),
        help_text=_("Everything in these subdistricts."),
    )
    communities = models.ManyToManyField(
        estate_models.Community,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("communities"),
        help_text=_("Everything in these communities."),
    )
    estates = models.ManyToManyField(
        estate_models.Estate,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("compounds"),
        help_text=_("Compounds a quality supervisor supervises."),
    )

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        permissions = [
            ("revert_history", _("Can revert a record to an earlier version")),
        ]

    def __str__(self):
        return str(self.user)


HISTORY_EXCLUDED_MODELS = {
    governance.FeedbackContact,
    governance.FeedbackStatusChange,
    governance.FeedbackReply,
    governance.FeedbackPhoto,
    # Residents' answers: nobody edits them.
    governance.SurveyResponse,
}

HISTORY_MODELS = [
    estate_models.Province,
    estate_models.City,
    estate_models.District,
    estate_models.Subdistrict,
    estate_models.Community,
    estate_models.CommunityChecklistItem,
    estate_models.PropertyCompany,
    estate_models.MergedCourtyard,
    estate_models.Estate,
    estate_models.Honour,
    estate_models.Facility,
    estate_models.Photo,
    estate_models.Programme,
    estate_models.ProgrammeSource,
    estate_models.ProgrammeBatch,
    estate_models.ProgrammeFigure,
    estate_models.ProgrammeMembership,
    estate_models.ProgrammePillar,
    estate_models.CaseStudySection,
    estate_models.Procedure,
    estate_models.StepTemplate,
    estate_models.Step,
    estate_models.StepDocument,
    estate_models.WorksItem,
    estate_models.Funding,
    estate_models.Notice,
    estate_models.Inspection,
    lanes.Lane,
    lanes.LaneFeature,
    lanes.LaneTenant,
    lanes.LaneHonour,
    lanes.Event,
    governance.Council,
    governance.Meeting,
    governance.Organisation,
    governance.MediationCase,
    governance.Award,
    governance.AwardGrant,
    governance.Practice,
    governance.Feedback,
    governance.Survey,
    StaffAssignment,
]

for _model in HISTORY_MODELS:
    simple_history.register(_model, app="staff")
