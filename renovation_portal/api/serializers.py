"""Serializer bases shared by every app's API."""

from __future__ import annotations

import copy
from urllib.parse import quote

from django.core.validators import ProhibitNullCharactersValidator
from django.urls import NoReverseMatch
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import ManyRelatedField
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from .languages import FallbackField, TranslatedField

# A field that takes one value refuses a list or an object (issue 22): DRF
# would look a list up in the database, or quote its Python repr back.
NOT_ONE_VALUE = gettext_lazy("Give one value here, not a list or an object.")


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField that refuses, in plain sentences, what is not
    one identifier: a list or an object, an empty string (DRF turns it into
    null and says "may not be null"), a NUL or a lone surrogate (PostgreSQL
    cannot compare text holding a NUL, and the lookup would fail with a
    DataError, a 500)."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("Nothing has the identifier “{value}”."),
        "invalid": gettext_lazy("This is not a valid identifier."),
        "not_one_value": NOT_ONE_VALUE,
    }

    def run_validation(self, data=empty):
        if data == "" and self.required:
            self.fail("required")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if isinstance(data, list | dict):
            self.fail("not_one_value")
        if isinstance(data, str):
            ProhibitNullCharactersValidator()(data)
            ProhibitSurrogateCharactersValidator()(data)
        return super().to_internal_value(data)


class ChoiceField(serializers.ChoiceField):
    """DRF's ChoiceField that refuses a list or an object as such, instead of
    saying that its Python repr is not a valid choice."""

    default_error_messages = {"not_one_value": NOT_ONE_VALUE}

    def to_internal_value(self, data):
        if isinstance(data, list | dict):
            self.fail("not_one_value")
        return super().to_internal_value(data)


class CharField(serializers.CharField):
    """DRF's CharField that takes text only: DRF's turns a number into its
    digits, which a schema of type string does not allow (issue 21)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` (in form data, the word ``true`` or
    ``false``), as a schema's boolean says; DRF's also takes 0, 1, "yes",
    "on" and more (issue 21)."""

    WORDS = {"true": True, "false": False, "True": True, "False": False}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data in self.WORDS:
            return self.WORDS[data]
        self.fail("invalid", input=data)


# Fields that hold other fields (a nested serializer, a list of related
# records, a list or dict of values): binding one binds those too, so each use
# needs its own copy of them as well.
_HOLDING_FIELDS = (
    serializers.BaseSerializer,
    ManyRelatedField,
    serializers.ListField,
    serializers.DictField,
)


def _unbound_copy(field):
    """A copy of an unbound field for one serializer to bind. Binding sets
    only the field's own attributes (its name, parent, source, label), so a
    shallow copy does for a field that holds no other field; DRF's deep copy
    builds each field again from its arguments, which took a sixth of a
    compound's API answer (issue 17, item 2)."""
    if isinstance(field, _HOLDING_FIELDS):
        return copy.deepcopy(field)
    return copy.copy(field)


class BilingualFieldsMixin:
    """Adds ``fallback`` to a serializer with translated fields, and notes the
    latest ``updated_at`` of what it shows, for the answer's Last-Modified."""

    def get_fields(self):
        # Built once per serializer class, then copied for each use: a model
        # serializer looks its model's fields up again for every answer, and
        # a compound's answer nests seven of them (issue 17: a fast miss).
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            if any(isinstance(f, TranslatedField) for f in built.values()):
                built["fallback"] = FallbackField()
            type(self)._built_fields = built
        return {name: _unbound_copy(field) for name, field in built.items()}

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


class HyperlinkedIdentityField(serializers.HyperlinkedIdentityField):
    """DRF's link to an object's own address, with the address reversed once
    per request and view rather than once per object: a page of 100 councils
    with their latest meetings called ``reverse()`` 400 times, more than half
    of the time spent writing the answer (BENCHMARKS.md)."""

    # Stands in for the lookup value: digits match every lookup pattern here
    # (ID_PATTERN and SLUG_PATTERN in renovation_portal.api.viewsets).
    PLACEHOLDER = "7391046285"
    # What Django's reverse() leaves unquoted in a path (django.urls.resolvers).
    SAFE = RFC3986_SUBDELIMS + "/~:@"

    def get_url(self, obj, view_name, request, format):
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None
        if request is None:
            return super().get_url(obj, view_name, request, format)
        kept = request.__dict__.setdefault("_portal_link_patterns", {})
        key = (view_name, self.lookup_url_kwarg, format)
        if key not in kept:
            kept[key] = self._pattern(view_name, request, format)
        pattern = kept[key]
        if pattern is None:
            return super().get_url(obj, view_name, request, format)
        value = quote(str(getattr(obj, self.lookup_field)), safe=self.SAFE)
        return pattern[0] + value + pattern[1]

    def _pattern(self, view_name, request, format):
        try:
            url = self.reverse(
                view_name,
                kwargs={self.lookup_url_kwarg: self.PLACEHOLDER},
                request=request,
                format=format,
            )
        except NoReverseMatch:
            return None
        if url.count(self.PLACEHOLDER) != 1:
            return None
        return tuple(url.split(self.PLACEHOLDER))
