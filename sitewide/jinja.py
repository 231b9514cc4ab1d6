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

import jinja2
from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, defaultfilters
from django.template.backends.jinja2 import Jinja2, Template, get_exception_info
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.lexer import (
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_PIPE,
    TOKEN_RPAREN,
    TOKEN_STRING,
    Token,
)
from markupsafe import Markup

from estates.templatetags.estate_tags import estate_stage, feedback_url, tel_href
from governance.templatetags.survey_tags import estate_satisfaction
from renovation_portal.fixed_urls import fixed_url, static_url
from renovation_portal.templatetags.portal import choice, figure, tr, tr_in, without

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
    if not args and not kwargs:
        return fixed_url(name)
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
        static=static_url,
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


# ------------------------------------------------------------------------------
# One compiled copy of each template per language
# ------------------------------------------------------------------------------
# ``_("literal")`` as the lexer gives it: the tokens a translation replaces.
_LITERAL_CALL = (
    (TOKEN_NAME, "_"),
    (TOKEN_LPAREN, None),
    (TOKEN_STRING, None),
    (TOKEN_RPAREN, None),
)


def _starts_literal_call(tokens: list[Token]) -> bool:
    return all(
        token.type == kind and (value is None or token.value == value)
        for token, (kind, value) in zip(tokens, _LITERAL_CALL, strict=False)
    )


def _translated_at_compile_time(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message)


class CompiledTranslations(Extension):
    """Writes ``_("literal")`` as its translation when the template is
    compiled for one language (``environment.compiled_language``).

    A compound's page has about a hundred such texts; looked up at render
    time, each went through Jinja2's context call, Django's ``gettext`` and
    the active language (a thread-local), a tenth of the page's time. Written
    in at compile time, they join the template's static text. The result is
    the same as ``_gettext`` gives: the translation, marked safe (``|safe``),
    so that ``|format`` escapes only the values put into it. A call with
    anything but one literal (``_(name)``) is left to render time."""

    def filter_stream(self, stream):
        language = getattr(self.environment, "compiled_language", None)
        if language is None:
            yield from stream
            return
        pending: list[Token] = []
        for token in stream:
            pending.append(token)
            while pending and not _starts_literal_call(pending):
                yield pending.pop(0)
            if len(pending) == len(_LITERAL_CALL):
                line = pending[0].lineno
                text = _translated_at_compile_time(pending[2].value, language)
                yield Token(line, TOKEN_LPAREN, "(")
                yield Token(line, TOKEN_STRING, text)
                yield Token(line, TOKEN_PIPE, "|")
                yield Token(line, TOKEN_NAME, "safe")
                yield Token(line, TOKEN_RPAREN, ")")
                pending = []
        yield from pending


class PerLanguageJinja2(Jinja2):
    """Django's Jinja2 engine, with each template compiled once per language
    of ``settings.LANGUAGES`` (:class:`CompiledTranslations`), chosen by the
    active language when a view asks for it. Any other language, and
    templates made from a string, use the engine's own environment, which
    translates at render time."""

    def __init__(self, params):
        super().__init__(params)
        self.environments = {}
        for code, _name in settings.LANGUAGES:
            overlay = self.env.overlay(extensions=[CompiledTranslations])
            overlay.compiled_language = code
            # Its own globals: helpers that know the language already.
            overlay.globals = {**self.env.globals, "tr": tr_in(code)}
            self.environments[code] = overlay

    def environment_for(self, language: str | None = None) -> Environment:
        return self.environments.get(language or get_language(), self.env)

    def get_template(self, template_name):
        try:
            return Template(self.environment_for().get_template(template_name), self)
        except jinja2.TemplateNotFound as exc:
            raise TemplateDoesNotExist(exc.name, backend=self) from exc
        except jinja2.TemplateSyntaxError as exc:
            new = TemplateSyntaxError(exc.args)
            new.template_debug = get_exception_info(exc)
            raise new from exc
