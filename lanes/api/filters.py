"""The API's filters for lanes and events."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from estates.api.filters import ProgrammeAreaFilter
from lanes.models import Event, Lane, Recurrence, Weekday
from renovation_portal.api.filters import (
    HasCoordinatesFilter,
    date_filters,
    slug_filter,
)


class LaneFilter(django_filters.FilterSet):
    programme = ProgrammeAreaFilter()
    estate = slug_filter("estates", _("Compound beside it"))
    subdistrict = slug_filter("subdistrict", _("Subdistrict"))
    has_coordinates = HasCoordinatesFilter()

    class Meta:
        model = Lane
        fields = ["estate", "subdistrict", "has_coordinates", "programme"]


class EventFilter(django_filters.FilterSet):
    programme = ProgrammeAreaFilter()
    lane = slug_filter("lane", _("Lane"))
    facility = slug_filter("facility", _("Facility"))
    recurrence = django_filters.ChoiceFilter(
        choices=Recurrence.choices, label=_("Recurrence")
    )
    weekday = django_filters.TypedChoiceFilter(
        choices=Weekday.choices, coerce=int, label=_("Weekday")
    )
    starts_after, starts_before = date_filters(
        "starts_on",
        _("Date (or first date) on or after"),
        _("Date (or first date) on or before"),
    )

    class Meta:
        model = Event
        fields = [
            "lane",
            "facility",
            "recurrence",
            "weekday",
            "starts_after",
            "starts_before",
            "programme",
        ]
