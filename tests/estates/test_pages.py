"""The estate list, estate, community and merged-courtyard pages, in both languages."""

import datetime
import html
from decimal import Decimal
from http import HTTPStatus

import factory
import pytest
from django.http import HttpResponse
from django.urls import URLResolver, include, path
from django.utils import timezone

from estates import services
from estates.models import (
    ChecklistCategory,
    ChecklistStatus,
    FundingSource,
    PhotoKind,
    Stage,
    StepStatus,
    Tier,
    Unit,
    WorksCategory,
)
from renovation_portal import urls as site_urls
from tests.estates.factories import (
    CommunityChecklistItemFactory,
    CommunityFactory,
    EstateFactory,
    FacilityFactory,
    FundingFactory,
    HonourFactory,
    MergedCourtyardFactory,
    NoticeFactory,
    PhotoFactory,
    PropertyCompanyFactory,
    StepFactory,
    StepTemplateFactory,
    WorksItemFactory,
)
from tests.governance.factories import (
    CouncilFactory,
    MeetingFactory,
    SurveyFactory,
    SurveyResponseFactory,
)
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["", "/en"]

# The most queries any of these pages may make, whatever the number of rows: a
# search of several grams adds one, to find its rarest gram (estates.selectors).
LIST_QUERIES = 6
# One of them the satisfaction survey's aggregates (governance.selectors); the
# funding entries come with the estate's own row (estates.selectors); one the
# other compounds its honours name (a few per honour).
ESTATE_QUERIES = 11
COMMUNITY_QUERIES = 6
COURTYARD_QUERIES = 3


def _text(response) -> str:
    return response.content.decode()


def _stage_steps(estate, statuses, *, stage=Stage.TENDERING):
    """Steps for ``estate`` in one stage, numbered in order, with ``statuses``."""
    template = StepTemplateFactory(stage=stage)
    steps = []
    for status in statuses:
        step = StepFactory(
            estate=estate,
            template=StepTemplateFactory(procedure=template.procedure, stage=stage),
            status=status,
        )
        steps.append(step)
    services.estate_refresh_stage(estate=estate)
    return steps


# ---------------------------------------------------------------------------
# /estates/
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_estate_list_shows_every_estate_with_its_community(client, prefix):
    estate = EstateFactory(name_zh_hans="九大院")
    response = client.get(f"{prefix}/estates/")
    assert response.status_code == HTTPStatus.OK
    assert "九大院" in _text(response)
    assert estate.community.name_zh_hans in _text(response)
    assert estate.get_absolute_url() in _text(response)


def test_estate_list_answers_in_english_under_en(client):
    EstateFactory()
    response = client.get("/en/estates/")
    assert '<html lang="en">' in _text(response)
    assert "Find your compound" in _text(response)


def test_estate_list_answers_in_chinese_without_prefix(client):
    EstateFactory()
    response = client.get("/estates/")
    assert '<html lang="zh-Hans">' in _text(response)


def test_estate_list_shows_the_total_count(client):
    EstateFactory.create_batch(3)
    response = client.get("/en/estates/")
    assert "3 compounds found" in _text(response)


def test_estate_list_shows_each_stage_in_words(client):
    estate = EstateFactory()
    _stage_steps(estate, [StepStatus.PENDING], stage=Stage.CONSTRUCTION)
    response = client.get("/en/estates/")
    assert "Stage 3 of 5: construction" in _text(response)


def test_estate_list_shows_the_stage_in_each_language_one_after_the_other(client):
    estate = EstateFactory()
    _stage_steps(estate, [StepStatus.PENDING], stage=Stage.CONSTRUCTION)
    english = _text(client.get("/en/estates/"))
    chinese = _text(client.get("/estates/"))
    assert "Stage 3 of 5: construction" in english
    assert "第3阶段（共5个）" in chinese
    assert "Stage 3 of 5" not in chinese


def test_estate_list_marks_the_stage_by_shape_not_only_colour(client):
    estate = EstateFactory()
    _stage_steps(estate, [StepStatus.PENDING], stage=Stage.CONSTRUCTION)
    response = client.get("/en/estates/")
    assert _text(response).count('class="stage-mark is-done"') == 2
    assert '<span class="stage-mark is-current">●</span>' in _text(response)


def test_estate_list_says_when_a_stage_is_not_disclosed(client):
    EstateFactory()
    response = client.get("/en/estates/")
    assert "Stage not disclosed" in _text(response)


