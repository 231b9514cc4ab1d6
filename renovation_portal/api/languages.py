"""Content languages in API answers.

The language comes from ``?lang=`` or, without it, from the language the
project's LocaleMiddleware chose (language cookie, then ``Accept-Language``).
``?lang=all`` returns every translated field as ``{"zh-hans": …, "en": …}``;
an unknown language is a 400. English values that are empty fall back to
Chinese, and each object lists such fields in its ``fallback`` list, so a
client always knows which language a value is in.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from renovation_portal.translation import (
    CONTENT_LANGUAGES,
    PRIMARY_LANGUAGE,
    active_content_language,
    all_languages,
    is_fallback,
    value_in,
)

ALL = "all"
LANG_PARAMETER = "lang"
LANGUAGE_CHOICES = [*CONTENT_LANGUAGES, ALL]

LANG_OPENAPI_PARAMETER = OpenApiParameter(
    LANG_PARAMETER,
    str,
    enum=LANGUAGE_CHOICES,
    description=(
        "Language of the content: `zh-hans` (default) or `en`; `all` returns "
        "each translated field as an object with both languages. Without it, "
        "the `Accept-Language` header (or the language cookie) decides."
    ),
)


class UnknownLanguage(ParseError):
    default_code = "unknown_language"


def negotiate(request) -> str:
    """The content language the request asks for, or ``ALL``; activates it.

    Raises :class:`UnknownLanguage` (400) for a language the portal does not
    have; the message is in the language the middleware chose.
    """
    asked = request.query_params.get(LANG_PARAMETER)
    if asked is None:
        return active_content_language()
    # Exactly as the schema's enum spells them: an ``EN`` or `` en`` is a 400,
    # not a guess (issue 21).
    code = asked
    if code == ALL:
        return ALL
    if code in CONTENT_LANGUAGES:
        translation.activate(code)
        request.LANGUAGE_CODE = code
        return code
    raise UnknownLanguage(
        gettext("Unknown language “%(language)s”. Use one of: %(choices)s.")
        % {"language": asked[:20], "choices": ", ".join(LANGUAGE_CHOICES)}
    )


def content_language(context) -> str:
    """The content language of a serializer's answer (``ALL`` for both)."""
    request = context.get("request")
    return getattr(request, "content_language", None) or active_content_language()


TRANSLATED_SCHEMA = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {code: {"type": "string"} for code in CONTENT_LANGUAGES},
            "required": list(CONTENT_LANGUAGES),
        },
    ],
    "description": (
        "A text in the answer's language; with `lang=all`, an object with every "
        "language's text (an empty string where it has none)."
    ),
}


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """A bilingual content field, by the answer's language.

    ``name`` is the model's translated field (defaults to the serializer field's
    name; ``"template.name"`` follows a relation); an empty English value falls
    back to Chinese.
    """

    def __init__(self, name: str | None = None, **kwargs):
        self.translated_name = name
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.translated_name = self.translated_name or field_name

    def resolve(self, instance):
        """(record, field name): ``"template.name"`` reads a related record's."""
        *path, name = self.translated_name.split(".")
        for attribute in path:
            instance = getattr(instance, attribute)
        return instance, name

    def to_representation(self, instance):
        instance, name = self.resolve(instance)
        language = content_language(self.context)
        if language == ALL:
            return all_languages(instance, name)
        return value_in(instance, name, language) or value_in(
            instance, name, PRIMARY_LANGUAGE
        )


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": (
            "The fields of this object shown in Chinese because they have no text "
            "in the requested language."
        ),
    }
)
class FallbackField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        language = content_language(self.context)
        if language in (ALL, PRIMARY_LANGUAGE):
            return []
        return [
            name
            for name, field in self.parent.fields.items()
            if isinstance(field, TranslatedField)
            and is_fallback(*field.resolve(instance), language)
        ]
