"""Renovation programmes as data (issue 15).

A programme is a renovation campaign run by one authority — a place at any
level — over the places it covers and a span of years, optionally in batches
(a year's) or phases. What its sources report about it are *figures*, each
with its precision (exact, at least 余, about 约, nearly 近), as-of date and
source; what the register holds about it are *memberships* of compounds, each
with the batch and, while the portal has no steps for the compound, the stage
its source reported on a date. Its case study is ordered bilingual content,
and its own model (Liyang Road's Four Integrations) is a list of pillars.

Nothing here names a programme: every one is loaded from a data pack
(``manage.py load_source_data``) or entered by staff.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renovation_portal.models import SlugFromNameMixin, TimeStampedModel, slug_base
from renovation_portal.translation import BilingualField

from .estates import Estate, Stage
from .places import City, District, Province, Subdistrict

YEAR_VALIDATORS = [MinValueValidator(1949), MaxValueValidator(2100)]


class Precision(models.TextChoices):
    """How exactly a source states a figure (GLOSSARY: 余 is "at least")."""

    EXACT = "exact", _("exact")
    AT_LEAST = "at_least", _("at least (余)")
    ABOUT = "about", _("about (约)")
    NEARLY = "nearly", _("nearly (近)")


class Measure(models.TextChoices):
    """What a figure counts. A figure of one of these measures is comparable
    across programmes and is stored in the measure's own unit (m² for areas,
    yuan for money); ``other`` is anything else, with its own unit."""

    COMPOUNDS = "compounds", _("compounds")
    BUILDINGS = "buildings", _("buildings")
    HOUSEHOLDS = "households", _("households")
    FLOOR_AREA = "floor_area", _("floor area")
    OUTDOOR_AREA = "outdoor_area", _("outdoor area")
    PROJECTS = "projects", _("projects")
    SUBDISTRICTS = "subdistricts", _("subdistricts covered")
    PLANNED_INVESTMENT = "planned_investment", _("planned investment")
    APPROVED_FUNDING = "approved_funding", _("approved funding")
    CENTRAL_INVESTMENT = "central_investment", _("central budget investment")
    OTHER = "other", _("other")


# The unit a comparable measure is stored and shown in (Chinese, English).
MEASURE_UNITS: dict[str, tuple[str, str]] = {
    Measure.COMPOUNDS: ("个", "compounds"),
    Measure.BUILDINGS: ("栋", "buildings"),
    Measure.HOUSEHOLDS: ("户", "households"),
    Measure.FLOOR_AREA: ("平方米", "m²"),
    Measure.OUTDOOR_AREA: ("平方米", "m²"),
    Measure.PROJECTS: ("个", "projects"),
    Measure.SUBDISTRICTS: ("个", "subdistricts"),
    Measure.PLANNED_INVESTMENT: ("元", "yuan"),
    Measure.APPROVED_FUNDING: ("元", "yuan"),
    Measure.CENTRAL_INVESTMENT: ("元", "yuan"),
}
FUNDING_MEASURES = (
    Measure.PLANNED_INVESTMENT,
    Measure.APPROVED_FUNDING,
    Measure.CENTRAL_INVESTMENT,
)


class FigureSubject(models.TextChoices):
    PROGRAMME = "programme", _("the programme's own work")
    CONTEXT = "context", _("context (e.g. the area's stock of old compounds)")


class AuthorityLevel(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("subdistrict or town")
    DISTRICT = "district", _("district or county")
    CITY = "city", _("city")
    PROVINCE = "province", _("province")


class Programme(SlugFromNameMixin, TimeStampedModel):
    """A renovation campaign of one authority (改造计划 / 改造工作)."""

    name = BilingualField(models.CharField(_("name"), max_length=200))
    short_name = BilingualField(
        models.CharField(
            _("short name"),
            max_length=60,
            help_text=_("Used in menus and table headings, e.g. the place's name."),
        )
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Readable pinyin; made from the Chinese name when left empty."),
    )
    authority = BilingualField(
        models.CharField(
            _("authority"),
            max_length=200,
            blank=True,
            help_text=_("The body that runs the programme, as its source names it."),
        )
    )
    # The authority's place: the most specific of these that is set.
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("province"),
    )
    city = models.ForeignKey(
        City,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("city"),
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("district or county"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("subdistrict or town"),
    )
    covers = models.ManyToManyField(
        Subdistrict,
        blank=True,
        related_name="programmes_covering",
        verbose_name=_("subdistricts covered"),
        help_text=_(
            "Only when the programme covers part of its authority's place: the "
            "subdistricts or towns it covers. Leave empty for the whole place."
        ),
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Empty while the programme goes on or when it is not disclosed."),
    )
    summary = BilingualField(models.TextField(_("summary"), blank=True))
    model_name = BilingualField(
        models.CharField(
            _("model's name"),
            max_length=100,
            blank=True,
            help_text=_(
                "The programme's own name for its way of working, if it has one; "
                "its parts are the pillars."
            ),
        )
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=100,
        help_text=_("Programmes are listed by this number, smallest first."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "name_zh_hans", "pk"]
        # The lists' order: a page of programmes is read from the index
        # instead of sorting every programme (2,500 at 250,000 compounds).
        indexes = [
            models.Index(
                fields=["position", "name_zh_hans", "id"], name="programme_list_order"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(province__isnull=False)
                | models.Q(city__isnull=False)
                | models.Q(district__isnull=False)
                | models.Q(subdistrict__isnull=False),
                name="programme_has_a_place",
                violation_error_message=_(
                    "Give the place of the programme's authority: a subdistrict, "
                    "district or county, city or province."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_in_order",
                violation_error_message=_(
                    "The last year cannot come before the first year."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:programme-detail", kwargs={"slug": self.slug})

    @property
    def level(self) -> str:
        for level, field in (
            (AuthorityLevel.SUBDISTRICT, "subdistrict_id"),
            (AuthorityLevel.DISTRICT, "district_id"),
            (AuthorityLevel.CITY, "city_id"),
            (AuthorityLevel.PROVINCE, "province_id"),
        ):
            if getattr(self, field) is not None:
                return level
        return ""

    @property
    def place(self):
        """The authority's place (the most specific one given)."""
        return self.subdistrict or self.district or self.city or self.province

    def contains(self, estate) -> bool:
        """Whether the compound lies in the places the programme covers: the
        subdistricts it names, or else its authority's whole place."""
        subdistrict = estate.community.subdistrict
        if self.subdistrict_id is not None:
            return subdistrict.pk == self.subdistrict_id
        if self.pk and self.covers.exists():
            return self.covers.filter(pk=subdistrict.pk).exists()
        district = subdistrict.district
        if self.district_id is not None:
            return district.pk == self.district_id
        if self.city_id is not None:
            return district.city_id == self.city_id
        return district.city.province_id == self.province_id

    def clean(self):
        super().clean()
        # The places given must be one line of the hierarchy: a district in
        # the city given, and so on.
        pairs = (
            ("subdistrict", "district", lambda s: s.district_id),
            ("district", "city", lambda d: d.city_id),
            ("city", "province", lambda c: c.province_id),
        )
        for lower, upper, parent_of in pairs:
            below = getattr(self, lower)
            above_id = getattr(self, f"{upper}_id")
            if (
                below is not None
                and above_id is not None
                and parent_of(below) != above_id
            ):
                raise ValidationError(
                    {
                        upper: _("This place does not contain the %(lower)s chosen.")
                        % {"lower": self._meta.get_field(lower).verbose_name}
                    }
                )