def test_estate_list_filters_by_community_slug(client):
    wanted = EstateFactory(name_zh_hans="甲小区")
    EstateFactory(name_zh_hans="乙小区")
    response = client.get("/estates/", {"community": wanted.community.slug})
    assert list(response.context["estates"]) == [wanted]


def test_estate_list_filters_by_stage(client):
    building = EstateFactory()
    _stage_steps(building, [StepStatus.PENDING], stage=Stage.CONSTRUCTION)
    EstateFactory()
    response = client.get("/estates/", {"stage": Stage.CONSTRUCTION})
    assert list(response.context["estates"]) == [building]


def test_estate_list_filters_estates_whose_stage_is_not_disclosed(client):
    unknown = EstateFactory()
    _stage_steps(EstateFactory(), [StepStatus.PENDING])
    response = client.get("/estates/", {"stage": "null"})
    assert list(response.context["estates"]) == [unknown]


def test_estate_list_filters_by_renovation_year(client):
    wanted = EstateFactory(renovation_year=2022)
    EstateFactory(renovation_year=2021)
    response = client.get("/estates/", {"year": "2022"})
    assert list(response.context["estates"]) == [wanted]


def test_estate_list_offers_only_recorded_renovation_years(client):
    EstateFactory(renovation_year=2022)
    response = client.get("/en/estates/")
    assert '<option value="2022">2022</option>' in _text(response)
    assert '<option value="2021">' not in _text(response)


def test_estate_list_combines_search_and_filters(client):
    community = CommunityFactory()
    wanted = EstateFactory(name_zh_hans="九大院", community=community)
    EstateFactory(name_zh_hans="九大院北区")
    response = client.get("/estates/", {"q": "jdy", "community": community.slug})
    assert list(response.context["estates"]) == [wanted]


def test_estate_list_labels_every_form_control(client):
    EstateFactory()
    text = _text(client.get("/en/estates/"))
    for control_id in ["estate-search-q", "id_community", "id_stage", "id_year"]:
        assert f'for="{control_id}"' in text
        assert f'id="{control_id}"' in text


def test_estate_list_pages_twenty_at_a_time(client):
    EstateFactory.create_batch(25)
    first = client.get("/estates/")
    second = client.get("/estates/", {"page": 2})
    assert len(first.context["estates"]) == 20
    assert len(second.context["estates"]) == 5


def test_estate_list_page_links_keep_the_query(client):
    for n in range(25):
        EstateFactory(name_zh_hans=f"测试院{n:02d}")
    response = client.get("/en/estates/", {"q": "ceshi", "stage": "null"})
    assert 'href="?q=ceshi&amp;stage=null&amp;page=2"' in _text(response)


def test_estate_list_page_past_the_end_shows_the_last_page(client):
    EstateFactory.create_batch(25)
    response = client.get("/estates/", {"page": 99})
    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].number == 2


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e9", "9" * 40, "\x00"])
def test_estate_list_garbled_page_number_is_not_an_error(client, page):
    EstateFactory()
    response = client.get("/estates/", {"page": page})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_estate_list_with_no_result_suggests_what_to_try(client, prefix):
    EstateFactory()
    response = client.get(f"{prefix}/estates/", {"q": "qwxz"})
    assert response.status_code == HTTPStatus.OK
    assert 'class="no-results"' in _text(response)
    assert f'href="{prefix}/estates/"' in _text(response)


def test_estate_list_with_no_result_names_the_query_and_what_to_try(client):
    EstateFactory()
    text = _text(client.get("/en/estates/", {"q": "qwxz"}))
    assert "No compound matches “qwxz”." in text
    assert "initials" in text
    assert "full pinyin" in text
    assert "See the full list of compounds" in text


def test_estate_list_with_an_unknown_stage_shows_no_result_rather_than_fail(client):
    EstateFactory()
    response = client.get("/en/estates/", {"stage": "demolished"})
    assert response.status_code == HTTPStatus.OK
    assert "No compound matches these choices." in _text(response)


@pytest.mark.parametrize("rows", [1, 50])
def test_estate_list_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory()
    for estate in EstateFactory.create_batch(rows, community=community):
        _stage_steps(estate, [StepStatus.PENDING])
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get("/en/estates/", {"q": "ceshi", "community": community.slug})


