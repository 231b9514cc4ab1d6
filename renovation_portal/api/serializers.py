"""Serializer bases shared by every app's API."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from .languages import FallbackField, TranslatedField


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField that refuses, with CharField's messages, a NUL
    or a lone surrogate before looking the slug up: PostgreSQL cannot compare
    text holding a NUL, and the lookup would fail with a DataError (a 500)
    instead of "does not exist"."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            ProhibitNullCharactersValidator()(data)
            ProhibitSurrogateCharactersValidator()(data)
        return super().to_internal_value(data)


class BilingualFieldsMixin:
    """Adds ``fallback`` to a serializer with translated fields, and notes the
    latest ``updated_at`` of what it shows, for the answer's Last-Modified."""

    def get_fields(self):
        fields = super().get_fields()
        if any(isinstance(f, TranslatedField) for f in fields.values()):
            fields["fallback"] = FallbackField()
        return fields

    def to_representation(self, instance):
        deferred = getattr(instance, "get_deferred_fields", set)()
        updated = (
            None if "updated_at" in deferred else getattr(instance, "updated_at", None)
        )
        if updated is not None:
            latest = self.context.get("last_modified")
            if latest is None or updated > latest:
                self.context["last_modified"] = updated
        return super().to_representation(instance)


class BilingualSerializer(BilingualFieldsMixin, serializers.ModelSerializer):
    pass


class NamedReference(BilingualFieldsMixin, serializers.Serializer):
    """Another record, by its slug and name."""

    slug = serializers.CharField(read_only=True)
    name = TranslatedField()
