"""``/api/v1/map/points/``: compounds in a box, clustered on a grid when many."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from estates.models import Estate
from estates.selectors import map as map_selectors
from estates.selectors.map import Box
from renovation_portal.geo import wgs84_to_gcj02
from tests.estates.factories import (
    CommunityFactory,
    EstateFactory,
    ProgrammeMembershipFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/map/points/"
BOX = "113.0,35.0,115.0,37.0"
MAX_QUERIES = 3


def located(lat, lng, **kwargs):
    return EstateFactory(
        latitude=Decimal(str(lat)), longitude=Decimal(str(lng)), **kwargs
    )


def many(count, *, lat=36.0, lng=114.0, step=0.001, **kwargs):
    """Compounds in a row, without their search keys (not needed here)."""
    community = CommunityFactory()
    Estate.objects.bulk_create(
        Estate(
            name_zh_hans=f"测试小区批量{n}",
            slug=f"test-bulk-{n}",
            community=community,
            latitude=Decimal(f"{lat + n * step:.6f}"),
            longitude=Decimal(f"{lng + n * step:.6f}"),
            **kwargs,
        )
        for n in range(count)
    )


def points(client, **params):
    return client.get(URL, {"bbox": BOX, "zoom": 12, **params})


def test_map_points_sends_few_compounds_one_by_one(client):
    estate = located(36.1, 114.2, name_en="Test Compound", stage="construction")
    response = points(client, lang="en")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "type": "FeatureCollection",
        "crs": "wgs84",
        "clustered": False,
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [114.2, 36.1]},
                "properties": {
                    "kind": "compound",
                    "slug": estate.slug,
                    "name": "Test Compound",
                    "stage": "construction",
                    "stage_label": "construction",
                    "url": f"http://testserver/en/estates/{estate.slug}/",
                },
            }
        ],
    }


def test_map_points_names_compounds_in_chinese_by_default(client):
    estate = located(36.1, 114.2, stage="management")
    props = points(client).json()["features"][0]["properties"]
    assert props["name"] == estate.name_zh_hans
    assert props["stage_label"] == "长效管理"
    assert props["url"] == f"http://testserver/estates/{estate.slug}/"


def test_map_points_leaves_out_compounds_outside_the_box_or_without_coordinates(
    client,
):
    inside = located(36.0, 114.0)
    located(40.0, 116.0)
    EstateFactory()
    slugs = [f["properties"]["slug"] for f in points(client).json()["features"]]
    assert slugs == [inside.slug]


def test_map_points_filters_by_stage(client):
    located(36.0, 114.0, stage="construction")
    kept = located(36.1, 114.1, stage="acceptance")
    features = points(client, stage="acceptance").json()["features"]
    assert [f["properties"]["slug"] for f in features] == [kept.slug]


def test_map_points_filters_by_programme(client):
    located(36.0, 114.0)
    member = ProgrammeMembershipFactory(estate=located(36.1, 114.1))
    features = points(client, programme=member.programme.slug).json()["features"]
    assert [f["properties"]["slug"] for f in features] == [member.estate.slug]


def test_map_points_unknown_programme_matches_nothing(client):
    located(36.0, 114.0)
    assert points(client, programme="no-such-programme").json()["features"] == []


def test_map_points_clusters_on_a_grid_when_many(client, monkeypatch):
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 10)
    many(30, stage="construction")
    answer = points(client, zoom=5).json()
    assert answer["clustered"] is True
    clusters = [f for f in answer["features"] if f["properties"]["kind"] == "cluster"]
    assert sum(c["properties"]["count"] for c in clusters) == 30
    assert clusters[0]["properties"]["by_stage"] == {"construction": 30}


def test_map_points_sends_a_lone_compound_of_a_cell_as_itself(client, monkeypatch):
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 10)
    many(30)
    far = located(35.2, 113.2)
    answer = points(client, zoom=8).json()
    compounds = [f for f in answer["features"] if f["properties"]["kind"] == "compound"]
    assert [f["properties"]["slug"] for f in compounds] == [far.slug]


def test_map_points_never_has_more_than_forty_cells_a_side(client, monkeypatch):
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 10)
    # Spread over the whole box, asked for at the deepest zoom.
    many(200, lat=35.0, lng=113.0, step=0.01)
    answer = points(client, zoom=20).json()
    assert answer["clustered"] is True
    assert len(answer["features"]) <= 41 * 41


@pytest.mark.parametrize("rows", [1, 50])
def test_map_points_queries_are_constant(
    client, django_assert_max_num_queries, monkeypatch, rows
):
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 10)
    many(rows)
    located(35.5, 113.5)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert points(client, zoom=9).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(MAX_QUERIES):
        assert points(client, zoom=9, programme="x").status_code == HTTPStatus.OK


def test_map_points_answers_in_gcj02_when_asked(client):
    located(36.1, 114.2)
    lat, lng = wgs84_to_gcj02(36.1, 114.2)
    answer = points(client, crs="gcj02").json()
    assert answer["crs"] == "gcj02"
    assert answer["features"][0]["geometry"]["coordinates"] == [
        round(lng, 6),
        round(lat, 6),
    ]


def test_map_points_reads_a_gcj02_box_in_gcj02(client):
    estate = located(36.1, 114.2)
    lat, lng = wgs84_to_gcj02(36.1, 114.2)
    # A box around the shifted point that misses the stored one by metres.
    box = f"{lng - 0.0005:.6f},{lat - 0.0005:.6f},{lng + 0.0005:.6f},{lat + 0.0005:.6f}"
    features = points(client, bbox=box, crs="gcj02").json()["features"]
    assert [f["properties"]["slug"] for f in features] == [estate.slug]
    assert points(client, bbox=box).json()["features"] == []


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"bbox": "113,35,115"}, "bbox"),
        ({"bbox": "113,91,115,92"}, "bbox"),
        ({"bbox": "115,35,113,37"}, "bbox"),
        ({"bbox": "113,37,115,35"}, "bbox"),
        ({"bbox": " 113,35,115,37"}, "bbox"),
        ({"zoom": "21"}, "zoom"),
        ({"zoom": "1.5"}, "zoom"),
        ({"stage": "done"}, "stage"),
        ({"programme": "not a slug"}, "programme"),
        ({"crs": "bd09"}, "crs"),
    ],
)
def test_map_points_rejects_a_bad_parameter_naming_it(client, params, name):
    response = points(client, **params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert name in response.json()["errors"]


def test_map_points_requires_box_and_zoom(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["errors"]) == {"bbox", "zoom"}


def test_map_points_rejects_unknown_parameters(client):
    assert points(client, near="me").status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "west,south,east,north"), ("zh-hans", "西,南,东,北")],
)
def test_map_points_box_error_is_in_the_request_language(client, language, text):
    response = points(client, bbox="x", lang=language)
    assert text in response.json()["errors"]["bbox"][0]


@pytest.mark.parametrize(
    ("box", "zoom", "expected"),
    [
        (Box(113.0, 35.0, 115.0, 37.0), 9, 9),
        (Box(113.0, 35.0, 115.0, 37.0), 12, 10),
        (Box(73.0, 18.0, 135.0, 54.0), 4, 4),
        (Box(73.0, 18.0, 135.0, 54.0), 20, 5),
        (Box(-180.0, -90.0, 180.0, 90.0), 20, 3),
    ],
)
def test_grid_zoom_keeps_at_most_forty_cells_a_side(box, zoom, expected):
    assert map_selectors.grid_zoom(box, zoom) == expected


def test_kept_and_counted_grids_agree(monkeypatch):
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 10)
    many(60, step=0.013, stage="construction")
    box = Box(113.0, 35.0, 115.0, 37.0)
    kept = map_selectors.map_points(box, 8)
    monkeypatch.setattr(map_selectors, "KEPT_GRID_MAX_ZOOM", -1)
    counted = map_selectors.map_points(box, 8)
    assert kept == counted
    assert sum(c.count for c in kept.clusters) + len(kept.compounds) == 60


def test_map_points_filters_by_community(client):
    located(36.0, 114.0)
    kept = located(36.1, 114.1)
    features = points(client, community=kept.community.slug).json()["features"]
    assert [f["properties"]["slug"] for f in features] == [kept.slug]


def test_national_view_after_a_change_is_answered_from_the_kept_grid(
    client, settings, monkeypatch
):
    # As with REDIS_URL (here in local memory): the coarse grid is kept, and
    # after a change a job counts it again while the old one is served.
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 10)
    queued = []
    monkeypatch.setattr(
        "estates.tasks.refresh_map_grid.delay_quietly",
        lambda *args: queued.append(args),
    )
    many(60, step=0.013)
    national = {"bbox": "73,18,135,54", "zoom": 4}

    def total(answer):
        return sum(f["properties"].get("count", 1) for f in answer.json()["features"])

    assert total(client.get(URL, national)) == 60  # the first count ever
    located(36.2, 114.2)
    with CaptureQueriesContext(connection) as captured:
        stale = client.get(URL, national)
    # Served at once from the grid of before, without counting every row.
    assert total(stale) == 60
    assert not [q for q in captured if "GROUP BY" in q["sql"]]
    assert queued == [(4, None, None, None)]
    # Queued once, however many views find it stale meanwhile.
    client.get(URL, national)
    assert len(queued) == 1
    # The job counts it again; the next view shows the new compound.
    map_selectors.refresh_kept_grid(*queued[0])
    assert total(client.get(URL, national)) == 61