# ---------------------------------------------------------------------------
# /estates/<slug>/
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_estate_page_answers_in_both_languages(client, prefix):
    estate = EstateFactory(name_zh_hans="九大院")
    response = client.get(f"{prefix}/estates/{estate.slug}/")
    assert response.status_code == HTTPStatus.OK
    assert "<h1" in _text(response)
    assert "九大院" in _text(response)


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_estate_page_for_an_unknown_slug_is_not_found(client, prefix):
    response = client.get(f"{prefix}/estates/no-such-compound/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_estate_page_marks_an_untranslated_name_as_chinese(client):
    estate = EstateFactory(name_zh_hans="九大院", name_en="")
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert '<span lang="zh-Hans">九大院</span>' in text


def test_estate_page_shows_unknown_figures_as_not_disclosed(client):
    estate = EstateFactory(buildings=None, households=12)
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "<dt>Households</dt><dd>12</dd>" in text
    assert (
        '<dt>Buildings</dt><dd><span class="undisclosed">not disclosed</span></dd>'
        in text
    )


def test_estate_page_without_steps_says_they_are_not_disclosed(client):
    estate = EstateFactory()
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "The steps of this compound's renovation are not disclosed." in text


def test_estate_page_groups_steps_under_their_stage(client):
    estate = EstateFactory()
    procedure = StepTemplateFactory(stage=Stage.TENDERING, number=1).procedure
    tendering = StepFactory(
        estate=estate,
        template__procedure=procedure,
        template__stage=Stage.TENDERING,
        template__name_zh_hans="招标公告",
    )
    building = StepFactory(
        estate=estate,
        template__procedure=procedure,
        template__stage=Stage.CONSTRUCTION,
        template__name_zh_hans="管线施工",
    )
    response = client.get(f"/en/estates/{estate.slug}/")
    groups = {group.stage: group.steps for group in response.context["timeline"]}
    assert [len(groups[stage]) for stage in Stage.values] == [1, 0, 1, 0, 0]
    assert groups[Stage.TENDERING] == [tendering]
    assert groups[Stage.CONSTRUCTION] == [building]
    text = _text(response)
    assert text.index("招标公告") < text.index("Stage 3: construction")
    assert text.index("Stage 3: construction") < text.index("管线施工")


def test_estate_page_shows_done_steps_with_their_date(client):
    estate = EstateFactory()
    (step,) = _stage_steps(estate, [StepStatus.PENDING])
    step.status = StepStatus.DONE
    step.done_on = datetime.date(2024, 3, 9)
    step.save()
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "Done on 9 March 2024" in text


def test_estate_page_marks_the_current_and_next_step(client):
    estate = EstateFactory()
    _stage_steps(
        estate,
        [
            StepStatus.DONE,
            StepStatus.IN_PROGRESS,
            StepStatus.PENDING,
            StepStatus.PENDING,
        ],
    )
    response = client.get(f"/en/estates/{estate.slug}/")
    (tendering, *_rest) = response.context["timeline"]
    assert [step.marker for step in tendering.steps] == ["", "current", "next", ""]
    assert "Current step" in _text(response)
    assert "Next step" in _text(response)


def test_estate_page_marks_the_current_stage(client):
    estate = EstateFactory()
    _stage_steps(estate, [StepStatus.PENDING], stage=Stage.ACCEPTANCE)
    response = client.get(f"/en/estates/{estate.slug}/")
    states = [group.state for group in response.context["timeline"]]
    assert states == ["done", "done", "done", "current", "upcoming"]
    assert 'class="timeline-stage is-current" aria-current="step"' in _text(response)


def test_estate_page_groups_works_by_tier_in_order(client):
    estate = EstateFactory()
    WorksItemFactory(estate=estate, category=WorksCategory.MURALS, tier=Tier.UPGRADE)
    WorksItemFactory(estate=estate, category=WorksCategory.LIGHTING, tier=Tier.BASIC)
    response = client.get(f"/en/estates/{estate.slug}/")
    assert [tier.key for tier in response.context["works_tiers"]] == [
        Tier.BASIC,
        Tier.UPGRADE,
    ]
    text = _text(response)
    assert text.index("basic works") < text.index("upgrade works")


def test_estate_page_shows_works_planned_and_done_as_text_and_bar(client):
    estate = EstateFactory()
    WorksItemFactory(
        estate=estate,
        unit=Unit.LAMP,
        planned_quantity=Decimal("40"),
        done_quantity=Decimal("30"),
    )
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "Planned: 40 lamps" in text
    assert "Done: 30 lamps" in text
    assert "75% done" in text
    assert '<rect class="works-bar-done" width="75" height="10"/>' in text


def test_estate_page_shows_an_unknown_works_quantity_as_not_disclosed(client):
    estate = EstateFactory()
    WorksItemFactory(estate=estate, planned_quantity=Decimal("40"))
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert 'Done: <span class="undisclosed">not disclosed</span>' in text
    assert "works-bar" not in text.split('id="works"')[1].split("</section>")[0]


def test_estate_page_shows_photos_before_and_after_sized_for_phones(client):
    estate = EstateFactory()
    PhotoFactory(
        estate=estate,
        kind=PhotoKind.AFTER,
        caption_zh_hans="改造后的院子",
        image=factory.django.ImageField(width=40, height=30),
    )
    PhotoFactory(
        estate=estate,
        kind=PhotoKind.BEFORE,
        image=factory.django.ImageField(width=40, height=30),
    )
    response = client.get(f"/en/estates/{estate.slug}/")
    assert [group.key for group in response.context["photo_groups"]] == [
        PhotoKind.BEFORE,
        PhotoKind.AFTER,
    ]
    text = _text(response)
    assert text.count('loading="lazy"') == 2
    assert text.count('width="320" height="240"') == 2
    assert 'alt="改造后的院子"' in text
    assert 'alt="The compound before the renovation"' in text


def test_estate_page_shows_nothing_for_a_photo_without_an_image(client):
    estate = EstateFactory()
    PhotoFactory(estate=estate, image="", caption_zh_hans="没有图片")
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "<img" not in text
    assert "没有图片" not in text


def test_estate_page_shows_current_notices_with_what_where_and_until(client):
    estate = EstateFactory()
    now = timezone.now()
    NoticeFactory(
        estate=estate,
        title_zh_hans="停水通知",
        buildings_affected="3、5",
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=2),
    )
    NoticeFactory(estate=estate, title_zh_hans="道路封闭", starts_at=now)
    NoticeFactory(
        estate=estate,
        title_zh_hans="旧的通知",
        starts_at=now - datetime.timedelta(days=9),
        ends_at=now - datetime.timedelta(days=8),
    )
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "停水通知" in text
    assert "Buildings 3、5" in text
    assert "道路封闭" in text
    assert "until further notice" in text
    assert "旧的通知" not in text


