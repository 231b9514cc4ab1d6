"""The estate list's search and filters, shared by the site and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.cache import cache
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from renovation_portal.translation import active_content_language

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


# A drop-down of 50,000 communities is a megabyte no one can use: past this
# many, the list keeps the filter (links from a community's page use it) but
# shows no drop-down; the name search and the other filters narrow the list.
MAX_COMMUNITY_CHOICES = 200
COMMUNITY_CHOICES_CACHE_KEY = "estate-community-choices"
COMMUNITY_CHOICES_CACHE_SECONDS = 300


def community_choices() -> list[tuple[str, str, str]]:
    """(slug, Chinese name, English name) of at most one community more than
    the drop-down shows, by name (cached)."""
    choices = cache.get(COMMUNITY_CHOICES_CACHE_KEY)
    if choices is None:
        choices = list(
            Community.objects.order_by("name_zh_hans", "pk").values_list(
                "slug", "name_zh_hans", "name_en"
            )[: MAX_COMMUNITY_CHOICES + 1]
        )
        cache.set(COMMUNITY_CHOICES_CACHE_KEY, choices, COMMUNITY_CHOICES_CACHE_SECONDS)
    return choices


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

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            field = form.fields["community"]
            choices = community_choices()
            if len(choices) > MAX_COMMUNITY_CHOICES:
                field.widget = forms.HiddenInput()
            else:
                english = active_content_language() == "en"
                field.widget.choices = [("", field.empty_label)] + [
                    (slug, (name_en if english and name_en else name_zh))
                    for slug, name_zh, name_en in choices
                ]
        return self._form

    def search(self, queryset, name, value):
        return selectors.estate_search(query=value, queryset=queryset)
