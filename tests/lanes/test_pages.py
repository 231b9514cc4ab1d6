"""The themed lane pages: the list and one lane, in both languages."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from estates.models import Stage
from tests.estates.factories import EstateFactory
from tests.lanes.factories import (
    EventFactory,
    LaneFactory,
    LaneFeatureFactory,
    LaneHonourFactory,
    LaneTenantFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


# --- The list ---


def test_lane_list_answers_in_chinese(client):
    LaneFactory(name_zh_hans="海棠书巷")
    response = client.get("/lanes/")
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="zh-Hans">' in response.text
    assert "海棠书巷" in response.text


def test_lane_list_answers_in_english(client):
    LaneFactory(name_zh_hans="海棠书巷", name_en="Haitang Book Lane")
    response = client.get("/en/lanes/")
    assert response.status_code == HTTPStatus.OK
    assert "Haitang Book Lane" in response.text
    assert "<h1>Themed lanes</h1>" in response.text


def test_lane_list_links_each_lane(client):
    lane = LaneFactory()
    response = client.get("/en/lanes/")
    assert f'href="/en/lanes/{lane.slug}/"' in response.text


def test_lane_list_shows_theme_motto_and_honours(client):
    lane = LaneFactory(theme_zh_hans="以书为媒", motto_zh_hans="海棠花开")
    LaneHonourFactory(lane=lane, title_zh_hans="最美街巷")
    response = client.get("/lanes/")
    assert "以书为媒" in response.text
    assert "<q>海棠花开</q>" in response.text
    assert "最美街巷" in response.text


def test_lane_list_marks_untranslated_names_on_english_pages(client):
    LaneFactory(name_zh_hans="海棠书巷", name_en="")
    response = client.get("/en/lanes/")
    assert '<span lang="zh-Hans">海棠书巷</span>' in response.text


def test_lane_list_with_no_lanes_says_so(client):
    response = client.get("/en/lanes/")
    assert "No themed lanes have been recorded yet." in response.text


def test_lane_list_shows_twenty_lanes_a_page(client):
    for n in range(21):
        LaneFactory(name_zh_hans=f"测试分页小巷{n:02d}")
    first = client.get("/en/lanes/")
    assert "测试分页小巷19" in first.text
    assert "测试分页小巷20" not in first.text
    assert "Page 1 of 2" in first.text
    assert "测试分页小巷20" in client.get("/en/lanes/?page=2").text


@pytest.mark.parametrize("rows", [1, 50])
def test_lane_list_queries_stay_constant(client, rows, django_assert_max_num_queries):
    for lane in LaneFactory.create_batch(rows):
        LaneHonourFactory(lane=lane)
    # Counted up to 50 pages, one page of lanes, their honours.
    with django_assert_max_num_queries(3):
        response = client.get("/lanes/")
    assert response.status_code == HTTPStatus.OK


# --- One lane ---


def test_lane_page_answers_in_chinese(client):
    lane = LaneFactory(name_zh_hans="海棠书巷")
    response = client.get(f"/lanes/{lane.slug}/")
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="zh-Hans">' in response.text
    assert "<h1>海棠书巷</h1>" in response.text


def test_lane_page_answers_in_english(client):
    lane = LaneFactory(name_zh_hans="海棠书巷", name_en="Haitang Book Lane")
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Haitang Book Lane</h1>" in response.text


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_unknown_lane_is_not_found(client, prefix):
    response = client.get(f"{prefix}/lanes/no-such-lane/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_lane_page_shows_description_and_landmark(client):
    lane = LaneFactory(
        description_zh_hans="测试小巷说明",
        landmark_zh_hans="桃源小学",
        landmark_en="Taoyuan Primary School",
    )
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "Next to Taoyuan Primary School" in response.text
    assert "测试小巷说明" in response.text


def test_lane_page_shows_occupancy(client):
    lane = LaneFactory(occupancy_percent=Decimal("95.0"))
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "<dd>95 %</dd>" in response.text


def test_lane_page_says_occupancy_not_disclosed_when_unknown(client):
    lane = LaneFactory(occupancy_percent=None)
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert (
        '<dt>Shop occupancy</dt><dd><span class="undisclosed">not disclosed</span>'
        in response.text
    )


def test_lane_page_lists_features_with_their_quantity(client):
    lane = LaneFactory()
    LaneFeatureFactory(lane=lane, name_zh_hans="小木屋", quantity=6)
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "小木屋" in response.text
    assert "<dt>Quantity</dt><dd>6</dd>" in response.text


def test_lane_page_shows_feature_length(client):
    lane = LaneFactory()
    LaneFeatureFactory(lane=lane, length_m=Decimal("120.0"))
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "<dt>Length</dt><dd>120 m</dd>" in response.text


def test_lane_page_says_feature_measures_not_disclosed(client):
    lane = LaneFactory()
    LaneFeatureFactory(lane=lane, name_zh_hans="仿古文化墙")
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert (
        '<dt>Quantity and length</dt><dd><span class="undisclosed">not disclosed'
        in response.text
    )


def test_lane_page_marks_zero_rent_tenants(client):
    lane = LaneFactory()
    LaneTenantFactory(lane=lane, name_zh_hans="樊登书屋", zero_rent=True)
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "樊登书屋" in response.text
    assert '<span class="badge">zero rent</span>' in response.text


def test_lane_page_does_not_mark_paying_tenants(client):
    lane = LaneFactory()
    LaneTenantFactory(lane=lane, zero_rent=False)
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "zero rent" not in response.text


def test_lane_page_lists_honours(client):
    lane = LaneFactory()
    LaneHonourFactory(lane=lane, title_zh_hans="最美街巷", year=2023)
    response = client.get(f"/lanes/{lane.slug}/")
    assert "最美街巷 · 2023" in response.text


def test_lane_page_lists_the_estates_beside_it(client):
    estate = EstateFactory(name_zh_hans="九大院", stage=Stage.CONSTRUCTION)
    lane = LaneFactory(estates=[estate])
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert f'href="/en/estates/{estate.slug}/"' in response.text
    assert "· Construction</li>" in response.text


def test_lane_page_says_when_no_estates_are_recorded_beside_it(client):
    lane = LaneFactory()
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "no source names the compounds beside this lane" in response.text


def test_lane_page_shows_upcoming_events_at_the_lane(client, today):
    lane = LaneFactory()
    EventFactory(lane=lane, title_zh_hans="换书大集")
    response = client.get(f"/lanes/{lane.slug}/")
    assert "换书大集" in response.text
    assert '<time datetime="2026-11-28">' in response.text


def test_lane_page_leaves_out_events_elsewhere_and_past_ones(client, today):
    lane = LaneFactory()
    EventFactory(lane=LaneFactory(), title_zh_hans="别处活动")
    EventFactory(
        lane=lane,
        title_zh_hans="已结束活动",
        recurrence="once",
        weekday=None,
        starts_on=datetime.date(2025, 1, 1),
    )
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "别处活动" not in response.text
    assert "已结束活动" not in response.text
    assert "No upcoming events at this lane." in response.text


def test_lane_page_says_sections_are_empty_when_they_are(client):
    lane = LaneFactory()
    response = client.get(f"/en/lanes/{lane.slug}/")
    assert "No features have been recorded for this lane yet." in response.text
    assert "No tenants have been recorded for this lane yet." in response.text
    assert "No honours have been recorded for this lane yet." in response.text


@pytest.mark.parametrize("rows", [1, 50])
def test_lane_page_queries_stay_constant(
    client, today, rows, django_assert_max_num_queries
):
    lane = LaneFactory(estates=EstateFactory.create_batch(rows))
    LaneFeatureFactory.create_batch(rows, lane=lane)
    LaneTenantFactory.create_batch(rows, lane=lane)
    LaneHonourFactory.create_batch(rows, lane=lane)
    EventFactory.create_batch(rows, lane=lane)
    with django_assert_max_num_queries(6):
        response = client.get(f"/lanes/{lane.slug}/")
    assert response.status_code == HTTPStatus.OK
