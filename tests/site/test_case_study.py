"""A programme's case study: the programme told for other cities, with live
figures, the undisclosed ones listed, printable. (The programme pages' shared
behaviour — menu, not-found, sections, query counts — is in
test_programme_pages.py.)"""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command

from estates.models import Estate, Measure, ProgrammeFigure, SectionKind, Stage
from tests.estates.factories import (
    CaseStudySectionFactory,
    CommunityFactory,
    EstateFactory,
    ProgrammeFactory,
    ProgrammeFigureFactory,
    ProgrammeMembershipFactory,
    ProgrammePillarFactory,
    SubdistrictFactory,
)
from tests.governance.factories import OrganisationFactory, PracticeFactory
from tests.lanes.factories import LaneFactory, LaneHonourFactory

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
SHIPPED = "/programmes/liyanglu/case-study/"


@pytest.fixture
def source_data():
    call_command("load_source_data", verbosity=0)


def section(text: str, section_id: str) -> str:
    start = text.index(f'<section id="{section_id}"')
    end = text.index("\n</section>", start)
    return text[start:end]


def case_study(client, programme, lang="en") -> str:
    prefix = "/en" if lang == "en" else ""
    response = client.get(f"{prefix}/programmes/{programme.slug}/case-study/")
    assert response.status_code == HTTPStatus.OK
    return response.text


@pytest.fixture
def run():
    """A programme of one subdistrict, with a section of each kind."""
    programme = ProgrammeFactory(slug="run")
    for position, kind in enumerate(SectionKind.values):
        CaseStudySectionFactory(
            programme=programme, kind=kind, anchor=kind, position=position
        )
    return programme


@pytest.mark.parametrize(("prefix", "lang"), [("", "zh-Hans"), ("/en", "en")])
def test_case_study_answers_in_each_language(client, source_data, prefix, lang):
    response = client.get(f"{prefix}{SHIPPED}")
    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{lang}">' in response.text


def test_case_study_has_one_main_heading(client, run):
    assert case_study(client, run).count("<h1") == 1


def test_case_study_shows_the_headline_figures_with_precision_in_english(
    client, source_data
):
    text = section(client.get(f"/en{SHIPPED}").text, "at-a-glance")
    assert '<dd><span class="figure">59 compounds</span></dd>' in text
    assert "about 785,800 m²</span></dd>" in text
    assert (
        '<dt>Households benefiting</dt>\n    <dd><span class="undisclosed">'
        "not disclosed</span></dd>"
    ) in text


def test_case_study_shows_the_headline_figures_with_precision_in_chinese(
    client, source_data
):
    text = section(client.get(SHIPPED).text, "at-a-glance")
    assert '<dd><span class="figure">59个</span></dd>' in text
    assert "约78.58万平方米</span></dd>" in text
    assert '<dd><span class="undisclosed">未公开</span></dd>' in text


def test_case_study_marks_an_at_least_figure(client, source_data):
    text = client.get(f"/en{SHIPPED}").text
    assert 'class="figure is-at_least"' in text
    assert "200,000+ m</span>" in text
    assert "20余万米" in client.get(SHIPPED).text


def test_case_study_lists_every_undisclosed_figure_in_both_languages(
    client, source_data
):
    undisclosed = ProgrammeFigure.objects.filter(
        programme__slug="liyanglu", value__isnull=True
    )
    assert undisclosed.exists()
    english = section(client.get(f"/en{SHIPPED}").text, "not-disclosed")
    chinese = section(client.get(SHIPPED).text, "not-disclosed")
    for figure in undisclosed:
        assert f"<strong>{figure.label_en}</strong>".replace("'", "&#x27;") in english
        assert f"<strong>{figure.label_zh_hans}</strong>" in chinese
    assert english.count("<li>") == undisclosed.count()


def test_case_study_leaves_disclosed_figures_out_of_the_undisclosed_list(
    client, source_data
):
    text = section(client.get(f"/en{SHIPPED}").text, "not-disclosed")
    assert "Compounds renovated" not in text


