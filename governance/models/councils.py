"""Councils and their meetings, organisations and volunteer teams, mediation, awards."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.models import (
    Community,
    Estate,
    MergedCourtyard,
    ProgrammePillar,
    Subdistrict,
)
from renovation_portal.models import SlugFromNameMixin, TimeStampedModel
from renovation_portal.translation import BilingualField


class CouncilLevel(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("subdistrict")
    COMMUNITY = "community", _("community")
    COURTYARD = "courtyard", _("courtyard")


class Council(SlugFromNameMixin, TimeStampedModel):
    """A residents' council at one of the three levels."""

    name = BilingualField(models.CharField(_("name"), max_length=150))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=CouncilLevel.choices)
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="councils",
        verbose_name=_("subdistrict"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("community"),
    )
    courtyard = models.ForeignKey(
        MergedCourtyard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("merged courtyard"),
    )
    estates = models.ManyToManyField(
        Estate, blank=True, related_name="councils", verbose_name=_("compounds")
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    class Meta:
        verbose_name = _("residents' council")
        verbose_name_plural = _("residents' councils")
        ordering = ["level", "name_zh_hans"]
        # A page of the API's list (this order, then id) read from the index,
        # not sorted out of every council in the country (issue 17, item 4).
        indexes = [
            models.Index(
                fields=["level", "name_zh_hans", "id"], name="council_by_level"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(level=CouncilLevel.COMMUNITY)
                | models.Q(community__isnull=False),
                name="council_community_level_has_community",
                violation_error_message=_(
                    "A community-level council must name its community."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(level=CouncilLevel.SUBDISTRICT)
                | models.Q(community__isnull=True),
                name="council_subdistrict_level_no_community",
                violation_error_message=_(
                    "A subdistrict-level council does not belong to one community."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class MeetingKind(models.TextChoices):
    WEEKLY_TALK = "weekly_talk", _("weekly residents' sentiment talk")
    MONTHLY_COORDINATION = (
        "monthly_coordination",
        _("monthly problem coordination meeting"),
    )
    QUARTERLY_EVALUATION = (
        "quarterly_evaluation",
        _("quarterly work evaluation meeting"),
    )
    OTHER = "other", _("other meeting")


class Meeting(TimeStampedModel):
    council = models.ForeignKey(
        Council, models.CASCADE, related_name="meetings", verbose_name=_("council")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    title = BilingualField(models.CharField(_("title"), max_length=200, blank=True))
    # A number only: who attended is never recorded in a field of its own, and
    # minutes that name people are never shown publicly.
    attendees_count = models.PositiveIntegerField(
        _("number of attendees"), null=True, blank=True
    )
    agenda = BilingualField(models.TextField(_("agenda"), blank=True))
    decisions = BilingualField(models.TextField(_("decisions"), blank=True))
    minutes = BilingualField(
        models.TextField(
            _("minutes"),
            blank=True,
            help_text=_("Staff only; never shown on public pages."),
        )
    )
    follow_ups = BilingualField(models.TextField(_("follow-up items"), blank=True))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on"]
        indexes = [
            models.Index(fields=["council", "-held_on"], name="meeting_council_date"),
            models.Index(fields=["kind", "held_on"], name="meeting_kind_date"),
            # "What's new": the meetings most recently held, across councils.
            models.Index(fields=["-held_on", "-id"], name="meeting_held"),
        ]

    def __str__(self):
        return f"{self.council} · {self.get_kind_display()} · {self.held_on}"


class OrganisationKind(models.TextChoices):
    JOINT_PARTY_BRANCH = "joint_party_branch", _("joint Party branch")
    OWNERS_COMMITTEE = "owners_committee", _("owners' committee")
    PROPERTY_COMMITTEE = "property_committee", _("property management committee")
    VOLUNTEER_TEAM = "volunteer_team", _("volunteer team")
    VOLUNTEER_SUB_TEAM = "volunteer_sub_team", _("volunteer sub-team")
    UTILITY_PARTNER = "utility_partner", _("utility partner")
    OTHER = "other", _("other")


class Organisation(SlugFromNameMixin, TimeStampedModel):
    name = BilingualField(models.CharField(_("name"), max_length=150))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_teams",
        verbose_name=_("parent organisation"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="organisations",
        verbose_name=_("subdistrict"),
    )
    community = models.ForeignKey(
        Community,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("community"),
    )
    courtyard = models.ForeignKey(
        MergedCourtyard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("merged courtyard"),
    )
    members_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    sub_teams_count = models.PositiveIntegerField(
        _("number of sub-teams"),
        null=True,
        blank=True,
        help_text=_("As reported, when the sub-teams are not each recorded."),
    )
    activities_count = models.PositiveIntegerField(
        _("activities held"), null=True, blank=True
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name_zh_hans"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="organisation_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            )
        ]

    def __str__(self):
        return self.name


class MediationStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
    REFERRED = "referred", _("referred elsewhere")


class MediationCase(TimeStampedModel):
    """A dispute taken to mediation, recorded without the parties' names."""

    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="mediation_cases",
        verbose_name=_("subdistrict"),
    )
    community = models.ForeignKey(
        Community,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_cases",
        verbose_name=_("community"),
    )
    category = BilingualField(models.CharField(_("category"), max_length=100))
    summary = BilingualField(
        models.TextField(
            _("summary"),
            blank=True,
            help_text=_("Describe the dispute without naming anyone."),
        )
    )
    opened_on = models.DateField(_("opened on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MediationStatus.choices,
        default=MediationStatus.OPEN,
    )

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("opened_on")),
                name="mediation_resolved_after_opened",
                violation_error_message=_(
                    "A case cannot be resolved before it was opened."
                ),
            )
        ]

    def __str__(self):
        return f"{self.category} · {self.opened_on}"


class Award(TimeStampedModel):
    """An award the subdistrict gives (each year, for example)."""

    name = BilingualField(models.CharField(_("name"), max_length=150))
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="awards",
        verbose_name=_("subdistrict"),
    )
    frequency = BilingualField(
        models.CharField(_("how often"), max_length=60, blank=True)
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["name_zh_hans"]

    def __str__(self):
        return self.name


class AwardGrant(TimeStampedModel):
    """An award given in one year: how many, and where, never to whom by name."""

    award = models.ForeignKey(
        Award, models.CASCADE, related_name="grants", verbose_name=_("award")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    estate = models.ForeignKey(
        Estate,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="award_grants",
        verbose_name=_("compound"),
    )
    recipients_count = models.PositiveIntegerField(
        _("number of recipients"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("award given")
        verbose_name_plural = _("awards given")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.award} · {self.year}"


class Practice(TimeStampedModel):
    """A named way of working (the three lists, Red errand service …), told
    under one pillar of its programme's model when it has one."""

    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="practices",
        verbose_name=_("subdistrict"),
    )
    pillar = models.ForeignKey(
        ProgrammePillar,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("pillar"),
        help_text=_("The part of a programme's model this practice belongs to."),
    )
    name = BilingualField(models.CharField(_("name"), max_length=150))
    summary = BilingualField(models.TextField(_("summary"), blank=True))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["pillar__programme__position", "pillar__position", "position"]

    def __str__(self):
        return self.name
