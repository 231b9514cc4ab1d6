"""Themed back lanes, renovated together with the estates beside them, and events."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from estates.models import Estate, Facility, Subdistrict
from renovation_portal.geojson import middle, validate_line_string
from renovation_portal.models import SlugFromNameMixin, TimeStampedModel
from renovation_portal.translation import BilingualField


class Lane(SlugFromNameMixin, TimeStampedModel):
    name = BilingualField(models.CharField(_("name"), max_length=120))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="lanes", verbose_name=_("subdistrict")
    )
    theme = BilingualField(models.CharField(_("theme"), max_length=200))
    motto = BilingualField(models.CharField(_("motto"), max_length=200, blank=True))
    description = BilingualField(models.TextField(_("description"), blank=True))
    estates = models.ManyToManyField(
        Estate,
        blank=True,
        related_name="lanes",
        verbose_name=_("compounds beside it"),
    )
    landmark = BilingualField(
        models.CharField(
            _("landmark"),
            max_length=200,
            blank=True,
            help_text=_("A well-known place beside the lane, such as a school."),
        )
    )
    occupancy_percent = models.DecimalField(
        _("shop occupancy (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    merchants = models.PositiveIntegerField(_("merchants"), null=True, blank=True)
    length_m = models.DecimalField(
        _("length (m)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    path = models.JSONField(
        _("path on the map"),
        null=True,
        blank=True,
        validators=[validate_line_string],
        help_text=_(
            "Optional: the lane as a GeoJSON LineString in WGS-84, longitude "
            "first, as drawn from a survey; left empty, the map shows a point."
        ),
    )

    class Meta:
        verbose_name = _("themed lane")
        verbose_name_plural = _("themed lanes")
        ordering = ["name_zh_hans"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occupancy_percent__isnull=True)
                | models.Q(occupancy_percent__gte=0, occupancy_percent__lte=100),
                name="lane_occupancy_percent_range",
                violation_error_message=_("Occupancy must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=models.Q(length_m__isnull=True) | models.Q(length_m__gte=0),
                name="lane_length_non_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("lanes:lane-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        # A lane drawn but not pinned is filed at its path's middle, so the
        # map finds it by its point.
        if self.path and (self.latitude is None or self.longitude is None):
            self.latitude, self.longitude = middle(self.path)
        super().save(*args, **kwargs)


class LaneFeature(TimeStampedModel):
    lane = models.ForeignKey(
        Lane, models.CASCADE, related_name="features", verbose_name=_("lane")
    )
    name = BilingualField(models.CharField(_("name"), max_length=200))
    description = BilingualField(models.TextField(_("description"), blank=True))
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    length_m = models.DecimalField(
        _("length (m)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("lane feature")
        verbose_name_plural = _("lane features")
        ordering = ["lane", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(length_m__isnull=True) | models.Q(length_m__gte=0),
                name="lane_feature_length_non_negative",
            ),
        ]

    def __str__(self):
        return self.name


class LaneTenant(TimeStampedModel):
    lane = models.ForeignKey(
        Lane, models.CASCADE, related_name="tenants", verbose_name=_("lane")
    )
    name = BilingualField(models.CharField(_("name"), max_length=200))
    kind = BilingualField(models.CharField(_("kind of business"), max_length=100))
    zero_rent = models.BooleanField(_("zero rent"), default=False)
    note = BilingualField(models.CharField(_("note"), max_length=300, blank=True))

    class Meta:
        verbose_name = _("lane tenant")
        verbose_name_plural = _("lane tenants")
        ordering = ["lane", "name_zh_hans"]

    def __str__(self):
        return self.name


class LaneHonour(TimeStampedModel):
    lane = models.ForeignKey(
        Lane, models.CASCADE, related_name="honours", verbose_name=_("lane")
    )
    title = BilingualField(models.CharField(_("title"), max_length=200))
    awarded_by = BilingualField(
        models.CharField(_("awarded by"), max_length=200, blank=True)
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("lane honour")
        verbose_name_plural = _("lane honours")
        ordering = ["lane", "title_zh_hans"]

    def __str__(self):
        return self.title


class Recurrence(models.TextChoices):
    ONCE = "once", _("once")
    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Event(SlugFromNameMixin, TimeStampedModel):
    """A one-off or recurring event at a lane or a facility.

    A recurring event gives its rule (weekly on a weekday, or monthly on a day);
    dates and times the source does not give stay empty.
    """

    slug_source = "title_zh_hans"

    title = BilingualField(models.CharField(_("title"), max_length=200))
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    description = BilingualField(models.TextField(_("description"), blank=True))
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="events",
        verbose_name=_("subdistrict"),
    )
    lane = models.ForeignKey(
        Lane,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("lane"),
    )
    facility = models.ForeignKey(
        Facility,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("facility"),
    )
    recurrence = models.CharField(
        _("recurrence"),
        max_length=10,
        choices=Recurrence.choices,
        default=Recurrence.ONCE,
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True
    )
    starts_on = models.DateField(_("date (or first date)"), null=True, blank=True)
    ends_on = models.DateField(_("last date"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    times_held = models.PositiveIntegerField(
        _("times held"),
        null=True,
        blank=True,
        help_text=_("As reported; the lower bound when the source says “over”."),
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on", "title_zh_hans"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recurrence=Recurrence.ONCE)
                | models.Q(starts_on__isnull=False),
                name="event_once_has_date",
                violation_error_message=_("A one-off event needs its date."),
            ),
            models.CheckConstraint(
                condition=~models.Q(recurrence=Recurrence.WEEKLY)
                | models.Q(weekday__isnull=False),
                name="event_weekly_has_weekday",
                violation_error_message=_("A weekly event needs its weekday."),
            ),
            models.CheckConstraint(
                condition=~models.Q(recurrence=Recurrence.MONTHLY)
                | models.Q(day_of_month__gte=1, day_of_month__lte=31),
                name="event_monthly_has_day",
                violation_error_message=_(
                    "A monthly event needs its day of the month (1–31)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__isnull=True)
                | models.Q(weekday__gte=0, weekday__lte=6),
                name="event_weekday_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title
