"""Filter helpers every app's API FilterSets share. Knows no app."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from renovation_portal.translation import CONTENT_LANGUAGES, column

MAX_SEARCH_LENGTH = 64


def names_contain(queryset: QuerySet, text: str, *names: str) -> QuerySet:
    """Records whose translated ``names`` contain ``text`` in either language."""
    text = text.strip()[:MAX_SEARCH_LENGTH]
    condition = Q()
    for name in names:
        for code in CONTENT_LANGUAGES:
            condition |= Q(**{f"{column(name, code)}__icontains": text})
    return queryset.filter(condition)


LOCATED = Q(latitude__isnull=False, longitude__isnull=False)


class HasCoordinatesFilter(django_filters.BooleanFilter):
    """``true``: only records with a latitude and longitude; ``false``: without."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Has coordinates"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(LOCATED) if value else qs.exclude(LOCATED)


def slug_filter(field_name: str, label) -> django_filters.CharFilter:
    """A filter by a related record's slug (an unknown slug matches nothing)."""
    return django_filters.CharFilter(
        field_name=f"{field_name}__slug", label=label, max_length=80
    )


def year_filter(field_name: str, label) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        field_name=field_name, label=label, min_value=1900, max_value=2100
    )
