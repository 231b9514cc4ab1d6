"""The Jinja2 environment for the hottest public pages (issue 17, item 2).

In sitewide: its helpers come from every app's template tags.

A compound's page is read by its residents a few times a day each, across
hundreds of thousands of compounds: most visits find no cached copy. Django's
template language spent two thirds of such a visit walking some 650 nodes; the
same page compiled by Jinja2 to Python renders in a fraction of it
(BENCHMARKS.md). Only the pages named in ``JINJA_PAGES`` use it; every other
page, the admin and e-mails keep Django's templates.

The helpers here are the Django template library's own functions (the same
code, so both engines write a figure, a fallback translation or a stage the
same way). Texts go through Django's ``gettext``: ``_("…")`` gives the text
as ``{% translate %}`` does; a text with placeholders is
``_("…")|format(name=value)``, whose values are escaped. ``make
messages`` finds ``_("…")`` in these templates as it does in Django's
(``templatize``), so they are translated in the same catalogues.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.template import defaultfilters
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, pass_context
from markupsafe import Markup

from estates.templatetags.estate_tags import estate_stage, feedback_url, tel_href
from governance.templatetags.survey_tags import estate_satisfaction
from renovation_portal.templatetags.portal import choice, figure, tr, without

# (language, text) → its translation. The texts are the templates' own, so
# this holds a few hundred; catalogues change only with a new process.
_translated: dict[tuple[str | None, str], Markup] = {}


def _gettext(message: str) -> Markup:
    """A translation, not escaped, as ``{% translate %}`` writes it: the
    catalogues are the project's own text. Values put into it with ``|format``
    are escaped."""
    key = (get_language(), message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = Markup(gettext(message))
    return found


def _date(value, arg=None):
    """Django's ``date`` filter, in the current time zone as Django's
    templates give it (``expects_localtime``)."""
    if value is None or value == "":
        return ""
    return _formatted(value, arg, get_language(), get_current_timezone_name())


@functools.lru_cache(maxsize=4096)
def _formatted(value, arg, language, zone) -> str:
    # language and zone are part of the key: the format and the local time
    # depend on them. A step's date costs 20 µs to format, 40 on a page.
    return defaultfilters.date(template_localtime(value), arg)


def _ngettext(singular: str, plural: str, number: int) -> Markup:
    return Markup(ngettext(singular, plural, number))


def _at_render(function):
    """A filter whose answer depends on the reader's language: Jinja2 runs
    a filter of a constant (``None|figure``) once, when it compiles the
    template, unless the filter takes the context."""

    @pass_context
    def filter_(context, *args, **kwargs):
        return function(*args, **kwargs)

    return filter_


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def alternate_urls(request) -> list[dict]:
    """The current page in every language (``{% alternate_urls %}``)."""
    path = request.get_full_path()
    return [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]


def django_include(name: str, **context):
    """A template of Django's, for a part both engines show (the councils of
    a compound and of a community) or one few pages have (a survey's
    results): one template, not two that drift apart."""
    return mark_safe(render_to_string(name, context))


def environment(**options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    # Whitespace as Django's templates leave it (no trimming), so both
    # engines write the same page.
    env = Environment(**options)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=False)
    env.globals.update(
        url=url,
        static=static,
        alternate_urls=alternate_urls,
        get_language=get_language,
        tr=tr,
        estate_stage=estate_stage,
        feedback_url=feedback_url,
        estate_satisfaction=estate_satisfaction,
        django_include=django_include,
    )
    env.filters.update(
        figure=_at_render(figure),
        choice=_at_render(choice),
        without=without,
        tel_href=tel_href,
        date=_at_render(_date),
        stringformat=defaultfilters.stringformat,
        capfirst=defaultfilters.capfirst,
    )
    return env