def test_undisclosed_list_is_computed_from_the_records(client, run):
    ProgrammeFigureFactory(programme=run, label_en="A figure nobody gave", value=None)
    ProgrammeFigureFactory(programme=run, label_en="A figure given", value=7)
    ProgrammeFigureFactory(label_en="Another programme's figure", value=None)
    text = section(case_study(client, run), "not-disclosed")
    assert "A figure nobody gave" in text
    assert "A figure given" not in text
    assert "Another programme" not in text


def test_case_study_with_every_figure_given_says_so(client, run):
    ProgrammeFigureFactory(programme=run, value=3)
    text = section(case_study(client, run), "not-disclosed")
    assert "Every figure recorded here is given by its source." in text


def test_case_study_gives_the_number_of_steps_from_the_source(client, source_data):
    text = section(client.get(f"/en{SHIPPED}").text, "stages")
    assert '<dt>Operating steps</dt>\n    <dd><span class="figure">45 steps' in text


def test_case_study_says_the_shipped_step_list_is_a_template(client, source_data):
    text = section(client.get(f"/en{SHIPPED}").text, "stages")
    assert "The step list this portal ships is a default template" in text
    assert text.count("in the portal’s default template</li>") == len(Stage.values)


def test_case_study_counts_only_its_own_compounds_by_stage(client, run):
    estates = EstateFactory.create_batch(3)
    for estate in estates:
        ProgrammeMembershipFactory(programme=run, estate=estate)
    EstateFactory()  # of no programme
    Estate.objects.filter(pk=estates[0].pk).update(stage=Stage.ACCEPTANCE)
    text = section(case_study(client, run), "stages")
    assert '<th scope="row">Completion acceptance</th><td>1</td>' in text
    assert '<th scope="row">Stage not disclosed</th><td>2</td>' in text


def test_case_study_stage_section_without_compounds_says_so(client, run):
    text = section(case_study(client, run), "stages")
    assert "No compound of this programme is named in the portal yet." in text


def test_case_study_pillars_show_live_figures_and_register_counts(client, run):
    ProgrammeFigureFactory(
        programme=run,
        key="merged",
        measure=Measure.COMPOUNDS,
        value=13,
        label_en="Compounds merged",
    )
    pillar = ProgrammePillarFactory(
        programme=run,
        key="orgs",
        figure_keys="merged",
        registers="organisations",
    )
    OrganisationFactory.create_batch(2, subdistrict=run.subdistrict)
    OrganisationFactory()  # elsewhere
    text = case_study(client, run)
    panel = text[text.index('id="pillar-orgs"') :]
    assert '<dt>Compounds merged</dt><dd><span class="figure">13 compounds' in panel
    assert "<dt>Organisations in the register</dt><dd>2</dd>" in panel
    assert pillar.name_en in panel


def test_case_study_lists_the_practices_of_each_pillar(client, run):
    pillar = ProgrammePillarFactory(programme=run, key="hearts")
    PracticeFactory(pillar=pillar, name_en="A test practice")
    text = case_study(client, run)
    assert (
        "<strong>A test practice</strong>" in text[text.index('id="pillar-hearts"') :]
    )


def test_case_study_without_pillars_says_so(client, run):
    text = section(case_study(client, run), "pillars")
    assert "No pillars of the programme’s model have been recorded yet." in text


def test_case_study_lists_its_lanes_with_addresses_that_print(client, run):
    lane = LaneFactory(name_en="Test Lane", subdistrict=run.subdistrict)
    LaneHonourFactory(lane=lane, title_en="A test honour")
    LaneFactory(name_en="A lane elsewhere")
    text = section(case_study(client, run), "lanes")
    assert f'<a href="http://testserver/en/lanes/{lane.slug}/">Test Lane</a>' in text
    assert "A test honour" in text
    assert "A lane elsewhere" not in text


