"""Administrative places: province → city → district → subdistrict → community.

Nothing here assumes there is only one subdistrict: the same tables hold one
subdistrict's communities or a whole province's.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renovation_portal.models import SlugFromNameMixin, TimeStampedModel
from renovation_portal.translation import BilingualField


class Place(SlugFromNameMixin, TimeStampedModel):
    name = BilingualField(models.CharField(_("name"), max_length=100))
    slug = models.SlugField(_("slug"), max_length=80, blank=True)
    code = models.CharField(
        _("administrative code"),
        max_length=12,
        blank=True,
        help_text=_("The national administrative division code, if known."),
    )

    class Meta:
        abstract = True
        ordering = ["name_zh_hans"]

    def __str__(self):
        return self.name


class Province(Place):
    class Meta(Place.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="province_slug_unique")
        ]


class City(Place):
    province = models.ForeignKey(
        Province, models.PROTECT, related_name="cities", verbose_name=_("province")
    )
    slug_parent = "province"

    class Meta(Place.Meta):
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "slug"], name="city_slug_unique_per_province"
            )
        ]


class DistrictKind(models.TextChoices):
    """What a district-level place is called (GLOSSARY: 区 / 县 / 自治县)."""

    DISTRICT = "district", _("district")
    COUNTY = "county", _("county")
    AUTONOMOUS_COUNTY = "autonomous_county", _("autonomous county")
    COUNTY_CITY = "county_city", _("county-level city")


class SubdistrictKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("subdistrict")
    TOWN = "town", _("town")
    TOWNSHIP = "township", _("township")


class District(Place):
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=DistrictKind.choices,
        default=DistrictKind.DISTRICT,
    )
    city = models.ForeignKey(
        City, models.PROTECT, related_name="districts", verbose_name=_("city")
    )
    slug_parent = "city"

    class Meta(Place.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"], name="district_slug_unique_per_city"
            )
        ]


class Subdistrict(Place):
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=SubdistrictKind.choices,
        default=SubdistrictKind.SUBDISTRICT,
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        related_name="subdistricts",
        verbose_name=_("district"),
    )
    slug_parent = "district"

    class Meta(Place.Meta):
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "slug"],
                name="subdistrict_slug_unique_per_district",
            )
        ]


class Community(Place):
    """A community (社区): the residents' committee area an estate belongs to.

    Its slug is unique everywhere because it is the public address
    ``/communities/<slug>/``.
    """

    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="communities",
        verbose_name=_("subdistrict"),
    )
    address = BilingualField(models.CharField(_("address"), max_length=200, blank=True))
    phone = models.CharField(
        _("office phone"),
        max_length=30,
        blank=True,
        help_text=_("The community office's public number, never a person's own."),
    )

    class Meta(Place.Meta):
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="community_slug_unique")
        ]
        # A page of the API's list (by name, then id) read from the index, not
        # sorted out of every community in the country (issue 17, item 4).
        indexes = [
            models.Index(fields=["name_zh_hans", "id"], name="community_by_name")
        ]

    def get_absolute_url(self):
        return reverse("estates:community-detail", kwargs={"slug": self.slug})


class ChecklistCategory(models.TextChoices):
    """The six categories of the "complete residential community" standard."""

    BASIC_SERVICES = "basic_services", _("basic public services")
    CONVENIENCE_COMMERCE = "convenience_commerce", _("convenience commerce")
    MUNICIPAL_INFRASTRUCTURE = (
        "municipal_infrastructure",
        _("municipal infrastructure"),
    )
    PUBLIC_SPACE = "public_space", _("public activity space")
    PROPERTY_COVERAGE = "property_coverage", _("full property-management coverage")
    MANAGEMENT_MECHANISM = "management_mechanism", _("community management mechanism")


class ChecklistStatus(models.TextChoices):
    MET = "met", _("met")
    PARTLY = "partly", _("partly met")
    MISSING = "missing", _("missing")


class CommunityChecklistItem(TimeStampedModel):
    """One of the six complete-community categories, assessed for one community."""

    community = models.ForeignKey(
        Community,
        models.CASCADE,
        related_name="checklist",
        verbose_name=_("community"),
    )
    category = models.CharField(
        _("category"), max_length=32, choices=ChecklistCategory.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ChecklistStatus.choices
    )
    note = BilingualField(models.TextField(_("note"), blank=True))

    class Meta:
        verbose_name = _("complete-community checklist item")
        verbose_name_plural = _("complete-community checklist")
        ordering = ["community", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "category"],
                name="checklist_one_per_category",
                violation_error_message=_(
                    "This community already has an entry for this category."
                ),
            )
        ]

    def __str__(self):
        return f"{self.community} · {self.get_category_display()}"