def test_estate_page_without_notices_leaves_the_section_out(client):
    estate = EstateFactory()
    assert 'id="notices"' not in _text(client.get(f"/en/estates/{estate.slug}/"))


def test_estate_page_shows_funding_by_source_and_undisclosed_amounts(client):
    estate = EstateFactory()
    FundingFactory(
        estate=estate,
        source=FundingSource.CENTRAL_SUBSIDY,
        amount_yuan=Decimal("1200000.00"),
    )
    FundingFactory(estate=estate, source=FundingSource.RESIDENTS, amount_yuan=None)
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "<td>1,200,000 yuan</td>" in text
    assert "Residents' contribution" in html.unescape(text)
    assert '<td><span class="undisclosed">not disclosed</span></td>' in text


def test_estate_page_offers_a_tap_to_call_property_company(client):
    company = PropertyCompanyFactory(name_zh_hans="测试物业", phone="0392-123 4567")
    estate = EstateFactory(property_company=company)
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert '<a class="tel" href="tel:03921234567">0392-123 4567</a>' in text


def test_estate_page_shows_councils_and_recent_meetings_without_minutes(client):
    estate = EstateFactory()
    council = CouncilFactory(name_zh_hans="测试院落议事会", estates=[estate])
    MeetingFactory(
        council=council,
        held_on=datetime.date(2024, 3, 2),
        agenda_zh_hans="讨论停车位",
        decisions_zh_hans="增设充电桩",
        minutes_zh_hans="内部纪要",
        follow_ups_zh_hans="内部跟进",
    )
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert "测试院落议事会" in text
    assert "讨论停车位" in text
    assert "增设充电桩" in text
    assert "内部纪要" not in text
    assert "内部跟进" not in text