def test_case_study_describes_the_first_lanes_and_links_the_rest(client, run):
    from sitewide.programmes import LANES_ON_LANDING

    for n in range(LANES_ON_LANDING + 1):
        LaneFactory(name_en=f"Test lane {n:02d}", subdistrict=run.subdistrict)
    text = section(case_study(client, run), "lanes")
    assert text.count('<section class="lane"') == LANES_ON_LANDING
    assert (
        f'<a href="http://testserver/en/lanes/?programme={run.slug}">All themed lanes'
        in text
    )


def test_case_study_does_not_count_compounds_beside_lanes_the_source_leaves_unnamed(
    client, run
):
    LaneFactory(subdistrict=run.subdistrict)
    text = section(case_study(client, run), "lanes")
    assert "Compounds beside it in the register" not in text


def test_case_study_names_its_sources(client, source_data):
    text = section(client.get(f"/en{SHIPPED}").text, "sources")
    assert 'id="source-s1"' in text
    assert "China Daily (chinadaily.com.cn)" in text
    assert '<time datetime="2024-10-23">' in text


def test_case_study_does_not_write_figures_into_its_text(client, run):
    # With no figures recorded, none of a source's numbers may appear: they
    # come from the database, never from the page's text.
    text = case_study(client, run)
    main = text[text.index("<main") : text.index("</main>")]
    # The made-up names of the test's places carry a sequence number.
    subdistrict = run.subdistrict
    named = [run, subdistrict, subdistrict.district, subdistrict.district.city]
    for record in named:
        for name in (record.name_zh_hans, record.name_en):
            main = main.replace(name, "") if name else main
    # The factories' numbered headings depend on how many tests ran before.
    main = re.sub(r"Test section \d+", "", main)
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
def test_case_study_queries_do_not_grow_with_the_compounds(
    client, django_assert_max_num_queries, run, n
):
    community = CommunityFactory(subdistrict=run.subdistrict)
    estates = EstateFactory.create_batch(n, community=community)
    for estate in estates:
        ProgrammeMembershipFactory(programme=run, estate=estate)
    LaneFactory(estates=estates, subdistrict=run.subdistrict)
    pillar = ProgrammePillarFactory(programme=run)
    PracticeFactory(pillar=pillar)
    ProgrammeFigureFactory(programme=run, value=None)
    # Issue 7's ceiling for a page: ten (the benchmark's 250,000 compounds).
    with django_assert_max_num_queries(10):
        response = client.get("/en/programmes/run/case-study/")
    assert response.status_code == HTTPStatus.OK


def test_a_district_programmes_case_study_counts_only_the_subdistricts_it_names(
    client, django_assert_max_num_queries
):
    """A district's programme over two of its three subdistricts: the lanes of
    the third are not its own, and naming subdistricts costs no query."""
    named = [SubdistrictFactory() for _ in range(2)]
    district = named[0].district
    for subdistrict in named[1:]:
        subdistrict.district = district
        subdistrict.save()
    other = SubdistrictFactory(district=district)
    programme = ProgrammeFactory(
        slug="district-run", subdistrict=None, district=district
    )
    programme.covers.set(named)
    for position, kind in enumerate(SectionKind.values):
        CaseStudySectionFactory(
            programme=programme, kind=kind, anchor=kind, position=position
        )
    ProgrammePillarFactory(programme=programme)
    inside = LaneFactory(subdistrict=named[1])
    outside = LaneFactory(subdistrict=other)

    with django_assert_max_num_queries(10):
        text = client.get("/en/programmes/district-run/case-study/").text

    lanes = section(text, "lanes")
    assert f"/lanes/{inside.slug}/" in lanes
    assert f"/lanes/{outside.slug}/" not in lanes


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_case_study_links_the_open_data_page(client, run, prefix):
    text = client.get(f"{prefix}/programmes/run/case-study/").text
    assert f'href="http://testserver{prefix}/data/"' in text
