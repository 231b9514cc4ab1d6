"""Small helpers for the governance page."""

from django import template

from renovation_portal.search import has_han

register = template.Library()


@register.filter
def text_lang(value: str) -> str:
    """The ``lang`` of an untranslated text: Chinese when it holds Chinese
    characters, so that screen readers on English pages read it right."""
    return "zh-Hans" if value and has_han(str(value)) else ""
