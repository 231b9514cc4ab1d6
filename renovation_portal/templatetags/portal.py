"""Template helpers for bilingual content and undisclosed figures."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext as _

from renovation_portal.translation import is_fallback

register = template.Library()


@register.simple_tag
def tr(obj, name):
    """A translated content field in the active language.

    When English is asked for but only Chinese exists, the Chinese text is shown
    marked as Chinese (``lang`` for screen readers) with a visible note.
    """
    value = getattr(obj, name)
    if is_fallback(obj, name):
        return format_html(
            '<span lang="zh-Hans">{}</span> <small class="fallback">{}</small>',
            value,
            _("(in Chinese; not yet translated)"),
        )
    return value


@register.filter
def figure(value, unit=""):
    """A figure with its unit, or "not disclosed" when the source does not give it."""
    if value is None or value == "":
        return format_html('<span class="undisclosed">{}</span>', _("not disclosed"))
    if hasattr(value, "normalize"):  # Decimal: drop a trailing ".0"
        value = value.normalize()
        if value == value.to_integral():
            value = value.quantize(1)
    text = intcomma(value)
    return f"{text} {unit}".strip() if unit else text


@register.simple_tag(takes_context=True)
def alternate_urls(context):
    """The current page in every language, for hreflang links and the switch."""
    from django.conf import settings
    from django.urls import translate_url

    request = context["request"]
    path = request.get_full_path()
    return [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]
