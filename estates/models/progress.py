"""The renovation's progress: procedures, steps, works, funding and notices."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from renovation_portal.documents import RandomDocumentName, validate_document
from renovation_portal.models import TimeStampedModel, non_negative
from renovation_portal.staff_documents import staff_only_storage
from renovation_portal.translation import BilingualField

from .estates import Estate, Stage
from .places import Subdistrict


class Procedure(TimeStampedModel):
    """A list of steps, grouped by stage, that an office follows for each estate.

    The portal ships one default template; an office edits it or adds its own.
    """

    name = BilingualField(models.CharField(_("name"), max_length=120))
    is_default_template = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_(
            "Shipped with the portal as a starting point; not any office's own list."
        ),
    )
    subdistricts = models.ManyToManyField(
        Subdistrict,
        blank=True,
        related_name="procedures",
        verbose_name=_("subdistricts using it"),
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["-is_default_template", "name_zh_hans"]

    def __str__(self):
        return self.name


class StepTemplate(TimeStampedModel):
    procedure = models.ForeignKey(
        Procedure, models.CASCADE, related_name="steps", verbose_name=_("procedure")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Position in the whole procedure (1, 2, 3 …).")
    )
    name = BilingualField(models.CharField(_("name"), max_length=200))
    documents = BilingualField(
        models.TextField(
            _("documents needed"),
            blank=True,
            help_text=_("The documents this step needs, one per line."),
        )
    )
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("depends on"),
    )

    class Meta:
        verbose_name = _("step template")
        verbose_name_plural = _("step templates")
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"],
                name="step_template_number_unique",
                violation_error_message=_(
                    "This procedure already has a step with this number."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="step_template_stage"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class StepStatus(models.TextChoices):
    PENDING = "pending", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


FINISHED_STATUSES = (StepStatus.DONE, StepStatus.NOT_APPLICABLE)


class Step(TimeStampedModel):
    """One step of the procedure for one estate."""

    # No index of its own: the unique (estate, template) constraint's index
    # starts with the estate, and millions of steps need no second one.
    estate = models.ForeignKey(
        Estate,
        models.CASCADE,
        related_name="steps",
        verbose_name=_("compound"),
        db_index=False,
    )
    template = models.ForeignKey(
        StepTemplate,
        models.PROTECT,
        related_name="estate_steps",
        verbose_name=_("step"),
    )
    # Copied from the template so that ordering and stage grouping need no join.
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, editable=False
    )
    number = models.PositiveSmallIntegerField(_("number"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StepStatus.choices,
        default=StepStatus.PENDING,
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = BilingualField(models.TextField(_("note"), blank=True))
    not_applicable_reason = BilingualField(
        models.CharField(_("reason not applicable"), max_length=300, blank=True)
    )
    is_sample = models.BooleanField(
        _("sample, not confirmed"),
        default=False,
        help_text=_(
            "Created from the standard procedure and not yet confirmed for this "
            "compound: residents see it marked as a sample. Saving a change to "
            "the step confirms it; untick this to confirm it as it is."
        ),
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["estate", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "template"],
                name="step_once_per_estate",
                violation_error_message=_("This compound already has this step."),
            ),
            models.CheckConstraint(
                condition=models.Q(done_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(done_on__gte=models.F("started_on")),
                name="step_done_after_start",
                violation_error_message=_(
                    "A step cannot be done before it was started."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=StepStatus.NOT_APPLICABLE)
                | ~models.Q(not_applicable_reason_zh_hans=""),
                name="step_not_applicable_has_reason",
                violation_error_message=_(
                    "Give the reason why this step does not apply."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "planned_on"], name="step_status_planned"),
        ]

    def __str__(self):
        return f"{self.estate} · {self.number}. {self.template.name}"

    def save(self, *args, **kwargs):
        self.stage = self.template.stage
        self.number = self.template.number
        super().save(*args, **kwargs)

    # Set by a form set that saves several steps of one compound at once (the
    # compound's page): template id -> the status about to be saved, so that
    # steps marked done together are judged together.
    pending_statuses: dict[int, str] | None = None

    def unfinished_prerequisites(self) -> list["Step"]:
        """This compound's steps that this step's template depends on and that
        are neither done nor marked not applicable. A template the compound has
        no step for does not hold it back (the compound does not follow it)."""
        if not (self.estate_id and self.template_id):
            return []
        pending = self.pending_statuses or {}
        required = (
            Step.objects.filter(
                estate_id=self.estate_id,
                template__in=self.template.depends_on.all(),
            )
            .exclude(pk=self.pk)
            .select_related("template")
            .order_by("number")
        )
        return [
            step
            for step in required
            if pending.get(step.template_id, step.status) not in FINISHED_STATUSES
        ]

    def clean(self):
        super().clean()
        if self.status != StepStatus.DONE:
            return
        blocking = self.unfinished_prerequisites()
        if blocking:
            names = "; ".join(f"{s.number}. {s.template.name}" for s in blocking)
            raise ValidationError(
                {
                    "status": ValidationError(
                        _(
                            "This step cannot be marked done before the steps it "
                            "depends on are done or marked not applicable: "
                            "%(steps)s."
                        ),
                        code="prerequisites_unfinished",
                        params={"steps": names},
                    )
                }
            )


class StepDocument(TimeStampedModel):
    step = models.ForeignKey(
        Step, models.CASCADE, related_name="documents", verbose_name=_("step")
    )
    title = BilingualField(models.CharField(_("title"), max_length=200))
    file = models.FileField(
        _("file"),
        upload_to=RandomDocumentName("steps"),
        storage=staff_only_storage,
        validators=[validate_document],
        help_text=_(
            "PDF, photo (JPEG, PNG, WebP) or Word, Excel or PowerPoint file; "
            "checked by its content and stored under a random name."
        ),
    )

    class Meta:
        verbose_name = _("step document")
        verbose_name_plural = _("step documents")
        ordering = ["step", "created_at"]

    def __str__(self):
        return self.title


class Tier(models.TextChoices):
    """The national three tiers of renovation works."""

    BASIC = "basic", _("basic")
    IMPROVEMENT = "improvement", _("improvement")
    UPGRADE = "upgrade", _("upgrade")


class WorksCategory(models.TextChoices):
    CABLES_BURIED = "cables_buried", _("cables buried underground")
    OVERHEAD_CLEARED = "overhead_cleared", _("overhead cable tangle cleared")
    RAIN_SEWAGE = "rain_sewage", _("rain and sewage separation")
    WATER_GAS_HEATING = "water_gas_heating", _("water, gas and heating pipes")
    ROADS = "roads", _("roads")
    LIGHTING = "lighting", _("lighting")
    GREENING = "greening", _("greening")
    PARKING = "parking", _("parking spaces")
    EV_CHARGING = "ev_charging", _("EV charging points")
    ACCESS_CONTROL = "access_control", _("access control")
    SMART_SECURITY = "smart_security", _("smart security")
    CULTURE_CORRIDOR = "culture_corridor", _("culture corridor")
    MURALS = "murals", _("wall paintings")
    ELDERLY_CARE = "elderly_care", _("elderly care")
    CHILDCARE = "childcare", _("childcare")
    MEAL_HELP = "meal_help", _("meal assistance")
    FITNESS = "fitness", _("fitness facilities")
    OTHER = "other", _("other")


# The tier a category usually falls in under the national guidance; a clerk may
# still choose another.
DEFAULT_TIER = {
    WorksCategory.CABLES_BURIED: Tier.BASIC,
    WorksCategory.OVERHEAD_CLEARED: Tier.BASIC,
    WorksCategory.RAIN_SEWAGE: Tier.BASIC,
    WorksCategory.WATER_GAS_HEATING: Tier.BASIC,
    WorksCategory.ROADS: Tier.BASIC,
    WorksCategory.LIGHTING: Tier.BASIC,
    WorksCategory.GREENING: Tier.IMPROVEMENT,
    WorksCategory.PARKING: Tier.IMPROVEMENT,
    WorksCategory.EV_CHARGING: Tier.IMPROVEMENT,
    WorksCategory.ACCESS_CONTROL: Tier.IMPROVEMENT,
    WorksCategory.SMART_SECURITY: Tier.IMPROVEMENT,
    WorksCategory.FITNESS: Tier.IMPROVEMENT,
    WorksCategory.CULTURE_CORRIDOR: Tier.UPGRADE,
    WorksCategory.MURALS: Tier.UPGRADE,
    WorksCategory.ELDERLY_CARE: Tier.UPGRADE,
    WorksCategory.CHILDCARE: Tier.UPGRADE,
    WorksCategory.MEAL_HELP: Tier.UPGRADE,
}


class Unit(models.TextChoices):
    METRE = "m", _("m")
    SQUARE_METRE = "m2", _("m²")
    ITEM = "item", _("items")
    SPACE = "space", _("spaces")
    POINT = "point", _("points")
    LAMP = "lamp", _("lamps")
    BUILDING = "building", _("buildings")


class WorksItem(TimeStampedModel):
    """One kind of work done in an estate, with planned and done quantities."""

    estate = models.ForeignKey(
        Estate, models.CASCADE, related_name="works", verbose_name=_("compound")
    )
    category = models.CharField(
        _("category"), max_length=24, choices=WorksCategory.choices
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    description = BilingualField(
        models.CharField(_("description"), max_length=300, blank=True)
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    planned_quantity = models.DecimalField(
        _("planned quantity"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    done_quantity = models.DecimalField(
        _("done quantity"), max_digits=12, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("works item")
        verbose_name_plural = _("works items")
        ordering = ["estate", "tier", "category"]
        constraints = [
            non_negative("planned_quantity", "works"),
            non_negative("done_quantity", "works"),
            models.CheckConstraint(
                condition=models.Q(planned_quantity__isnull=True)
                | models.Q(done_quantity__isnull=True)
                | models.Q(done_quantity__lte=models.F("planned_quantity")),
                name="works_done_not_above_planned",
                violation_error_message=_(
                    "The done quantity cannot be larger than the planned quantity."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(tier__in=Tier.values), name="works_tier_valid"
            ),
        ]

    def __str__(self):
        return f"{self.estate} · {self.get_category_display()}"

    @property
    def progress_percent(self) -> int | None:
        if not self.planned_quantity or self.done_quantity is None:
            return None
        return round(100 * self.done_quantity / self.planned_quantity)


class FundingSource(models.TextChoices):
    CENTRAL_SUBSIDY = "central_subsidy", _("central subsidy")
    LOCAL_BUDGET = "local_budget", _("local budget")
    UTILITY_COMPANIES = "utility_companies", _("utility companies")
    RESIDENTS = "residents", _("residents' contribution")
    OTHER = "other", _("other")


class Funding(TimeStampedModel):
    estate = models.ForeignKey(
        Estate, models.CASCADE, related_name="funding", verbose_name=_("compound")
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty while the amount is not disclosed."),
    )
    note = BilingualField(models.CharField(_("note"), max_length=300, blank=True))

    class Meta:
        verbose_name = _("renovation funding")
        verbose_name_plural = _("renovation funding")
        ordering = ["estate", "source"]
        constraints = [
            non_negative("amount_yuan", "funding"),
            models.UniqueConstraint(
                fields=["estate", "source"],
                name="funding_one_per_source",
                violation_error_message=_(
                    "This compound already has an entry for this source."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.estate} · {self.get_source_display()}"


class NoticeKind(models.TextChoices):
    WATER_CUT = "water_cut", _("water cut")
    POWER_CUT = "power_cut", _("power cut")
    GAS_CUT = "gas_cut", _("gas cut")
    ROAD_CLOSURE = "road_closure", _("road closure")
    SCAFFOLDING = "scaffolding", _("scaffolding")
    NOISE = "noise", _("noisy works")
    OTHER = "other", _("other")


class Notice(TimeStampedModel):
    """A construction notice: what is closed or disturbed, where, and when."""

    estate = models.ForeignKey(
        Estate, models.CASCADE, related_name="notices", verbose_name=_("compound")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    title = BilingualField(models.CharField(_("title"), max_length=200))
    details = BilingualField(models.TextField(_("details"), blank=True))
    buildings_affected = models.CharField(
        _("buildings affected"),
        max_length=200,
        blank=True,
        help_text=_("For example: 1, 2 and 5; empty means the whole compound."),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("construction notice")
        verbose_name_plural = _("construction notices")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="notice_ends_after_start",
                violation_error_message=_("A notice cannot end before it starts."),
            )
        ]
        indexes = [
            models.Index(fields=["estate", "ends_at"], name="notice_estate_ends"),
            # "What's new": the notices most recently posted.
            models.Index(fields=["-created_at", "-id"], name="notice_posted"),
        ]

    def __str__(self):
        return self.title