def test_estate_page_shows_only_the_three_latest_past_meetings(client):
    estate = EstateFactory()
    council = CouncilFactory(estates=[estate])
    today = timezone.localdate()
    for days_ago in [-7, 1, 2, 3, 4]:
        MeetingFactory(
            council=council,
            held_on=today - datetime.timedelta(days=days_ago),
            title_zh_hans=f"会议{days_ago}",
        )
    response = client.get(f"/en/estates/{estate.slug}/")
    (shown,) = response.context["estate"].councils.all()
    assert [m.title_zh_hans for m in shown.recent_meetings] == [
        "会议1",
        "会议2",
        "会议3",
    ]


def test_estate_page_links_its_merged_courtyard_and_lanes(client):
    courtyard = MergedCourtyardFactory(name_zh_hans="测试合院")
    estate = EstateFactory(courtyard=courtyard)
    lane = LaneFactory(name_zh_hans="测试书巷", estates=[estate])
    text = _text(client.get(f"/en/estates/{estate.slug}/"))
    assert f'href="/en/courtyards/{courtyard.slug}/"' in text
    assert f'href="/en/lanes/{lane.slug}/"' in text
    assert "测试书巷" in text


def test_estate_page_lists_its_honours(client):
    estate = EstateFactory()
    HonourFactory(title_zh_hans="测试优秀案例", estates=[estate])
    assert "测试优秀案例" in _text(client.get(f"/estates/{estate.slug}/"))


