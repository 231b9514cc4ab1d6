"""WGS-84 <-> GCJ-02 (renovation_portal.geo), against published points (issue 19)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renovation_portal.geo import distance_m, gcj02_to_wgs84, in_china, wgs84_to_gcj02

# A pair published with the widely used coordTransform library (its test
# output): WGS-84 116.404 E, 39.915 N (Tiananmen) and its GCJ-02 image.
WGS = (39.915, 116.404)
GCJ = (39.91640428150164, 116.41024449916938)
# The same library's GCJ-02 -> WGS-84 of 116.404 E, 39.915 N, made with one
# step of approximation (so only within a few metres of the exact inverse).
GCJ_AS_GIVEN = (39.915, 116.404)
WGS_ONE_STEP = (39.91359571849836, 116.39775550083061)

china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lng = st.floats(min_value=74.0, max_value=135.0)


def test_wgs84_to_gcj02_matches_published_point_within_a_metre():
    lat, lng = wgs84_to_gcj02(*WGS)
    assert distance_m(lat, lng, *GCJ) < 1.0


def test_gcj02_to_wgs84_matches_published_point_within_a_metre():
    lat, lng = gcj02_to_wgs84(*GCJ)
    assert distance_m(lat, lng, *WGS) < 1.0


def test_gcj02_to_wgs84_is_within_metres_of_the_one_step_approximation():
    lat, lng = gcj02_to_wgs84(*GCJ_AS_GIVEN)
    assert distance_m(lat, lng, *WGS_ONE_STEP) < 3.0


def test_the_shift_in_beijing_is_a_few_hundred_metres():
    assert 300 < distance_m(*WGS, *wgs84_to_gcj02(*WGS)) < 800


@pytest.mark.parametrize(
    "point",
    [
        (51.5007, -0.1246),
        (40.6892, -74.0445),
        (-33.8568, 151.2153),
        (35.6812, 139.7671),
    ],
    ids=["london", "new-york", "sydney", "tokyo"],
)
def test_outside_china_there_is_no_offset(point):
    assert not in_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


@given(china_lat, china_lng)
def test_gcj02_round_trip_returns_the_point_within_a_millionth_of_a_degree(lat, lng):
    back_lat, back_lng = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert abs(back_lat - lat) < 1e-6
    assert abs(back_lng - lng) < 1e-6


@given(china_lat, china_lng)
def test_reverse_then_forward_returns_the_gcj02_point(lat, lng):
    again = wgs84_to_gcj02(*gcj02_to_wgs84(lat, lng))
    assert abs(again[0] - lat) < 1e-6
    assert abs(again[1] - lng) < 1e-6


@given(china_lat, china_lng)
def test_the_shift_inside_china_is_under_a_kilometre(lat, lng):
    assert distance_m(lat, lng, *wgs84_to_gcj02(lat, lng)) < 1000
