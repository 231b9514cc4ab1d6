"""The API's filters for councils, meetings and organisations."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from estates.api.filters import ProgrammeAreaFilter
from governance.models import (
    Council,
    CouncilLevel,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
)
from renovation_portal.api.filters import date_filters, slug_filter


class CouncilFilter(django_filters.FilterSet):
    programme = ProgrammeAreaFilter()
    level = django_filters.ChoiceFilter(choices=CouncilLevel.choices, label=_("Level"))
    community = slug_filter("community", _("Community"))
    estate = slug_filter("estates", _("Compound"))

    class Meta:
        model = Council
        fields = ["level", "community", "estate", "programme"]


class MeetingFilter(django_filters.FilterSet):
    programme = ProgrammeAreaFilter("council__subdistrict")
    council = slug_filter("council", _("Council"))
    community = slug_filter("council__community", _("Community"))
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("Kind"))
    held_after, held_before = date_filters(
        "held_on", _("Held on or after"), _("Held on or before")
    )

    class Meta:
        model = Meeting
        fields = [
            "council",
            "community",
            "kind",
            "held_after",
            "held_before",
            "programme",
        ]


class OrganisationFilter(django_filters.FilterSet):
    programme = ProgrammeAreaFilter()
    kind = django_filters.ChoiceFilter(
        choices=OrganisationKind.choices, label=_("Kind")
    )
    community = slug_filter("community", _("Community"))
    courtyard = slug_filter("courtyard", _("Merged courtyard"))

    class Meta:
        model = Organisation
        fields = ["kind", "community", "courtyard", "programme"]
