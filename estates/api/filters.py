"""The API's filters for estates, communities, courtyards, facilities, notices."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.models import (
    Community,
    Estate,
    Facility,
    FacilityKind,
    MergedCourtyard,
    Notice,
    NoticeKind,
    Programme,
    Stage,
)
from estates.selectors.programmes import programme_area_q
from renovation_portal.api.filters import (
    BooleanFilter,
    HasCoordinatesFilter,
    IntegerFilter,
    SlugFilter,
    date_filters,
    slug_filter,
    year_filter,
)


class ProgrammeAreaFilter(SlugFilter):
    """``?programme=<slug>``: records in the programme's area (the
    subdistricts it covers), reached through ``path``; an unknown programme
    matches nothing."""

    def __init__(self, path: str = "subdistrict", **kwargs):
        self.path = path
        kwargs.setdefault("label", _("Programme"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        programme = Programme.objects.filter(slug=value).first()
        if programme is None:
            return qs.none()
        return qs.filter(programme_area_q(programme, self.path))


class ProgrammeFilter(django_filters.FilterSet):
    year = IntegerFilter(
        method="in_year",
        min_value=1949,
        max_value=2100,
        label=_("Runs in this year"),
    )
    district = slug_filter("district", _("District or county"))

    class Meta:
        model = Programme
        fields = ["year", "district"]

    def in_year(self, queryset, name, value):
        return queryset.filter(
            Q(start_year__isnull=True) | Q(start_year__lte=value),
            Q(end_year__isnull=True) | Q(end_year__gte=value),
        )


class EstateFilter(django_filters.FilterSet):
    community = slug_filter("community", _("Community"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    year = year_filter("renovation_year", _("Renovation year"))
    built_after = year_filter("year_built", _("Built in or after"), "gte")
    built_before = year_filter("year_built", _("Built in or before"), "lte")
    has_coordinates = HasCoordinatesFilter()
    property_company = slug_filter("property_company", _("Property company"))
    courtyard = slug_filter("courtyard", _("Merged courtyard"))
    programme = SlugFilter(
        field_name="memberships__programme__slug",
        label=_("Programme"),
        distinct=True,
    )
    # The lanes app declares the relation; filtering by its name needs no import.
    lane = SlugFilter(field_name="lanes__slug", label=_("Lane"), distinct=True)

    class Meta:
        model = Estate
        fields = [
            "community",
            "stage",
            "year",
            "built_after",
            "built_before",
            "has_coordinates",
            "property_company",
            "courtyard",
            "lane",
            "programme",
        ]


class CommunityFilter(django_filters.FilterSet):
    subdistrict = slug_filter("subdistrict", _("Subdistrict"))
    programme = ProgrammeAreaFilter()

    class Meta:
        model = Community
        fields = ["subdistrict", "programme"]


class CourtyardFilter(django_filters.FilterSet):
    community = slug_filter("community", _("Community"))
    subdistrict = slug_filter("subdistrict", _("Subdistrict"))
    programme = ProgrammeAreaFilter()

    class Meta:
        model = MergedCourtyard
        fields = ["community", "subdistrict", "programme"]


class FacilityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=FacilityKind.choices, label=_("Kind"))
    community = slug_filter("community", _("Community"))
    estate = slug_filter("estate", _("Compound"))
    courtyard = slug_filter("courtyard", _("Merged courtyard"))
    has_coordinates = HasCoordinatesFilter()
    programme = ProgrammeAreaFilter()

    class Meta:
        model = Facility
        fields = [
            "kind",
            "community",
            "estate",
            "courtyard",
            "has_coordinates",
            "programme",
        ]


class NoticeFilter(django_filters.FilterSet):
    estate = slug_filter("estate", _("Compound"))
    community = slug_filter("estate__community", _("Community"))
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label=_("Kind"))
    current = BooleanFilter(method="filter_current", label=_("Not over yet"))
    starts_after, starts_before = date_filters(
        "starts_at__date", _("Starts on or after"), _("Starts on or before")
    )
    programme = SlugFilter(
        field_name="estate__memberships__programme__slug",
        label=_("Programme"),
        distinct=True,
    )

    class Meta:
        model = Notice
        fields = [
            "estate",
            "community",
            "kind",
            "current",
            "starts_after",
            "starts_before",
            "programme",
        ]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        still_on = Q(ends_at__isnull=True) | Q(ends_at__gte=timezone.now())
        return queryset.filter(still_on) if value else queryset.exclude(still_on)