class ProgrammeSource(TimeStampedModel):
    """A published source of a programme's figures: title, publisher, date,
    address. Every figure names one, and pages show it beside the figure."""

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="sources",
        verbose_name=_("programme"),
    )
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("A short name for the source within the programme, e.g. s1."),
    )
    title = BilingualField(models.CharField(_("title"), max_length=300))
    publisher = BilingualField(
        models.CharField(_("publisher"), max_length=200, blank=True)
    )
    published_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("Empty when the source is undated."),
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    note = BilingualField(models.TextField(_("note"), blank=True))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("programme source")
        verbose_name_plural = _("programme sources")
        ordering = ["programme", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"],
                name="programme_source_key_unique",
                violation_error_message=_(
                    "This programme already has a source with this key."
                ),
            )
        ]

    def __str__(self):
        return self.title


class BatchKind(models.TextChoices):
    YEAR = "year", _("year's batch")
    PHASE = "phase", _("phase")


class ProgrammeBatch(TimeStampedModel):
    """A year's batch or a numbered phase of a programme (批次 / 期)."""

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="batches",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=BatchKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    number = models.PositiveSmallIntegerField(
        _("phase number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    note = BilingualField(models.TextField(_("note"), blank=True))

    class Meta:
        verbose_name = _("batch or phase")
        verbose_name_plural = _("batches and phases")
        ordering = ["programme", "kind", "year", "number"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="year", year__isnull=False, number__isnull=True)
                    | models.Q(kind="phase", number__isnull=False)
                ),
                name="programme_batch_year_or_phase",
                violation_error_message=_(
                    "A year's batch needs its year (and no phase number); a phase "
                    "needs its number."
                ),
            ),
            models.UniqueConstraint(
                fields=["programme", "year"],
                condition=models.Q(kind="year"),
                name="programme_batch_year_unique",
                violation_error_message=_(
                    "This programme already has a batch for this year."
                ),
            ),
            models.UniqueConstraint(
                fields=["programme", "number"],
                condition=models.Q(kind="phase"),
                name="programme_batch_phase_unique",
                violation_error_message=_(
                    "This programme already has a phase with this number."
                ),
            ),
        ]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        if self.kind == BatchKind.PHASE:
            return pgettext_lazy("batch", "phase %(number)s") % {"number": self.number}
        return pgettext_lazy("batch", "%(year)s batch") % {"year": self.year}

    @property
    def ref(self) -> str:
        """How a data pack names the batch: ``year:2019`` or ``phase:1``."""
        if self.kind == BatchKind.PHASE:
            return f"phase:{self.number}"
        return f"year:{self.year}"


