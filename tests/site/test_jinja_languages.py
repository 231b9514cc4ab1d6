"""Each Jinja2 page is compiled once per language (issue 17, item 2).

``sitewide.jinja.PerLanguageJinja2`` writes each ``_("literal")`` as its
translation when it compiles a template for a language, and gives that
language's templates a ``tr`` that knows the language. A page must read
exactly as the same template translated at render time gives it.
"""

import pytest
from django.core.management import call_command
from django.template import engines
from django.utils import translation

from estates.models import Estate
from renovation_portal.templatetags.portal import tr, tr_in
from tests.estates.factories import EstateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    return engines["jinja2"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_template_is_compiled_with_the_language_s_own_words(engine, language):
    template = engine.environments[language].from_string(
        '{{ _("Skip to content") }}|{{ _(word) }}|'
        '{{ _("Stage %(number)s: %(name)s")|format(number=1, name=name) }}'
    )
    with translation.override(language):
        expected = "|".join(
            [
                translation.gettext("Skip to content"),
                translation.gettext("Menu"),
                translation.gettext("Stage %(number)s: %(name)s")
                % {"number": 1, "name": "&lt;b&gt;"},
            ]
        )
        # A value put into a translation is escaped; the translation is not.
        assert template.render(word="Menu", name="<b>") == expected


def test_the_compiled_text_is_written_in_not_looked_up(engine):
    source = '{{ _("Skip to content") }}'
    english = engine.environments["en"].compile(source, raw=True)
    chinese = engine.environments["zh-hans"].compile(source, raw=True)
    with translation.override("zh-hans"):
        assert translation.gettext("Skip to content") in chinese
    assert "Skip to content" in english
    assert "gettext" not in english
    assert "gettext" not in chinese


def test_a_translation_with_markup_is_not_escaped(engine):
    message = (
        'This compound is part of the merged courtyard <a href="%(url)s">%(name)s</a>.'
    )
    template = engine.environments["en"].from_string(
        "{{ _('" + message + "')|format(url='/c/', name=name) }}"
    )
    assert template.render(name="A & B") == (
        'This compound is part of the merged courtyard <a href="/c/">A &amp; B</a>.'
    )


def test_tr_in_answers_as_tr_does():
    estate = EstateFactory(name_zh_hans="九大院", name_en="", address_en="No. 9")
    for language in ("zh-hans", "en"):
        bound = tr_in(language)
        with translation.override(language):
            for field in ("name", "address", "description"):
                assert str(bound(estate, field)) == str(tr(estate, field))
    assert '<small class="fallback">' in tr_in("en")(estate, "name")
    assert tr_in("en")(estate, "address") == "No. 9"
    assert tr_in("zh-hans")(estate, "name") == "九大院"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_source_compound_reads_as_when_translated_at_render_time(
    client, engine, prefix, monkeypatch, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # each page rendered, not stored
    call_command("load_source_data", verbosity=0)
    slugs = list(Estate.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs
    compiled = {slug: client.get(f"{prefix}/estates/{slug}/").content for slug in slugs}
    # The engine's own environment translates at render time.
    monkeypatch.setattr(engine, "environment_for", lambda language=None: engine.env)
    for slug in slugs:
        assert client.get(f"{prefix}/estates/{slug}/").content == compiled[slug]
