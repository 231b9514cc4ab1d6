"""The estate list's search and filters, shared by the site and the API."""

from __future__ import annotations

import django_filters
from django.core.cache import cache
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Community, Estate, Stage

# PostgreSQL answers DISTINCT by reading every row (no skip scan): at 250,000
# compounds that costs tens of milliseconds on every list page, for a list of
# years that changes a few times a year. A new year shows within minutes.
RENOVATION_YEARS_CACHE_KEY = "estate-renovation-years"
RENOVATION_YEARS_CACHE_SECONDS = 300


def renovation_years() -> list[tuple[int, int]]:
    """The renovation years that estates have, newest first (cached)."""
    years = cache.get(RENOVATION_YEARS_CACHE_KEY)
    if years is None:
        years = list(
            Estate.objects.exclude(renovation_year__isnull=True)
            .order_by("-renovation_year")
            .values_list("renovation_year", flat=True)
            .distinct()
        )
        cache.set(RENOVATION_YEARS_CACHE_KEY, years, RENOVATION_YEARS_CACHE_SECONDS)
    return [(year, year) for year in years]


class EstateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name of your compound"),
        method="search",
        help_text=_(
            "Type the name in Chinese characters, in pinyin with or without "
            "spaces, or by its initials."
        ),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=Community.objects.order_by("name_zh_hans", "pk"),
        to_field_name="slug",
        empty_label=_("All communities"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        choices=[(value, capfirst(label)) for value, label in Stage.choices],
        empty_label=_("All stages"),
        null_label=_("Stage not disclosed"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Renovation year"),
        field_name="renovation_year",
        choices=renovation_years,
        empty_label=_("All years"),
    )

    class Meta:
        model = Estate
        fields = ["q", "community", "stage", "year"]

    def search(self, queryset, name, value):
        return selectors.estate_search(query=value, queryset=queryset)
