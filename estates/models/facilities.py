"""Facilities (neighbourhood centres, elderly-care centres …) and estate photos."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renovation_portal.models import SlugFromNameMixin, TimeStampedModel
from renovation_portal.translation import BilingualField

from .estates import Estate, MergedCourtyard
from .places import Community, Subdistrict


class FacilityKind(models.TextChoices):
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre", _("neighbourhood centre")
    ELDERLY_CARE_CENTRE = "elderly_care_centre", _("comprehensive elderly-care centre")
    DAY_CARE_CENTRE = "day_care_centre", _("day-care centre")
    SERVICE_CENTRE = "service_centre", _("Party–community service centre")
    READING_ROOM = "reading_room", _("reading room")
    OTHER = "other", _("other")


class Facility(SlugFromNameMixin, TimeStampedModel):
    name = BilingualField(models.CharField(_("name"), max_length=120))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=FacilityKind.choices)
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="facilities",
        verbose_name=_("subdistrict"),
    )
    community = models.ForeignKey(
        Community,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("community"),
    )
    estate = models.ForeignKey(
        Estate,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("compound"),
    )
    courtyard = models.ForeignKey(
        MergedCourtyard,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("merged courtyard"),
    )
    zones = BilingualField(
        models.TextField(_("zones"), blank=True, help_text=_("One zone per line."))
    )
    opening_hours = BilingualField(
        models.CharField(_("opening hours"), max_length=200, blank=True)
    )
    address = BilingualField(models.CharField(_("address"), max_length=200, blank=True))
    latitude = models.DecimalField(
        _("latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    people_served = models.PositiveIntegerField(
        _("people served"), null=True, blank=True
    )
    description = BilingualField(models.TextField(_("description"), blank=True))

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["kind", "name_zh_hans"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="facility_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(area_m2__isnull=True) | models.Q(area_m2__gte=0),
                name="facility_area_non_negative",
            ),
        ]

    def __str__(self):
        return self.name


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("before")
    DURING = "during", _("during")
    AFTER = "after", _("after")


class Photo(TimeStampedModel):
    estate = models.ForeignKey(
        Estate, models.CASCADE, related_name="photos", verbose_name=_("compound")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices)
    caption = BilingualField(models.CharField(_("caption"), max_length=200, blank=True))
    image = models.ImageField(_("image"), upload_to="photos/%Y/", blank=True)
    # Made from the re-encoded image at upload (estates.forms.PhotoForm), sized
    # for a phone screen; never uploaded on its own.
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to="photos/%Y/", blank=True, editable=False
    )
    taken_on = models.DateField(_("taken on"), null=True, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["estate", "kind", "taken_on"]

    def __str__(self):
        return self.caption or f"{self.estate} · {self.get_kind_display()}"
