"""Satisfaction surveys after completion acceptance (issue 5, item 4).

Staff open a survey for a compound that has reached completion acceptance;
residents rate it 1–5 on a few dimensions, once per device. The device is
never stored as such: only an HMAC of a random id kept in the resident's
signed cookie, keyed per survey so that answers to two surveys cannot be
linked (see ``governance.services.survey_device_key``). Comments are read by
staff only; the public sees aggregates, and only from
``SURVEY_MIN_RESPONSES`` answers on, so that no single answer can be singled
out.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.models import Estate, Stage
from renovation_portal.models import TimeStampedModel

# Fewer answers than this are never shown in public, in a page or the API.
SURVEY_MIN_RESPONSES = 5
SCORE_MIN = 1
SCORE_MAX = 5
COMMENT_MAX_LENGTH = 500
# A survey may be opened once the renovation has reached these stages.
SURVEY_STAGES = frozenset({Stage.ACCEPTANCE, Stage.MANAGEMENT})


class Score(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("very dissatisfied")
    DISSATISFIED = 2, _("dissatisfied")
    NEUTRAL = 3, _("neither satisfied nor dissatisfied")
    SATISFIED = 4, _("satisfied")
    VERY_SATISFIED = 5, _("very satisfied")


class Dimension(models.TextChoices):
    """What residents rate; each value is a score field of SurveyResponse."""

    WORKS_QUALITY = "works_quality", _("quality of the works")
    PROPERTY_SERVICE = "property_service", _("property management service")
    FACILITIES = "facilities", _("facilities")
    OVERALL = "overall", _("overall")


class Survey(TimeStampedModel):
    """A satisfaction survey of one compound, open from one date to another."""

    estate = models.ForeignKey(
        Estate, models.PROTECT, related_name="surveys", verbose_name=_("compound")
    )
    opens_on = models.DateField(_("opens on"), default=timezone.localdate)
    closes_on = models.DateField(
        _("closes on"),
        null=True,
        blank=True,
        help_text=_("Last day residents can answer; empty: open until a date is set."),
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("A survey cannot close before it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.estate} · {self.opens_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("governance:survey-answer", args=[self.estate.slug])

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day and (
            self.closes_on is None or day <= self.closes_on
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    def clean(self):
        super().clean()
        if self.estate_id is None:
            return
        if self.estate.stage not in SURVEY_STAGES:
            raise ValidationError(
                {
                    "estate": _(
                        "A satisfaction survey can be opened only once the "
                        "compound has reached completion acceptance; this "
                        "compound's steps say it has not."
                    )
                },
                code="estate_not_accepted",
            )
        if self.opens_on and not (self.closes_on and self.closes_on < self.opens_on):
            overlapping = Survey.objects.filter(estate_id=self.estate_id).exclude(
                pk=self.pk
            )
            overlapping = overlapping.filter(
                models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=self.opens_on)
            )
            if self.closes_on:
                overlapping = overlapping.filter(opens_on__lte=self.closes_on)
            if overlapping.exists():
                raise ValidationError(
                    _(
                        "This compound already has a survey open during these "
                        "dates; close it first."
                    ),
                    code="survey_overlaps",
                )


def _score_field(verbose_name):
    return models.PositiveSmallIntegerField(verbose_name, choices=Score.choices)


class SurveyResponse(TimeStampedModel):
    """One resident's answer. The comment is for staff only, never public."""

    survey = models.ForeignKey(
        Survey, models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    works_quality = _score_field(_("quality of the works"))
    property_service = _score_field(_("property management service"))
    facilities = _score_field(_("facilities"))
    overall = _score_field(_("overall"))
    comment = models.TextField(
        _("comment"),
        max_length=COMMENT_MAX_LENGTH,
        blank=True,
        help_text=_("Read by staff only; never shown in public."),
    )
    device_key = models.CharField(
        _("device key"),
        max_length=64,
        editable=False,
        help_text=_("A keyed hash of the answering device's random id, not the id."),
    )

    class Meta:
        verbose_name = _("satisfaction survey response")
        verbose_name_plural = _("satisfaction survey responses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "device_key"],
                name="survey_response_one_per_device",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(
                        **{f"{field}__gte": SCORE_MIN, f"{field}__lte": SCORE_MAX}
                    ),
                    name=f"survey_response_{field}_1_to_5",
                    violation_error_message=_("A score is a whole number from 1 to 5."),
                )
                for field in Dimension.values
            ),
        ]

    def __str__(self):
        return f"{self.survey} · {self.created_at:%Y-%m-%d %H:%M}"
