"""Bilingual content fields: one column per language, Chinese required.

Every translatable content field is declared with :func:`BilingualField`, which
creates ``<name>_zh_hans`` (required) and ``<name>_en`` (optional) columns through
django-translated-fields. Reading ``obj.<name>`` gives the active language's
value and falls back to Chinese; :func:`is_fallback` tells whether it did, so
templates and the API can say so. Models, admin, templates, API and search all
use this one mechanism.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, pgettext_lazy
from translated_fields import TranslatedField, to_attribute
from translated_fields import fields as translated_fields_module
from translated_fields.utils import fallback_to_default

PRIMARY_LANGUAGE = settings.LANGUAGE_CODE  # "zh-hans"
CONTENT_LANGUAGES = [code for code, _name in settings.LANGUAGES]

# What the admin calls each content language beside a field's name.
LANGUAGE_WORDS = {
    "zh-hans": pgettext_lazy("language of a field", "Chinese"),
    "en": pgettext_lazy("language of a field", "English"),
}


def _labelled_by_language(verbose_name, language_code):
    """A column's label in the admin, in the clerk's language: "名称（中文）",
    "Name (English)". django-translated-fields labels them "Name [zh-hans]"
    inside its admin views (``show_language_code``), a code a clerk who reads
    only Chinese cannot read (issue 16, item 9); elsewhere the plain name."""

    def label():
        if translated_fields_module._show_language_code.get(False):
            language = LANGUAGE_WORDS.get(language_code, language_code)
            return gettext("%(field)s (%(language)s)") % {
                "field": capfirst(verbose_name),
                "language": language,
            }
        return str(verbose_name)

    return lazy(label, str)()


# Read when each model class is made, so it must be in place before the models
# import BilingualField (they import this module first).
translated_fields_module._verbose_name_maybe_language_code = _labelled_by_language


def BilingualField(field, **specific: dict[str, Any]) -> TranslatedField:  # noqa: N802
    """A content field with a required Chinese and an optional English column."""
    per_language = {code: {} for code in CONTENT_LANGUAGES}
    for code in CONTENT_LANGUAGES:
        if code != PRIMARY_LANGUAGE:
            per_language[code]["blank"] = True
            if getattr(field, "null", False) is False and field.get_internal_type() in {
                "CharField",
                "TextField",
            }:
                per_language[code]["default"] = ""
        per_language[code].update(specific.get(code.replace("-", "_"), {}))
    return TranslatedField(
        field,
        per_language,
        languages=CONTENT_LANGUAGES,
        attrgetter=fallback_to_default,
    )


def column(name: str, language: str | None = None) -> str:
    """The column that holds ``name`` in ``language`` (default: active language)."""
    return to_attribute(name, language or get_language() or PRIMARY_LANGUAGE)


def active_content_language() -> str:
    language = get_language() or PRIMARY_LANGUAGE
    return language if language in CONTENT_LANGUAGES else PRIMARY_LANGUAGE


def value_in(obj: Any, name: str, language: str) -> str:
    """The value of ``name`` in exactly ``language``, without fallback."""
    return getattr(obj, to_attribute(name, language)) or ""


def is_fallback(obj: Any, name: str, language: str | None = None) -> bool:
    """True when ``obj.<name>`` shows Chinese because the asked language is empty."""
    language = language or active_content_language()
    if language == PRIMARY_LANGUAGE:
        return False
    return not value_in(obj, name, language) and bool(
        value_in(obj, name, PRIMARY_LANGUAGE)
    )


def all_languages(obj: Any, name: str) -> dict[str, str]:
    """Every language's value, for API answers that ask for all of them."""
    return {code: value_in(obj, name, code) for code in CONTENT_LANGUAGES}
