"""The home page: headline figures, search, progress by stage, the Four
Integrations, lanes, what's new; light and self-contained."""

import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from estates.models import Estate, Stage
from governance.models import Integration
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    FacilityFactory,
    MergedCourtyardFactory,
    NoticeFactory,
    ProgrammeFactFactory,
)
from tests.governance.factories import (
    AwardFactory,
    CouncilFactory,
    OrganisationFactory,
    PracticeFactory,
)
from tests.lanes.factories import EventFactory, LaneFactory

pytestmark = pytest.mark.django_db

BOTH = ["/", "/en/"]


@pytest.fixture
def source_data():
    call_command("load_source_data", verbosity=0)


def programme(n: int) -> None:
    """``n`` estates with a notice each and coordinates, and a little of
    everything else the home page reads."""
    community = CommunityFactory()
    estates = EstateFactory.create_batch(
        n, community=community, latitude=Decimal("35.7"), longitude=Decimal("114.3")
    )
    Estate.objects.filter(pk__in=[e.pk for e in estates[::2]]).update(
        stage=Stage.CONSTRUCTION
    )
    for estate in estates:
        NoticeFactory(estate=estate)
    lane = LaneFactory(estates=estates, latitude=Decimal("35.71"), longitude=114.31)
    EventFactory(lane=lane)
    FacilityFactory(estate=estates[0], latitude=Decimal("35.69"), longitude=114.29)
    MergedCourtyardFactory()
    PracticeFactory(integration=Integration.BUILDINGS)
    OrganisationFactory()
    CouncilFactory()
    AwardFactory()
    ProgrammeFactFactory(key="compounds-renovated", value=59)


@pytest.mark.parametrize("path", BOTH)
def test_home_answers(client, path):
    assert client.get(path).status_code == HTTPStatus.OK


def test_home_shows_compounds_renovated_in_english(client, source_data):
    text = client.get("/en/").text
    assert "<dt>Compounds renovated</dt><dd>59 compounds</dd>" in text


def test_home_shows_compounds_renovated_in_chinese(client, source_data):
    text = client.get("/").text
    assert "<dt>累计完成改造小区</dt><dd>59 个</dd>" in text


def test_home_shows_floor_area_as_about_in_english(client, source_data):
    assert "<dd>about 785,800 m²</dd>" in client.get("/en/").text


def test_home_shows_floor_area_with_its_qualifier_in_chinese(client, source_data):
    # The qualifier phrase comes from the catalogue, the figure and unit from
    # the database; Chinese number format has no thousands separator.
    assert re.search(r"<dd>[^<]*785800 平方米[^<]*</dd>", client.get("/").text)


def test_home_says_households_are_not_disclosed_in_english(client, source_data):
    text = client.get("/en/").text
    assert (
        '<dt>Households benefiting</dt><dd><span class="undisclosed">'
        "not disclosed</span></dd>"
    ) in text


def test_home_says_households_are_not_disclosed_in_chinese(client, source_data):
    text = client.get("/").text
    assert '<dt>惠及户数</dt><dd><span class="undisclosed">' in text


def test_home_names_the_source_of_its_figures(client, source_data):
    text = client.get("/en/").text
    assert 'Source: <span lang="zh-Hans">中国日报网 2024-10-23' in text


def test_home_without_figures_says_so(client):
    assert "No figures have been recorded yet." in client.get("/en/").text


@pytest.mark.parametrize("path", BOTH)
def test_home_search_form_asks_the_estate_list(client, path):
    text = client.get(path).text
    prefix = "/en" if path == "/en/" else ""
    assert f'action="{prefix}/estates/"' in text
    assert 'name="q"' in text
    assert '<label for="estate-search-q">' in text


def stage_row(text: str, label: str) -> int:
    match = re.search(rf'<th scope="row">{label}</th><td>(\d+)</td>', text)
    assert match, label
    return int(match.group(1))


def test_stage_chart_counts_estates_in_each_stage(client):
    estates = EstateFactory.create_batch(5)
    Estate.objects.filter(pk__in=[e.pk for e in estates[:3]]).update(
        stage=Stage.CONSTRUCTION
    )
    Estate.objects.filter(pk=estates[3].pk).update(stage=Stage.MANAGEMENT)
    text = client.get("/en/").text
    assert stage_row(text, "Construction") == 3
    assert stage_row(text, "Long-term management") == 1
    assert stage_row(text, "Tendering") == 0


def test_stage_chart_counts_estates_without_steps_as_not_disclosed(client):
    EstateFactory.create_batch(2)
    assert stage_row(client.get("/en/").text, "Stage not disclosed") == 2


def test_stage_chart_follows_the_stage_derived_from_steps(client):
    from estates import services
    from tests.estates.factories import ProcedureFactory, StepTemplateFactory

    procedure = ProcedureFactory()
    StepTemplateFactory(procedure=procedure, stage=Stage.PREPARATION)
    services.estate_steps_create(estate=EstateFactory(), procedure=procedure)
    assert stage_row(client.get("/en/").text, "Pre-construction preparation") == 1


def test_stage_chart_draws_a_bar_for_each_stage_and_the_unknown(client):
    EstateFactory()
    text = client.get("/").text
    assert text.count('<g class="bar bar-') == len(Stage.values) + 1
    assert 'role="img" aria-labelledby="stage-chart-title stage-chart-desc"' in text