class ProgrammeFigure(TimeStampedModel):
    """A figure a source reports about a programme or one of its batches.

    ``value`` is NULL when the source names the figure but does not give it:
    pages show "not disclosed". Figures are shown with their precision and
    never summed or compared as if exact.
    """

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="figures",
        verbose_name=_("programme"),
    )
    batch = models.ForeignKey(
        ProgrammeBatch,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("batch or phase"),
        help_text=_("Empty for a figure about the whole programme."),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_(
            "Unique within the programme; case-study sections name figures by it."
        ),
    )
    measure = models.CharField(
        _("what is counted"),
        max_length=20,
        choices=Measure.choices,
        default=Measure.OTHER,
        help_text=_(
            "Figures of the same kind can be compared across programmes; their "
            "value is in that kind's unit (m² for areas, yuan for money)."
        ),
    )
    subject = models.CharField(
        _("what the figure is about"),
        max_length=12,
        choices=FigureSubject.choices,
        default=FigureSubject.PROGRAMME,
    )
    label = BilingualField(models.CharField(_("label"), max_length=200))
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    precision = models.CharField(
        _("precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.EXACT,
        help_text=_(
            "As the source words it: a figure with 余 is “at least”, with 约 "
            "“about”, with 近 “nearly”."
        ),
    )
    unit = BilingualField(
        models.CharField(
            _("unit"),
            max_length=40,
            blank=True,
            help_text=_("Only for “other” figures; the others use their kind's unit."),
        )
    )
    as_of = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("The date the figure describes; empty when the source is undated."),
    )
    source = models.ForeignKey(
        ProgrammeSource,
        models.PROTECT,
        related_name="figures",
        verbose_name=_("source"),
    )
    note = BilingualField(models.TextField(_("note"), blank=True))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["programme", "batch", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"],
                name="programme_figure_key_unique",
                violation_error_message=_(
                    "This programme already has a figure with this key."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="programme_figure_value_non_negative",
                violation_error_message=_("This figure cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_disclosed(self) -> bool:
        return self.value is not None

    @property
    def unit_pair(self) -> tuple[str, str]:
        """The unit in Chinese and in English."""
        if self.measure in MEASURE_UNITS:
            return MEASURE_UNITS[self.measure]
        return (self.unit_zh_hans, self.unit_en or self.unit_zh_hans)

    def clean(self):
        super().clean()
        errors = {}
        if self.batch_id and self.batch.programme_id != self.programme_id:
            errors["batch"] = _("This batch belongs to another programme.")
        if self.source_id and self.source.programme_id != self.programme_id:
            errors["source"] = _("This source belongs to another programme.")
        if errors:
            raise ValidationError(errors)


class ProgrammeMembership(TimeStampedModel):
    """A compound in a programme, in a batch, with the stage its source
    reported (used while the portal has no steps for the compound)."""

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("programme"),
    )
    estate = models.ForeignKey(
        Estate,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("compound"),
    )
    batch = models.ForeignKey(
        ProgrammeBatch,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("batch or phase"),
    )
    # NULL: the source gives no stage for this compound.
    reported_stage = models.CharField(  # noqa: DJ001
        _("stage reported by the source"),
        max_length=20,
        choices=Stage.choices,
        null=True,
        blank=True,
        help_text=_(
            "Shown while the compound has no steps in the portal; its steps "
            "decide its stage once they are recorded."
        ),
    )
    reported_on = models.DateField(
        _("stage reported on"),
        null=True,
        blank=True,
        help_text=_("The date the source gives the stage for."),
    )
    source = models.ForeignKey(
        ProgrammeSource,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("source"),
    )
    note = BilingualField(models.TextField(_("note"), blank=True))

    class Meta:
        verbose_name = _("compound in a programme")
        verbose_name_plural = _("compounds in programmes")
        ordering = ["programme", "estate__name_zh_hans", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "estate"],
                name="programme_membership_unique",
                violation_error_message=_(
                    "This compound is already in this programme."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(reported_stage__isnull=False)
                | models.Q(reported_on__isnull=True),
                name="programme_membership_date_needs_stage",
                violation_error_message=_(
                    "A date is only given with the stage the source reported."
                ),
            ),
        ]
        indexes = [models.Index(fields=["estate", "programme"])]

    def __str__(self):
        return f"{self.estate} · {self.programme}"

    def clean(self):
        super().clean()
        errors = {}
        if self.batch_id and self.batch.programme_id != self.programme_id:
            errors["batch"] = _("This batch belongs to another programme.")
        if self.source_id and self.source.programme_id != self.programme_id:
            errors["source"] = _("This source belongs to another programme.")
        if (
            self.programme_id
            and self.estate_id
            and not self.programme.contains(self.estate)
        ):
            errors["estate"] = _(
                "This compound lies outside the places the programme covers."
            )
        if errors:
            raise ValidationError(errors)


KEY_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_keys(text: str) -> list[str]:
    """Figure keys typed as a list (spaces, commas or 、 between them)."""
    return [key for key in KEY_SEPARATORS.split(text or "") if key]


class Register(models.TextChoices):
    """Counts of the portal's registers a pillar can show beside its figures."""

    COURTYARDS = "courtyards", _("merged courtyards in the register")
    FACILITIES = "facilities", _("facilities in the register")
    ORGANISATIONS = "organisations", _("organisations in the register")
    COUNCILS = "councils", _("councils in the register")
    AWARDS = "awards", _("awards in the register")


class ProgrammePillar(TimeStampedModel):
    """One part of a programme's own model (the Four Integrations' "buildings
    and courtyards merged" …), with the figures and register counts that tell
    it."""

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="pillars",
        verbose_name=_("programme"),
    )
    key = models.SlugField(_("key"), max_length=40)
    name = BilingualField(models.CharField(_("name"), max_length=120))
    summary = BilingualField(models.TextField(_("summary"), blank=True))
    body = BilingualField(
        models.TextField(
            _("text"),
            blank=True,
            help_text=_(
                "The case study's text on this pillar. A blank line starts a new "
                "paragraph; lines starting with “- ” make a list."
            ),
        )
    )
    figure_keys = models.CharField(
        _("figures"),
        max_length=500,
        blank=True,
        help_text=_(
            "Keys of the programme's figures that tell this pillar, most telling "
            "first, separated by spaces or commas."
        ),
    )
    registers = models.CharField(
        _("register counts"),
        max_length=200,
        blank=True,
        help_text=_(
            "Registers counted beside the figures, separated by spaces: "
            "courtyards, facilities, organisations, councils, awards."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pillar of the programme's model")
        verbose_name_plural = _("pillars of the programme's model")
        ordering = ["programme", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"],
                name="programme_pillar_key_unique",
                violation_error_message=_(
                    "This programme already has a pillar with this key."
                ),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def figure_key_list(self) -> list[str]:
        return split_keys(self.figure_keys)

    @property
    def register_list(self) -> list[str]:
        return split_keys(self.registers)

    def clean(self):
        super().clean()
        unknown = [key for key in self.register_list if key not in Register.values]
        if unknown:
            raise ValidationError(
                {
                    "registers": _("Unknown registers: %(keys)s.")
                    % {"keys": ", ".join(unknown)}
                }
            )


class SectionKind(models.TextChoices):
    TEXT = "text", _("text")
    STAGES = "stages", _("text, then the compounds by stage and the step template")
    PILLARS = "pillars", _("text, then each pillar of the programme's model")
    LANES = "lanes", _("text, then the programme's themed lanes")


class CaseStudySection(TimeStampedModel):
    """One section of a programme's case study, in order. Its figures are
    named by key, so that the case study shows them as they are now."""

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="sections",
        verbose_name=_("programme"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SectionKind.choices, default="text"
    )
    anchor = models.SlugField(
        _("anchor"),
        max_length=60,
        blank=True,
        help_text=_(
            "The section's address within the page (#anchor); made from the "
            "heading when left empty."
        ),
    )
    heading = BilingualField(models.CharField(_("heading"), max_length=200))
    body = BilingualField(
        models.TextField(
            _("text"),
            blank=True,
            help_text=_(
                "A blank line starts a new paragraph; lines starting with “- ” "
                "make a list. [[key]] shows the figure with that key."
            ),
        )
    )
    figure_keys = models.CharField(
        _("figures"),
        max_length=500,
        blank=True,
        help_text=_(
            "Keys of the programme's figures listed under the text, separated "
            "by spaces or commas."
        ),
    )
    image = models.ImageField(_("image"), upload_to="programmes/%Y/", blank=True)
    image_caption = BilingualField(
        models.CharField(_("image caption"), max_length=200, blank=True)
    )

    class Meta:
        verbose_name = _("case-study section")
        verbose_name_plural = _("case-study sections")
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "anchor"],
                name="case_study_section_anchor_unique",
                violation_error_message=_(
                    "Another section of this case study has this anchor."
                ),
            )
        ]

    def __str__(self):
        return self.heading

    @property
    def figure_key_list(self) -> list[str]:
        return split_keys(self.figure_keys)

    def save(self, *args, **kwargs):
        if not self.anchor:
            base = slug_base(self.heading_zh_hans)[:50] or "section"
            taken = set(
                CaseStudySection.objects.filter(programme_id=self.programme_id)
                .exclude(pk=self.pk)
                .values_list("anchor", flat=True)
            )
            anchor, n = base, 2
            while anchor in taken:
                anchor, n = f"{base}-{n}", n + 1
            self.anchor = anchor
        super().save(*args, **kwargs)
