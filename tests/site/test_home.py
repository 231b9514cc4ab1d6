"""The home page: search, the programmes with their headline figures (or,
for an instance with one programme, its pillars), progress by stage, lanes,
what's new; light and self-contained."""

import datetime
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone, translation

from estates.models import Estate, Measure, Precision, Stage, StepStatus
from estates.services import step_set_status
from lanes.models import Recurrence
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    FacilityFactory,
    MergedCourtyardFactory,
    NoticeFactory,
    ProgrammeFactory,
    ProgrammeFigureFactory,
    ProgrammeMembershipFactory,
    ProgrammePillarFactory,
    StepFactory,
)
from tests.governance.factories import (
    AwardFactory,
    CouncilFactory,
    MeetingFactory,
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
    """A programme of ``n`` compounds with a notice each and coordinates, and
    a little of everything else the home page reads."""
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
    run = ProgrammeFactory()
    for estate in estates:
        ProgrammeMembershipFactory(programme=run, estate=estate)
    pillar = ProgrammePillarFactory(programme=run, figure_keys="renovated")
    PracticeFactory(pillar=pillar)
    ProgrammeFigureFactory(
        programme=run, key="renovated", measure=Measure.COMPOUNDS, value=59
    )
    OrganisationFactory()
    CouncilFactory()
    AwardFactory()


@pytest.mark.parametrize("path", BOTH)
def test_home_answers(client, path):
    assert client.get(path).status_code == HTTPStatus.OK


def test_home_shows_each_programmes_compounds_renovated_in_english(client, source_data):
    text = client.get("/en/").text
    assert (
        '<dt>Compounds renovated</dt><dd><span class="figure">59 compounds</span>'
    ) in text


def test_home_shows_each_programmes_compounds_renovated_in_chinese(client, source_data):
    text = client.get("/").text
    assert '<dt>累计完成改造小区</dt><dd><span class="figure">59个</span>' in text


def test_home_words_an_about_figure_as_its_source_does(client, source_data):
    assert '"figure is-about"' in client.get("/en/").text
    assert "about 785,800 m²" in client.get("/en/").text
    assert "约78.58万平方米" in client.get("/").text


def test_home_words_an_at_least_figure_as_its_source_does(client):
    run = ProgrammeFactory()
    ProgrammeFactory()
    ProgrammeFigureFactory(
        programme=run,
        measure=Measure.HOUSEHOLDS,
        value=9000,
        precision=Precision.AT_LEAST,
        label_en="Households",
        label_zh_hans="户数",
    )
    assert "9,000+ households" in client.get("/en/").text
    assert "9000余户" in client.get("/").text


def test_home_says_a_figure_is_not_disclosed_in_both_languages(client, source_data):
    assert (
        '<dt>Households benefiting</dt><dd><span class="undisclosed">'
        "not disclosed</span></dd>"
    ) in client.get("/en/").text
    assert '<dt>惠及户数</dt><dd><span class="undisclosed">未公开</span>' in (
        client.get("/").text
    )


def test_home_without_programmes_says_so(client):
    assert "No programme has been recorded yet." in client.get("/en/").text


def test_home_with_one_programme_shows_its_pillars_and_case_study(client):
    run = ProgrammeFactory(slug="only")
    ProgrammePillarFactory(programme=run, name_en="Buildings joined", key="b")
    ProgrammeFigureFactory(
        programme=run,
        key="merged",
        measure=Measure.COMPOUNDS,
        value=13,
        label_en="Compounds merged",
    )
    ProgrammePillarFactory(
        programme=run, name_en="Hearts joined", key="h", figure_keys="merged"
    )
    text = client.get("/en/").text
    assert '<h4 id="pillar-b">Buildings joined</h4>' in text
    assert "<dt>Compounds merged</dt><dd>" in text
    assert '<a href="/en/programmes/only/case-study/">Read the case study</a>' in text
    assert "Compare programmes" not in text


def test_home_with_several_programmes_offers_the_comparison(client, source_data):
    text = client.get("/en/").text
    assert text.count('<li class="programme-card">') == 6
    assert '<a href="/en/programmes/">All programmes</a>' in text
    assert '<a href="/en/programmes/compare/">Compare programmes</a>' in text
    assert "Read the case study" not in text


def test_home_programme_card_says_how_many_compounds_the_portal_names(client):
    run = ProgrammeFactory()
    ProgrammeFactory()
    ProgrammeMembershipFactory.create_batch(2, programme=run)
    assert "2 compounds named in the portal" in client.get("/en/").text
    assert "门户收录2个小区" in client.get("/").text


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


def test_home_says_how_many_compounds_the_register_holds(client):
    EstateFactory.create_batch(3)
    assert "The register holds 3 compounds." in client.get("/en/").text


@pytest.mark.parametrize(("path", "prefix"), [("/", ""), ("/en/", "/en")])
def test_home_lists_the_lanes(client, path, prefix):
    lane = LaneFactory(name_zh_hans="测试书巷", motto_zh_hans="测试口号")
    text = client.get(path).text
    assert f'<a href="{prefix}/lanes/{lane.slug}/">' in text
    assert "测试书巷" in text
    assert "<q>" in text and "测试口号" in text


def test_home_without_lanes_says_so(client):
    assert "No lanes have been recorded yet." in client.get("/en/").text


def _step_done(estate, done_on, stage=Stage.CONSTRUCTION):
    step = StepFactory(estate=estate, template__stage=stage)
    return step_set_status(step=step, status=StepStatus.DONE, done_on=done_on)


def _news(text: str) -> str:
    return text[text.index('id="news"') : text.index('id="coming"')]


def test_whats_new_lists_a_compound_that_reached_a_stage_on_the_steps_date(client):
    estate = EstateFactory(name_en="Test Court")
    _step_done(estate, datetime.date(2026, 11, 20))
    estate.refresh_from_db()
    assert estate.stage_reached_on == datetime.date(2026, 11, 20)
    news = _news(client.get("/en/").text)
    assert "Stage reached" in news
    with translation.override("en"):
        stage = estate.get_stage_display().capitalize()
    assert f'<a href="/en/estates/{estate.slug}/">Test Court</a> · {stage}' in news
    assert "20 November 2026" in news


def test_loading_or_editing_compounds_is_not_news(client):
    """The data-load date was shown three times as "compound updated"."""
    EstateFactory.create_batch(3, name_en="Loaded Court")
    estate = EstateFactory(name_en="Edited Court")
    estate.households = 120
    estate.save()
    news = _news(client.get("/en/").text)
    assert "Loaded Court" not in news and "Edited Court" not in news
    assert "No news yet" in news


def test_whats_new_lists_a_notice_posted_and_a_meeting_held_newest_first(client):
    NoticeFactory(title_en="Water off on Tuesday")
    council = CouncilFactory(name_en="Test Council", community=CommunityFactory())
    MeetingFactory(council=council, held_on=datetime.date(2024, 3, 2), title_en="")
    # A meeting planned for later has not been held: not news yet.
    MeetingFactory(
        council=council,
        held_on=timezone.localdate() + datetime.timedelta(days=3),
        title_en="Next month's talk",
    )
    news = _news(client.get("/en/").text)
    assert "Construction notice posted" in news and "Water off on Tuesday" in news
    assert "Council meeting held" in news
    assert (
        f'<a href="/en/communities/{council.community.slug}/">Test Council</a>' in news
    )
    assert "Next month" not in news
    # The notice was posted today, the meeting in 2024.
    assert news.index("Water off on Tuesday") < news.index("Test Council")


def test_coming_up_lists_events_by_their_next_date_not_when_entered(client):
    today = timezone.localdate()
    later = EventFactory(
        title_en="Later fair",
        recurrence=Recurrence.ONCE,
        weekday=None,
        starts_on=today + datetime.timedelta(days=10),
    )
    sooner = EventFactory(
        title_en="Weekly book swap", weekday=(today.weekday() + 2) % 7
    )
    EventFactory(
        title_en="Past fair",
        recurrence=Recurrence.ONCE,
        weekday=None,
        starts_on=today - datetime.timedelta(days=10),
    )
    text = client.get("/en/").text
    coming = text[text.index('id="coming"') :]
    assert f'<a href="/en/events/#{sooner.slug}">Weekly book swap</a>' in coming
    assert coming.index("Weekly book swap") < coming.index(later.title_en)
    assert "Past fair" not in coming
    date = today + datetime.timedelta(days=2)
    assert f'<time datetime="{date:%Y-%m-%d}">' in coming


def test_whats_new_without_news_or_events_says_so(client):
    text = client.get("/en/").text
    assert "No news yet" in text
    assert "No event is planned." in text


@pytest.mark.parametrize(
    ("path", "links"),
    [
        (
            "/",
            ["/", "/estates/", "/lanes/", "/events/", "/governance/", "/programmes/"],
        ),
        (
            "/en/",
            [
                "/en/",
                "/en/estates/",
                "/en/lanes/",
                "/en/events/",
                "/en/governance/",
                "/en/programmes/",
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
    # A programme's pillars and figures take three of them, whatever its size;
    # what's new four (a server keeps both per generation: make bench).
    with django_assert_max_num_queries(12):
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


@pytest.mark.parametrize(
    ("start", "end", "english", "chinese"),
    [
        (2022, 2022, "2022", "2022年"),
        (2019, 2022, "2019–2022", "2019—2022年"),
        (2019, None, "since 2019", "2019年起"),
    ],
)
def test_home_programme_card_gives_its_years_in_each_language(
    client, start, end, english, chinese
):
    ProgrammeFactory(start_year=start, end_year=end)
    ProgrammeFactory(start_year=None)
    assert f" · {english}</p>" in client.get("/en/").text
    assert f" · {chinese}</p>" in client.get("/").text
