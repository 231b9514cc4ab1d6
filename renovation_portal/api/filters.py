"""Filter helpers every app's API FilterSets share. Knows no app.

Each filter's form field both checks the value and, through
:func:`renovation_portal.api.parameters.form_field_schema`, writes the
parameter's schema, so the OpenAPI schema states exactly what the API accepts
(issue 21). The fields are strict: a value is taken as it is given (no spaces
stripped, no other date or number formats), and one the schema does not allow
is a 400, never silently ignored.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from renovation_portal.translation import CONTENT_LANGUAGES, column

MAX_SEARCH_LENGTH = 64
SLUG_MAX_LENGTH = 80

INTEGER = re.compile(r"-?[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def names_contain(queryset: QuerySet, text: str, *names: str) -> QuerySet:
    """Records whose translated ``names`` contain ``text`` in either language."""
    text = text.strip()[:MAX_SEARCH_LENGTH]
    condition = Q()
    for name in names:
        for code in CONTENT_LANGUAGES:
            condition |= Q(**{f"{column(name, code)}__icontains": text})
    return queryset.filter(condition)


LOCATED = Q(latitude__isnull=False, longitude__isnull=False)


class SlugField(forms.SlugField):
    """An identifier as it appears in addresses: ASCII letters, digits, ``-``
    and ``_``, at most 80 characters; anything else is a 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SLUG_MAX_LENGTH)
        kwargs["strip"] = False
        super().__init__(**kwargs)


class IntegerField(forms.IntegerField):
    """Whole numbers in ASCII digits only (no ``1e3``, ``2000.0`` or
    full-width digits), within the field's bounds."""

    def to_python(self, value):
        if value not in self.empty_values and not INTEGER.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateField(forms.DateField):
    """A date as ``YYYY-MM-DD`` (RFC 3339 ``full-date``), nothing else."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Enter a date as YYYY-MM-DD, for example 2024-05-31.")
    }

    def to_python(self, value):
        if value not in self.empty_values and not ISO_DATE.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class BooleanField(forms.Field):
    """``true`` or ``false``; any other value is a 400."""

    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class SlugFilter(django_filters.CharFilter):
    field_class = SlugField


class IntegerFilter(django_filters.NumberFilter):
    field_class = IntegerField


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class BooleanFilter(django_filters.BooleanFilter):
    field_class = BooleanField


class HasCoordinatesFilter(BooleanFilter):
    """``true``: only records with a latitude and longitude; ``false``: without."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Has coordinates"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(LOCATED) if value else qs.exclude(LOCATED)


def slug_filter(field_name: str, label) -> SlugFilter:
    """A filter by a related record's slug (an unknown slug matches nothing)."""
    return SlugFilter(field_name=f"{field_name}__slug", label=label)


def year_filter(field_name: str, label, lookup_expr: str = "exact") -> IntegerFilter:
    return IntegerFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        min_value=1900,
        max_value=2100,
    )


def date_filters(field_name: str, after_label, before_label):
    """``<name>_after`` and ``<name>_before``: on or after, on or before a date."""
    return (
        DateFilter(field_name=field_name, lookup_expr="gte", label=after_label),
        DateFilter(field_name=field_name, lookup_expr="lte", label=before_label),
    )
