"""Estates (compounds), their property companies, merged courtyards, honours."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renovation_portal.geojson import middle, validate_polygon
from renovation_portal.models import (
    SlugFromNameMixin,
    TimeStampedModel,
    non_negative,
)
from renovation_portal.search import normalize, search_grams, search_keys, split_aliases
from renovation_portal.translation import BilingualField

from .places import Community, Subdistrict


class Stage(models.TextChoices):
    """The five stages of the renovation procedure, in order."""

    TENDERING = "tendering", _("tendering")
    PREPARATION = "preparation", _("pre-construction preparation")
    CONSTRUCTION = "construction", _("construction")
    ACCEPTANCE = "acceptance", _("completion acceptance")
    MANAGEMENT = "management", _("long-term management")

    @classmethod
    def order(cls, value: str) -> int:
        return STAGE_ORDER[value]


# Looked up for every stage mark of every row of a list: ``Stage.values``
# builds a new list on each call (issue 7, estate search profile).
STAGE_ORDER = {value: position for position, value in enumerate(Stage.values)}


class PropertyCompany(SlugFromNameMixin, TimeStampedModel):
    name = BilingualField(models.CharField(_("name"), max_length=120))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    phone = models.CharField(
        _("service phone"),
        max_length=30,
        blank=True,
        help_text=_("The company's public service number."),
    )
    address = BilingualField(models.CharField(_("address"), max_length=200, blank=True))
    is_strategic_partner = models.BooleanField(
        _("strategic partner"),
        default=False,
        help_text=_("Signed a strategic agreement with the subdistrict."),
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")
        ordering = ["name_zh_hans"]

    def __str__(self):
        return self.name


class MergedCourtyard(SlugFromNameMixin, TimeStampedModel):
    """Compounds merged into one courtyard: walls removed, roads opened, space gained.

    Figures the source does not give stay NULL ("not disclosed").
    """

    name = BilingualField(models.CharField(_("name"), max_length=120))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="courtyards",
        verbose_name=_("community"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="courtyards",
        verbose_name=_("subdistrict"),
    )
    compounds_merged = models.PositiveIntegerField(
        _("compounds merged"), null=True, blank=True
    )
    buildings = models.PositiveIntegerField(_("buildings"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    walls_removed_m = models.DecimalField(
        _("walls removed (m)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    roads_opened = models.PositiveIntegerField(
        _("internal roads opened"), null=True, blank=True
    )
    space_gained_m2 = models.DecimalField(
        _("space gained (m²)"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    space_use = BilingualField(models.TextField(_("what the space became"), blank=True))
    description = BilingualField(models.TextField(_("description"), blank=True))
    outline = models.JSONField(
        _("outline on the map"),
        null=True,
        blank=True,
        validators=[validate_polygon],
        help_text=_(
            "Optional: the courtyard's boundary as a GeoJSON Polygon in WGS-84, "
            "longitude first; left empty, the courtyard is not drawn on the map."
        ),
    )
    # Where the outline lies (its corners' mean), kept on save so that the
    # map finds the courtyard by box; empty without an outline.
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, editable=False
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, editable=False
    )

    class Meta:
        verbose_name = _("merged courtyard")
        verbose_name_plural = _("merged courtyards")
        ordering = ["name_zh_hans"]
        constraints = [
            non_negative("walls_removed_m", "courtyard"),
            non_negative("space_gained_m2", "courtyard"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("estates:courtyard-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if self.outline:
            self.latitude, self.longitude = middle(self.outline)
        else:
            self.latitude = self.longitude = None
        super().save(*args, **kwargs)


class Estate(SlugFromNameMixin, TimeStampedModel):
    """A residential compound (小区) and its renovation."""

    name = BilingualField(models.CharField(_("name"), max_length=120))
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Readable pinyin; made from the Chinese name when left empty."),
    )
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names residents use, one per line or separated by commas."),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        related_name="estates",
        verbose_name=_("community"),
    )
    address = BilingualField(models.CharField(_("address"), max_length=200, blank=True))
    latitude = models.DecimalField(
        _("latitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    buildings = models.PositiveIntegerField(_("buildings"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    floor_area_m2 = models.DecimalField(
        _("renovated floor area (m²)"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
    )
    renovation_batch = models.CharField(
        _("renovation batch"), max_length=60, blank=True
    )
    renovation_year = models.PositiveSmallIntegerField(
        _("renovation year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    # NULL is meaningful: an estate with no steps recorded has no known stage.
    stage = models.CharField(  # noqa: DJ001
        _("current stage"),
        max_length=20,
        choices=Stage.choices,
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_(
            "Derived from the estate's steps; while it has none, the stage a "
            "programme's source reported (see the date); otherwise NULL."
        ),
    )
    stage_reported_on = models.DateField(
        _("stage reported on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set when the stage is not the steps' but a programme's source's, "
            "as of this date."
        ),
    )
    stage_reached_on = models.DateField(
        _("stage reached on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the compound's steps moved it to its present stage: the "
            "completion date of the step that did. Empty when its stage is "
            "not its steps'."
        ),
    )
    property_company = models.ForeignKey(
        PropertyCompany,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="estates",
        verbose_name=_("property company"),
    )
    courtyard = models.ForeignKey(
        MergedCourtyard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="estates",
        verbose_name=_("merged courtyard"),
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    # Search keys: computed from the names when saved, never typed by staff.
    search_hanzi = models.TextField(editable=False, default="")
    search_pinyin = models.TextField(editable=False, default="")
    search_initials = models.TextField(editable=False, default="")
    search_latin = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["name_zh_hans"]
        constraints = [
            non_negative("floor_area_m2", "estate"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="estate_latitude_range",
                violation_error_message=_("Latitude must be between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="estate_longitude_range",
                violation_error_message=_("Longitude must be between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=models.Q(stage__isnull=True)
                | models.Q(stage__in=Stage.values),
                name="estate_stage_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "stage"], name="estate_community_stage"),
            models.Index(fields=["renovation_year"], name="estate_renovation_year"),
            # The list's default order, and each filter followed by that order,
            # so a page of a large filtered list is read from an index.
            models.Index(fields=["name_zh_hans", "id"], name="estate_name_order"),
            models.Index(
                fields=["community", "name_zh_hans", "id"],
                name="estate_community_name",
            ),
            models.Index(
                fields=["stage", "name_zh_hans", "id"], name="estate_stage_name"
            ),
            models.Index(
                fields=["renovation_year", "name_zh_hans", "id"],
                name="estate_year_name",
            ),
            models.Index(fields=["year_built"], name="estate_year_built"),
            # The map's box (estates.selectors.map): a range of latitudes, then
            # of longitudes; the stage and id come along (key columns, since
            # SQLite has no INCLUDE), so a box's grid is counted from the index.
            models.Index(
                fields=["latitude", "longitude", "stage", "id"],
                name="estate_location",
                condition=models.Q(latitude__isnull=False, longitude__isnull=False),
            ),
            models.Index(fields=["households"], name="estate_households"),
            models.Index(fields=["floor_area_m2"], name="estate_floor_area"),
            # "What's new" on the home page: the latest edits, ties by id (bulk
            # inserts share one time stamp).
            models.Index(fields=["updated_at", "id"], name="estate_updated_order"),
            # "What's new": the compounds that most recently reached a stage.
            models.Index(
                fields=["-stage_reached_on", "-id"],
                name="estate_stage_reached",
                condition=models.Q(stage_reached_on__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Search keys, their index grams and the slug are derived data:
        # computing them here means no write path (admin, import, shell) can
        # leave them out of step with the name. Bulk inserts
        # (renovation_portal.synthetic) call refresh_search_keys() and
        # search_gram_values() themselves.
        self.refresh_search_keys()
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self.refresh_search_grams()

    # The two below take plain values, so that a large import can compute
    # them in a second process (estates.importing.derived).
    @staticmethod
    def search_keys_of(name: str, aliases: str, name_en: str) -> dict[str, str]:
        return search_keys([name, *split_aliases(aliases)], [name_en])

    @staticmethod
    def search_grams_of(keys: list[str], address: str) -> set[str]:
        """``keys``: hanzi, pinyin, initials, latin."""
        return search_grams([*keys, normalize(address)])

    def refresh_search_keys(self) -> None:
        keys = self.search_keys_of(self.name_zh_hans, self.aliases, self.name_en)
        self.search_hanzi = keys["hanzi"]
        self.search_pinyin = keys["pinyin"]
        self.search_initials = keys["initials"]
        self.search_latin = keys["latin"]

    def search_gram_values(self) -> set[str]:
        keys = [
            self.search_hanzi,
            self.search_pinyin,
            self.search_initials,
            self.search_latin,
        ]
        return self.search_grams_of(keys, self.address_zh_hans)

    def refresh_search_grams(self) -> None:
        wanted = self.search_gram_values()
        have = set(self.search_grams.values_list("gram", flat=True))
        if have - wanted:
            self.search_grams.filter(gram__in=have - wanted).delete()
        if wanted - have:
            gram_model = self.search_grams.model
            gram_model.objects.bulk_create(
                gram_model(estate=self, gram=gram) for gram in sorted(wanted - have)
            )

    def get_absolute_url(self):
        return reverse("estates:estate-detail", kwargs={"slug": self.slug})


class EstateSearchGram(models.Model):
    """One index gram of an estate's search keys or address.

    Derived from the estate when it is saved (renovation_portal.search
    search_grams); the search looks a query's grams up here so that even a
    two-character Chinese query is served by an index. Deleted with its estate.

    No foreign-key constraint in the database: a gram is a derived index row,
    and PostgreSQL checked each of the ~26 per compound at commit (6.5 million
    checks, a fifth of a 250,000-row import; issue 7). Django's CASCADE still
    deletes an estate's grams through the ORM, and every SQL delete of
    estates (remove_synthetic, the import benchmark) deletes their grams
    first; the search intersects grams with the estates anyway.
    """

    estate = models.ForeignKey(
        Estate,
        models.CASCADE,
        related_name="search_grams",
        verbose_name=_("compound"),
        db_constraint=False,
    )
    gram = models.CharField(_("gram"), max_length=3)

    class Meta:
        verbose_name = _("search gram")
        verbose_name_plural = _("search grams")
        constraints = [
            models.UniqueConstraint(
                fields=["gram", "estate"], name="estate_search_gram_unique"
            )
        ]

    def __str__(self):
        return self.gram


class Honour(TimeStampedModel):
    """An honour given to an estate or to the programme as a whole."""

    title = BilingualField(models.CharField(_("title"), max_length=200))
    awarded_by = BilingualField(
        models.CharField(_("awarded by"), max_length=200, blank=True)
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    estates = models.ManyToManyField(
        Estate, blank=True, related_name="honours", verbose_name=_("compounds")
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="honours",
        verbose_name=_("subdistrict"),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["title_zh_hans"]

    def __str__(self):
        return self.title
