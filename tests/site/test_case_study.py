"""The case study: the programme for other cities, with live figures, the
undisclosed ones listed, printable."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command

from estates.models import Estate, ProgrammeFact, Stage
from governance.models import Integration
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    ProgrammeFactFactory,
)
from tests.governance.factories import OrganisationFactory, PracticeFactory
from tests.lanes.factories import LaneFactory, LaneHonourFactory

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


@pytest.fixture
def source_data():
    call_command("load_source_data", verbosity=0)


def section(text: str, section_id: str) -> str:
    start = text.index(f'<section id="{section_id}"')
    end = text.index("\n</section>", start)
    return text[start:end]


@pytest.mark.parametrize(
    ("path", "lang"), [("/case-study/", "zh-Hans"), ("/en/case-study/", "en")]
)
def test_case_study_answers_in_each_language(client, path, lang):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{lang}">' in response.text


def test_case_study_has_one_main_heading(client):
    assert client.get("/en/case-study/").text.count("<h1") == 1


def test_case_study_shows_the_headline_figures_in_english(client, source_data):
    text = section(client.get("/en/case-study/").text, "at-a-glance")
    assert "<dd>59 compounds</dd>" in text
    assert "<dd>about 785,800 m²</dd>" in text
    assert (
        '<dt>Households benefiting</dt><dd><span class="undisclosed">'
        "not disclosed</span></dd>"
    ) in text


def test_case_study_shows_the_headline_figures_in_chinese(client, source_data):
    text = section(client.get("/case-study/").text, "at-a-glance")
    assert "<dd>59 个</dd>" in text
    assert re.search(r"<dd>[^<]*785800 平方米[^<]*</dd>", text)
    assert '<dt>惠及户数</dt><dd><span class="undisclosed">' in text


def test_case_study_lists_every_undisclosed_figure_in_english(client, source_data):
    text = section(client.get("/en/case-study/").text, "not-disclosed")
    undisclosed = ProgrammeFact.objects.filter(value__isnull=True)
    assert undisclosed.exists()
    for fact in undisclosed:
        assert f"<strong>{fact.label_en}</strong>".replace("'", "&#x27;") in text
    assert text.count("<li>") == undisclosed.count()


def test_case_study_lists_every_undisclosed_figure_in_chinese(client, source_data):
    text = section(client.get("/case-study/").text, "not-disclosed")
    for fact in ProgrammeFact.objects.filter(value__isnull=True):
        assert f"<strong>{fact.label_zh_hans}</strong>" in text


def test_case_study_leaves_disclosed_figures_out_of_the_undisclosed_list(
    client, source_data
):
    text = section(client.get("/en/case-study/").text, "not-disclosed")
    assert "Compounds renovated" not in text


def test_undisclosed_list_is_computed_from_the_records(client):
    ProgrammeFactFactory(label_en="A test figure nobody gave", value=None)
    ProgrammeFactFactory(label_en="A test figure given", value=7)
    text = section(client.get("/en/case-study/").text, "not-disclosed")
    assert "A test figure nobody gave" in text
    assert "A test figure given" not in text


def test_case_study_with_every_figure_given_says_so(client):
    ProgrammeFactFactory(value=3)
    text = section(client.get("/en/case-study/").text, "not-disclosed")
    assert "Every figure recorded here is given by the source." in text


def test_case_study_gives_the_number_of_steps_from_the_source(client, source_data):
    text = section(client.get("/en/case-study/").text, "stages")
    assert "<dt>Operating steps</dt><dd>45 steps</dd>" in text
    assert "<dt>Implementation stages</dt><dd>5 stages</dd>" in text


def test_case_study_says_the_shipped_step_list_is_a_template(client, source_data):
    text = section(client.get("/en/case-study/").text, "stages")
    assert "The step list this portal ships is a default template" in text
    assert text.count("in the portal’s default template</li>") == len(Stage.values)


def test_case_study_shows_the_stages_of_the_recorded_estates(client):
    estates = EstateFactory.create_batch(3)
    Estate.objects.filter(pk=estates[0].pk).update(stage=Stage.ACCEPTANCE)
    text = section(client.get("/en/case-study/").text, "stages")
    assert '<th scope="row">Completion acceptance</th><td>1</td>' in text
    assert '<th scope="row">Stage not disclosed</th><td>2</td>' in text


def test_case_study_tells_resident_participation_before_during_and_after(client):
    text = section(client.get("/en/case-study/").text, "participation")
    for phase in ("Before", "During", "After"):
        assert f"<dt>{phase}</dt>" in text


@pytest.mark.parametrize("key", Integration.values)
def test_case_study_has_a_section_for_each_integration(client, key):
    assert f'<section id="integration-{key}"' in client.get("/en/case-study/").text


def test_case_study_integrations_show_live_figures(client, source_data):
    OrganisationFactory.create_batch(2)
    text = client.get("/en/case-study/").text
    buildings = text[text.index('id="integration-buildings"') :]
    assert "<dt>Compounds merged</dt><dd>13 compounds</dd>" in buildings
    assert "<dt>Overhead cable tangle cleared</dt><dd>over 200,000 m</dd>" in text
    # 6 organisations from the source data, 2 from this test
    assert "<dt>Organisations in the register</dt><dd>8</dd>" in text


def test_case_study_lists_the_practices_of_each_integration(client):
    PracticeFactory(integration=Integration.HEARTS, name_en="A test practice")
    text = client.get("/en/case-study/").text
    hearts = text[text.index('id="integration-hearts"') :]
    assert "<strong>A test practice</strong>" in hearts


def test_case_study_lists_the_lanes_with_addresses_that_print(client):
    lane = LaneFactory(name_en="Test Lane")
    LaneHonourFactory(lane=lane, title_en="A test honour")
    text = section(client.get("/en/case-study/").text, "lanes")
    assert f'<a href="http://testserver/en/lanes/{lane.slug}/">Test Lane</a>' in text
    assert "A test honour" in text


def test_case_study_does_not_count_estates_beside_lanes_the_source_leaves_unnamed(
    client,
):
    LaneFactory()
    text = section(client.get("/en/case-study/").text, "lanes")
    assert "Compounds beside it in the register" not in text


def test_case_study_names_its_source(client, source_data):
    text = section(client.get("/en/case-study/").text, "sources")
    assert '<span lang="zh-Hans">中国日报网 2024-10-23' in text


def test_case_study_does_not_write_figures_into_its_text(client):
    # With no figures loaded, none of the source's numbers may appear: they
    # come from the database, never from the page's text.
    text = client.get("/en/case-study/").text
    main = text[text.index("<main") : text.index("</main>")]
    for number in ("59", "785", "45 ", "13 ", "46", "70 "):
        assert number not in main


def test_print_stylesheet_prints_a4_without_navigation():
    css = CSS.read_text()
    print_rules = css[css.index("@media print") :]
    assert "size: A4" in print_rules
    assert re.search(
        r"\.main-nav[^{]*\.lang-switch[^{]*button[^{]*\{ display: none", print_rules
    )
    assert 'content: " <" attr(href) ">"' in print_rules
    assert "break-inside: avoid" in print_rules


@pytest.mark.parametrize("n", [1, 50])
def test_case_study_queries_do_not_grow_with_the_estates(
    client, django_assert_max_num_queries, n
):
    community = CommunityFactory()
    estates = EstateFactory.create_batch(n, community=community)
    LaneFactory(estates=estates)
    PracticeFactory()
    ProgrammeFactFactory(value=None)
    with django_assert_max_num_queries(11):
        response = client.get("/en/case-study/")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_case_study_links_the_open_data_page(client, prefix):
    response = client.get(f"{prefix}/case-study/")

    assert f'href="http://testserver{prefix}/data/"' in response.text