def _without_namespace(patterns, namespace):
    kept = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == namespace:
                continue
            if isinstance(pattern.urlconf_name, list):
                pattern = URLResolver(
                    pattern.pattern,
                    _without_namespace(pattern.urlconf_name, namespace),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
        kept.append(pattern)
    return kept


class SiteWithoutFeedback:
    urlpatterns = _without_namespace(site_urls.urlpatterns, "feedback")


class SiteWithFeedback:
    urlpatterns = [
        *SiteWithoutFeedback.urlpatterns,
        path(
            "feedback/",
            include(
                (
                    [path("new/", lambda request: HttpResponse(), name="feedback-new")],
                    "feedback",
                )
            ),
        ),
    ]


def test_estate_page_leaves_out_the_feedback_link_while_there_is_no_form(
    client, settings
):
    settings.ROOT_URLCONF = SiteWithoutFeedback
    estate = EstateFactory()
    response = client.get(f"/estates/{estate.slug}/")
    assert response.status_code == HTTPStatus.OK
    assert "/feedback/" not in _text(response)


def test_estate_page_links_to_feedback_about_this_compound(client, settings):
    settings.ROOT_URLCONF = SiteWithFeedback
    estate = EstateFactory()
    response = client.get(f"/estates/{estate.slug}/")
    assert f'href="/feedback/new/?estate={estate.slug}"' in _text(response)


@pytest.mark.parametrize("rows", [1, 50])
def test_estate_page_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    estate = EstateFactory(property_company=PropertyCompanyFactory())
    estate.courtyard = MergedCourtyardFactory()
    estate.save()
    _stage_steps(estate, [StepStatus.DONE] * rows)
    for n in range(rows):
        WorksItemFactory(
            estate=estate,
            planned_quantity=Decimal("10"),
            done_quantity=Decimal("5"),
        )
        PhotoFactory(estate=estate, image=f"photos/test-{n}.jpg")
        NoticeFactory(estate=estate, starts_at=timezone.now())
        HonourFactory(estates=[estate])
        LaneFactory(estates=[estate])
        council = CouncilFactory(estates=[estate])
        MeetingFactory.create_batch(2, council=council)
    FundingFactory(estate=estate)
    SurveyResponseFactory.create_batch(
        rows, survey=SurveyFactory(estate=estate, opens_on=timezone.localdate())
    )
    with django_assert_max_num_queries(ESTATE_QUERIES):
        response = client.get(f"/en/estates/{estate.slug}/")
    assert response.status_code == HTTPStatus.OK


# ---------------------------------------------------------------------------
# /communities/<slug>/
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_community_page_lists_its_estates_with_their_stages(client, prefix):
    community = CommunityFactory(name_zh_hans="测试社区")
    estate = EstateFactory(name_zh_hans="九大院", community=community)
    _stage_steps(estate, [StepStatus.PENDING], stage=Stage.PREPARATION)
    EstateFactory(name_zh_hans="别的小区")
    response = client.get(f"{prefix}/communities/{community.slug}/")
    assert response.status_code == HTTPStatus.OK
    text = _text(response)
    assert "测试社区" in text
    assert "九大院" in text
    assert "别的小区" not in text
    assert 'class="stage-mark is-current"' in text


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_community_page_for_an_unknown_slug_is_not_found(client, prefix):
    response = client.get(f"{prefix}/communities/no-such-community/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_community_page_pages_many_estates(client):
    community = CommunityFactory()
    EstateFactory.create_batch(25, community=community)
    first = client.get(f"/communities/{community.slug}/")
    last = client.get(f"/communities/{community.slug}/", {"page": 99})
    assert len(first.context["page_obj"]) == 20
    assert len(last.context["page_obj"]) == 5
    assert 'href="?page=2"' in _text(first)


def test_community_page_shows_its_councils(client):
    community = CommunityFactory()
    CouncilFactory(name_zh_hans="测试社区议事会", community=community)
    text = _text(client.get(f"/communities/{community.slug}/"))
    assert "测试社区议事会" in text


def test_community_page_shows_all_six_checklist_categories(client):
    community = CommunityFactory()
    CommunityChecklistItemFactory(
        community=community,
        category=ChecklistCategory.BASIC_SERVICES,
        status=ChecklistStatus.MET,
    )
    CommunityChecklistItemFactory(
        community=community,
        category=ChecklistCategory.PUBLIC_SPACE,
        status=ChecklistStatus.PARTLY,
    )
    CommunityChecklistItemFactory(
        community=community,
        category=ChecklistCategory.PROPERTY_COVERAGE,
        status=ChecklistStatus.MISSING,
    )
    response = client.get(f"/en/communities/{community.slug}/")
    rows = {
        row.category: row.item.status if row.item else None
        for row in response.context["checklist"]
    }
    assert list(rows) == ChecklistCategory.values
    assert rows[ChecklistCategory.BASIC_SERVICES] == ChecklistStatus.MET
    text = _text(response)
    assert '<strong class="checklist-status">Met</strong>' in text
    assert '<strong class="checklist-status">Partly met</strong>' in text
    assert '<strong class="checklist-status">Missing</strong>' in text
    assert text.count('<strong class="checklist-status">Not assessed</strong>') == 3


@pytest.mark.parametrize("rows", [1, 50])
def test_community_page_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory()
    for estate in EstateFactory.create_batch(rows, community=community):
        _stage_steps(estate, [StepStatus.PENDING])
    for category in ChecklistCategory.values:
        CommunityChecklistItemFactory(community=community, category=category)
    MeetingFactory(council=CouncilFactory(community=community))
    with django_assert_max_num_queries(COMMUNITY_QUERIES):
        client.get(f"/en/communities/{community.slug}/")


# ---------------------------------------------------------------------------
# /courtyards/<slug>/
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_courtyard_page_shows_its_estates_and_facilities(client, prefix):
    courtyard = MergedCourtyardFactory(
        name_zh_hans="测试合院", description_zh_hans="测试合院的说明"
    )
    EstateFactory(name_zh_hans="九大院", courtyard=courtyard)
    FacilityFactory(name_zh_hans="测试邻里中心", courtyard=courtyard)
    response = client.get(f"{prefix}/courtyards/{courtyard.slug}/")
    assert response.status_code == HTTPStatus.OK
    text = _text(response)
    for expected in ["测试合院", "测试合院的说明", "九大院", "测试邻里中心"]:
        assert expected in text


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_courtyard_page_for_an_unknown_slug_is_not_found(client, prefix):
    response = client.get(f"{prefix}/courtyards/no-such-courtyard/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_courtyard_page_shows_unknown_figures_as_not_disclosed(client):
    courtyard = MergedCourtyardFactory(roads_opened=15, walls_removed_m=None)
    text = _text(client.get(f"/en/courtyards/{courtyard.slug}/"))
    assert "<dt>Internal roads opened</dt><dd>15</dd>" in text
    assert (
        '<dt>Walls removed</dt><dd><span class="undisclosed">not disclosed</span>'
        in text
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_courtyard_page_queries_do_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    courtyard = MergedCourtyardFactory()
    EstateFactory.create_batch(rows, courtyard=courtyard)
    FacilityFactory.create_batch(rows, courtyard=courtyard)
    with django_assert_max_num_queries(COURTYARD_QUERIES):
        client.get(f"/en/courtyards/{courtyard.slug}/")
