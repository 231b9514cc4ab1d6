"""The offline map: an SVG plan from coordinates, honest about the missing ones."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from estates import selectors
from estates.models import Estate
from estates.selectors import Located
from renovation_portal.templatetags.portal import MAP_WIDTH, place_map
from tests.estates.factories import EstateFactory, FacilityFactory
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db


def located_estate(lat: str, lng: str, **kwargs) -> Estate:
    return EstateFactory(latitude=Decimal(lat), longitude=Decimal(lng), **kwargs)


def plan(*estates: Estate) -> dict:
    return place_map([("estate", Located(list(estates), more=False, unlocated=0))])


def test_map_says_how_many_compounds_have_no_coordinates(client):
    EstateFactory.create_batch(2)
    text = client.get("/en/").text
    assert "2 compounds have no coordinates yet." in text


def test_map_without_any_coordinates_draws_no_plan(client):
    EstateFactory()
    text = client.get("/en/").text
    assert '<svg class="map"' not in text
    assert "No place has known coordinates yet, so no plan can be drawn." in text


def test_map_says_which_facilities_and_lanes_have_no_coordinates(client):
    FacilityFactory()
    LaneFactory.create_batch(3)
    text = client.get("/en/").text
    assert "1 facility has no coordinates yet." in text
    assert "3 lanes have no coordinates yet." in text


def test_map_counts_only_the_places_without_coordinates(client):
    located_estate("35.75", "114.30")
    EstateFactory()
    text = client.get("/en/").text
    assert "1 compound has no coordinates yet." in text


def test_map_draws_a_point_for_each_place_with_coordinates(client):
    located_estate("35.75", "114.30", name_zh_hans="测试甲")
    located_estate("35.76", "114.31", name_zh_hans="测试乙")
    FacilityFactory(latitude=Decimal("35.755"), longitude=Decimal("114.305"))
    LaneFactory(latitude=Decimal("35.74"), longitude=Decimal("114.32"))
    text = client.get("/").text
    svg = text[
        text.index('<svg class="map"') : text.index(
            "</svg>", text.index('<svg class="map"')
        )
    ]
    assert svg.count("<circle") == 2
    # A facility's square and a lane's diamond, and the area's outline.
    assert svg.count("<polygon") == 3
    assert svg.count('<polygon class="map-outline"') == 1
    assert ">测试甲</text>" in svg
    assert "no coordinates yet" not in text


def test_map_lists_the_same_places_with_links(client):
    estate = located_estate("35.75", "114.30", name_en="Test Court")
    text = client.get("/en/").text
    places = text[text.index('<details class="map-places">') :]
    assert f'<a href="/en/estates/{estate.slug}/">Test Court</a>' in places


def test_map_has_an_accessible_title_and_description(client):
    located_estate("35.75", "114.30")
    text = client.get("/en/").text
    assert 'role="img" aria-labelledby="home-map-title home-map-desc"' in text
    assert '<title id="home-map-title">' in text
    assert '<desc id="home-map-desc">' in text


def test_map_marks_a_chinese_name_on_an_english_page(client):
    located_estate("35.75", "114.30", name_zh_hans="测试丙", name_en="")
    assert 'lang="zh-Hans">测试丙</text>' in client.get("/en/").text


def test_map_puts_east_to_the_right_and_north_at_the_top():
    west = located_estate("35.75", "114.30")
    east = located_estate("35.75", "114.32")
    north = located_estate("35.77", "114.31")
    points = {p["obj"].pk: p for p in plan(west, east, north)["points"]}
    assert points[west.pk]["x"] < points[east.pk]["x"]
    assert points[north.pk]["y"] < points[west.pk]["y"]
    assert points[west.pk]["y"] == points[east.pk]["y"]


def test_map_keeps_distances_equal_in_both_directions():
    # At 60° north a degree of longitude is half as long as one of latitude.
    origin = located_estate("60.000", "10.000")
    east = located_estate("60.000", "10.020")
    north = located_estate("60.010", "10.000")
    points = {p["obj"].pk: p for p in plan(origin, east, north)["points"]}
    across = points[east.pk]["x"] - points[origin.pk]["x"]
    up = points[origin.pk]["y"] - points[north.pk]["y"]
    assert across == pytest.approx(up, rel=0.01)


def test_map_keeps_every_point_inside_the_plan():
    estates = [located_estate(f"35.7{i}", f"114.{30 + 3 * i}") for i in range(6)]
    drawn = plan(*estates)
    for point in drawn["points"]:
        assert 0 < point["x"] < MAP_WIDTH
        assert 0 < point["y"] < drawn["height"]


def test_map_of_one_place_puts_it_in_the_middle():
    drawn = plan(located_estate("35.75", "114.30"))
    assert drawn["points"][0]["x"] == MAP_WIDTH / 2
    assert drawn["points"][0]["y"] == drawn["height"] / 2


def test_map_scale_bar_matches_the_plan():
    # 0.01° of latitude is about 1,113 m.
    south = located_estate("35.740", "114.30")
    north = located_estate("35.750", "114.30")
    drawn = plan(south, north)
    points = {p["obj"].pk: p for p in drawn["points"]}
    pixels_per_metre = (points[south.pk]["y"] - points[north.pk]["y"]) / 1113.2
    length = drawn["scale"]["x2"] - 16
    assert length == pytest.approx(
        drawn["scale"]["metres"] * pixels_per_metre, rel=0.01
    )


def test_map_says_when_it_leaves_places_out(client, monkeypatch):
    monkeypatch.setattr(selectors.overview, "MAP_PLACES_LIMIT", 2)
    for i in range(3):
        located_estate("35.75", f"114.3{i}")
    text = client.get("/en/").text
    assert "The plan shows the first 2 places only." in text


def test_map_is_an_inclusion_tag_any_page_can_use(english):
    estate = located_estate("35.75", "114.30", name_zh_hans="测试丁")
    layers = [("estate", Located([estate], more=False, unlocated=4))]
    html = Template("{% load portal %}{% place_map layers 'demo' %}").render(
        Context({"layers": layers})
    )
    assert 'aria-labelledby="demo-title demo-desc"' in html
    assert 'lang="zh-Hans">测试丁</text>' in html
    assert "4 compounds have no coordinates yet." in html


@pytest.fixture
def kept_generation(settings):
    """Figures kept per generation, as with REDIS_URL (here in local memory)."""
    settings.REDIS_URL = "redis://127.0.0.1:9/0"


def test_home_map_is_drawn_once_per_change(
    client, kept_generation, django_assert_max_num_queries
):
    located_estate("35.70", "114.30", name_zh_hans="测试甲", name_en="Test A")
    client.get("/en/")
    with django_assert_max_num_queries(99) as captured:
        text = client.get("/en/").text

    assert "Test A" in text
    located = '"estates_estate"."latitude" IS NOT NULL'
    assert not any(located in query["sql"] for query in captured)


def test_home_map_shows_an_edit_at_once(client, kept_generation):
    located_estate("35.70", "114.30", name_zh_hans="测试甲", name_en="Test A")
    client.get("/en/")
    located_estate("35.71", "114.31", name_zh_hans="测试乙", name_en="Test B")

    assert "Test B" in client.get("/en/").text


def test_home_map_is_kept_per_language(client, kept_generation):
    located_estate("35.70", "114.30", name_zh_hans="测试甲", name_en="Test A")
    client.get("/en/")

    text = client.get("/").text

    assert ">测试甲</text>" in text
    assert "Test A" not in text


# --- Legible on a phone, the area outlined, and said to be a diagram ---


def test_plan_says_it_is_a_diagram_not_a_map(client):
    located_estate("35.75", "114.30")
    text = client.get("/en/").text
    assert "Diagram of the places with known coordinates (not a map)" in text
    assert "A diagram, not a map" in text


def test_plan_outlines_the_area_its_places_cover():
    corners = [
        located_estate("35.70", "114.30"),
        located_estate("35.70", "114.40"),
        located_estate("35.80", "114.35"),
    ]
    inside = located_estate("35.73", "114.35")
    drawn = plan(*corners, inside)
    hull = [tuple(map(float, pair.split(","))) for pair in drawn["outline"].split()]
    by_pk = {p["obj"].pk: (p["x"], p["y"]) for p in drawn["points"]}
    assert sorted(hull) == sorted(by_pk[e.pk] for e in corners)
    assert by_pk[inside.pk] not in hull


def test_plan_of_two_places_draws_no_outline():
    drawn = plan(located_estate("35.70", "114.30"), located_estate("35.71", "114.31"))
    assert drawn["outline"] == ""


def test_plan_leaves_off_labels_that_would_overlap(client):
    # Two compounds a few metres apart: one name drawn, both in the list.
    located_estate("35.7500", "114.3000", name_zh_hans="测试近甲")
    located_estate("35.7501", "114.3001", name_zh_hans="测试近乙")
    located_estate("35.7600", "114.3200", name_zh_hans="测试远丙")
    text = client.get("/").text
    start = text.index('<svg class="map"')
    svg = text[start : text.index("</svg>", start)]
    drawn = [name for name in ("测试近甲", "测试近乙") if f">{name}</text>" in svg]
    assert len(drawn) == 1
    assert ">测试远丙</text>" in svg
    assert "测试近甲</a>" in text and "测试近乙</a>" in text
    assert "会重叠的名称未标出" in text