def test_stage_chart_longest_bar_belongs_to_the_largest_stage(client):
    estates = EstateFactory.create_batch(3)
    Estate.objects.filter(pk__in=[e.pk for e in estates[:2]]).update(
        stage=Stage.TENDERING
    )
    text = client.get("/en/").text
    widths = dict(
        re.findall(
            r'<g class="bar bar-(\w+)">\s*<text[^>]*>[^<]*</text>\s*'
            r'<rect x="0" y="\d+" width="([\d.]+)"',
            text,
        )
    )
    assert float(widths["tendering"]) == 2 * float(widths["unknown"])


def test_home_without_estates_says_none_are_recorded(client):
    assert "No compounds have been recorded yet." in client.get("/en/").text


def test_home_compares_the_register_with_the_reported_total(client, source_data):
    text = client.get("/en/").text
    assert "The register holds 3 of 59 compounds." in text


def test_home_panels_show_live_counts_from_the_records(client):
    FacilityFactory.create_batch(3)
    OrganisationFactory.create_batch(2)
    text = client.get("/en/").text
    assert "<dt>Facilities in the register</dt><dd>3</dd>" in text
    assert "<dt>Organisations in the register</dt><dd>2</dd>" in text


def test_home_panels_show_the_four_integrations_in_order(client):
    text = client.get("/en/").text
    positions = [text.index(f'id="panel-{key}"') for key in Integration.values]
    assert positions == sorted(positions)


def test_home_panel_shows_its_programme_figures(client, source_data):
    text = client.get("/en/").text
    assert "<dt>Compounds merged</dt><dd>13 compounds</dd>" in text


@pytest.mark.parametrize(("path", "prefix"), [("/", ""), ("/en/", "/en")])
def test_home_lists_the_lanes(client, path, prefix):
    lane = LaneFactory(name_zh_hans="测试书巷", motto_zh_hans="测试口号")
    text = client.get(path).text
    assert f'<a href="{prefix}/lanes/{lane.slug}/">' in text
    assert "测试书巷" in text
    assert "<q>" in text and "测试口号" in text


def test_home_without_lanes_says_so(client):
    assert "No lanes have been recorded yet." in client.get("/en/").text


def test_whats_new_lists_a_recently_updated_estate(client):
    estate = EstateFactory(name_en="Test Court")
    text = client.get("/en/").text
    assert f'<a href="/en/estates/{estate.slug}/">Test Court</a>' in text


def test_whats_new_lists_a_construction_notice(client):
    NoticeFactory(title_en="Water off on Tuesday")
    text = client.get("/en/").text
    assert "Construction notice" in text
    assert "Water off on Tuesday" in text


def test_whats_new_links_an_event_to_its_place_on_the_events_page(client):
    event = EventFactory(title_en="Test book swap")
    assert f'<a href="/en/events/#{event.slug}">Test book swap</a>' in (
        client.get("/en/").text
    )


def test_whats_new_without_updates_says_so(client):
    assert "Nothing has been updated yet." in client.get("/en/").text


@pytest.mark.parametrize(
    ("path", "links"),
    [
        (
            "/",
            ["/", "/estates/", "/lanes/", "/events/", "/governance/", "/case-study/"],
        ),
        (
            "/en/",
            [
                "/en/",
                "/en/estates/",
                "/en/lanes/",
                "/en/events/",
                "/en/governance/",
                "/en/case-study/",
            ],
        ),
    ],
)
def test_main_navigation_links_every_section(client, path, links):
    text = client.get(path).text
    nav = text[
        text.index('<nav class="main-nav"') : text.index(
            "</nav>", text.index('<nav class="main-nav"')
        )
    ]
    assert re.findall(r'href="([^"]+)"', nav) == links


def test_main_navigation_marks_the_current_page(client):
    text = client.get("/en/").text
    assert '<a href="/en/" aria-current="page">Home</a>' in text


@pytest.mark.parametrize("n", [1, 50])
def test_home_queries_do_not_grow_with_the_estates(
    client, django_assert_max_num_queries, n
):
    programme(n)
    with django_assert_max_num_queries(10):
        response = client.get("/en/")
    assert response.status_code == HTTPStatus.OK


def asset_paths(text: str) -> list[str]:
    return re.findall(
        r'<(?:script|img)[^>]+src="([^"]+)"|<link rel="(?:stylesheet|icon)" '
        r'href="([^"]+)"',
        text,
    )


def test_home_page_and_its_assets_weigh_under_150_kb(client):
    programme(50)
    text = client.get("/").text
    total = len(text.encode())
    for src, href in asset_paths(text):
        path = finders.find((src or href).removeprefix("/static/"))
        assert path, src or href
        with open(path, "rb") as handle:
            total += len(handle.read())
    assert total < 150 * 1024


def test_home_loads_nothing_from_another_host(client):
    text = client.get("/").text
    for src, href in asset_paths(text):
        assert (src or href).startswith("/static/")
    assert "//" not in "".join(re.findall(r'src="([^"]+)"', text))
    assert "@import" not in text


def test_home_has_no_inline_script(client):
    text = client.get("/").text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text) == []
