"""Inspections recorded by resident quality supervisors (issue 6, item 4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renovation_portal.documents import RandomDocumentName, validate_document
from renovation_portal.models import TimeStampedModel
from renovation_portal.staff_documents import staff_only_storage
from renovation_portal.translation import BilingualField

from .estates import Estate, Stage


class InspectionKind(models.TextChoices):
    MATERIALS = "materials", _("materials")
    QUALITY = "quality", _("construction quality")
    SCHEDULE = "schedule", _("schedule")
    FUND_DISBURSEMENT = "fund_disbursement", _("fund disbursement")


class InspectionOutcome(models.TextChoices):
    SATISFACTORY = "satisfactory", _("satisfactory")
    ISSUES_FOUND = "issues_found", _("issues found")
    RESOLVED = "resolved", _("resolved")


# An inspection checks the works: a compound still being tendered or prepared
# has none to check. From construction on (acceptance and long-term management
# included, where issues found are followed up) it may be recorded. A compound
# whose stage is unknown (no steps recorded yet) is not held back.
BEFORE_CONSTRUCTION = (Stage.TENDERING, Stage.PREPARATION)


class Inspection(TimeStampedModel):
    """A quality supervisor's check of a compound under construction. Staff
    only: not shown on public pages."""

    estate = models.ForeignKey(
        Estate, models.CASCADE, related_name="inspections", verbose_name=_("compound")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("inspected on"), default=timezone.localdate)
    findings = BilingualField(models.TextField(_("findings")))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=InspectionOutcome.choices
    )
    document = models.FileField(
        _("document"),
        upload_to=RandomDocumentName("inspections", "document"),
        storage=staff_only_storage,
        validators=[validate_document],
        blank=True,
        help_text=_(
            "Optional: a report, photo or scan (PDF, JPEG, PNG, WebP, Word, "
            "Excel or PowerPoint); checked by its content."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["-inspected_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=InspectionKind.values),
                name="inspection_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=InspectionOutcome.values),
                name="inspection_outcome_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["estate", "-inspected_on"], name="inspection_estate_date"
            ),
        ]

    def __str__(self):
        return f"{self.estate} · {self.get_kind_display()} · {self.inspected_on}"

    def clean(self):
        super().clean()
        if self.estate_id and self.estate.stage in BEFORE_CONSTRUCTION:
            raise ValidationError(
                {
                    "estate": ValidationError(
                        _(
                            "Inspections are recorded from the construction stage "
                            "on; this compound is still at the stage: %(stage)s."
                        ),
                        code="before_construction",
                        params={"stage": self.estate.get_stage_display()},
                    )
                }
            )
        if self.inspected_on and self.inspected_on > timezone.localdate():
            raise ValidationError(
                {
                    "inspected_on": ValidationError(
                        _("An inspection cannot be dated in the future."),
                        code="future",
                    )
                }
            )
