"""Query parameters: one definition both checks a value and documents it.

A FilterSet's form fields check the values of its parameters; the schema of
each parameter is written from the same field here, so the OpenAPI schema can
neither promise what the API refuses nor leave out what it refuses (issue 21).
A form field this module cannot describe stops the schema's generation rather
than leaving a parameter undocumented.

The rules every API address applies to every query parameter (each given once,
never empty — except ``search`` —, no NUL character) are in
``renovation_portal.api.viewsets.check_query_parameters``; the schema states
them with ``minLength``, ``pattern`` and one scalar value per parameter.
"""

from __future__ import annotations

from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension

from . import filters

# Any text without a NUL (PostgreSQL cannot compare text holding one).
NO_NUL_PATTERN = r"^[^\x00]*$"
NON_EMPTY_NO_NUL_PATTERN = r"^[^\x00]+$"


def slug_pattern(max_length: int | None) -> str:
    return rf"^[-a-zA-Z0-9_]{{1,{max_length}}}$" if max_length else r"^[-a-zA-Z0-9_]+$"


def form_field_schema(field: forms.Field) -> dict:
    """The JSON schema of the values a (strict) form field accepts."""
    if isinstance(field, forms.TypedChoiceField):
        values = [field.coerce(key) for key, _label in field.choices if key != ""]
        kind = "integer" if all(isinstance(v, int) for v in values) else "string"
        return {"type": kind, "enum": values}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [k for k, _ in field.choices if k != ""]}
    if isinstance(field, filters.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
        return schema
    if isinstance(field, filters.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, filters.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, filters.SlugField):
        return {"type": "string", "pattern": slug_pattern(field.max_length)}
    if type(field) is forms.CharField and not field.strip:
        schema = {"type": "string", "pattern": NON_EMPTY_NO_NUL_PATTERN}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        return schema
    raise TypeError(
        f"No schema for the query parameter field {type(field).__name__}: use "
        "one of renovation_portal.api.filters' strict fields."
    )


class PortalFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter support, with each parameter's schema
    written from its filter's form field instead of guessed from the model."""

    priority = 1

    def resolve_filter_field(
        self, auto_schema, model, filterset_class, field_name, filter_field
    ):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            parameter["schema"] = form_field_schema(filter_field.field)
        return parameters


class SlugRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A record named by its slug in a request body: the slug's own pattern
    and length, from the model field it names, so that an empty string or a
    text that cannot be a slug is outside the schema as it is outside what
    the API accepts."""

    target_class = "renovation_portal.api.serializers.SlugRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        model = self.target.get_queryset().model
        slug = model._meta.get_field(self.target.slug_field)
        return {"type": "string", "pattern": slug_pattern(slug.max_length)}
