"""``/api/v1/map/places/``: facilities, lanes and merged courtyards in a box,
and the staff-drawn lines and areas they are drawn with (issue 19)."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from estates.models import Facility, FacilityKind
from renovation_portal.geo import wgs84_to_gcj02
from renovation_portal.geojson import validate_line_string, validate_polygon
from sitewide.api.map_places import PLACES_LIMIT
from tests.estates.factories import (
    EstateFactory,
    FacilityFactory,
    MergedCourtyardFactory,
    SubdistrictFactory,
)
from tests.lanes.factories import LaneFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/map/places/"
BOX = "114.0,36.0,114.2,36.2"
PATH = {"type": "LineString", "coordinates": [[114.10, 36.10], [114.11, 36.11]]}
OUTLINE = {
    "type": "Polygon",
    "coordinates": [
        [[114.10, 36.10], [114.12, 36.10], [114.12, 36.12], [114.10, 36.10]]
    ],
}


def places(client, **params):
    response = client.get(URL, {"bbox": BOX, "lang": "en", **params})
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def by_kind(answer, kind):
    return [f for f in answer["features"] if f["properties"]["kind"] == kind]


def test_facility_with_coordinates_is_a_point_linking_to_its_compound(client):
    estate = EstateFactory(slug="test-home")
    FacilityFactory(
        name_en="Test Canteen",
        kind=FacilityKind.choices[0][0],
        estate=estate,
        latitude=Decimal("36.1"),
        longitude=Decimal("114.1"),
    )
    FacilityFactory(name_en="Test Unlocated")  # no coordinates: not on the map
    FacilityFactory(latitude=Decimal("40"), longitude=Decimal("116"))  # elsewhere
    [feature] = by_kind(places(client), "facility")
    assert feature["geometry"] == {"type": "Point", "coordinates": [114.1, 36.1]}
    assert feature["properties"]["name"] == "Test Canteen"
    assert feature["properties"]["type_label"] == str(FacilityKind.choices[0][1])
    assert feature["properties"]["url"].endswith("/estates/test-home/")


def test_lane_is_a_line_where_drawn_and_a_point_otherwise(client):
    LaneFactory(name_en="Test Drawn Lane", path=PATH)
    LaneFactory(
        name_en="Test Pinned Lane",
        latitude=Decimal("36.15"),
        longitude=Decimal("114.15"),
    )
    LaneFactory(name_en="Test Unplaced Lane")
    lanes = {
        f["properties"]["name"]: f["geometry"] for f in by_kind(places(client), "lane")
    }
    assert lanes == {
        "Test Drawn Lane": PATH,
        "Test Pinned Lane": {"type": "Point", "coordinates": [114.15, 36.15]},
    }


def test_courtyard_is_drawn_only_where_staff_drew_its_outline(client):
    MergedCourtyardFactory(name_en="Test Drawn Yard", outline=OUTLINE)
    MergedCourtyardFactory(name_en="Test Undrawn Yard")
    [feature] = by_kind(places(client), "courtyard")
    assert feature["properties"]["name"] == "Test Drawn Yard"
    assert feature["geometry"] == OUTLINE


def test_places_in_gcj02_are_shifted_like_the_tiles(client):
    LaneFactory(path=PATH)
    answer = places(client, crs="gcj02", bbox="113.9,35.9,114.3,36.3")
    [lane] = by_kind(answer, "lane")
    lat, lng = wgs84_to_gcj02(36.10, 114.10)
    assert lane["geometry"]["coordinates"][0] == [round(lng, 6), round(lat, 6)]
    assert answer["crs"] == "gcj02"


def test_places_are_capped_per_kind_in_constant_queries(
    client, django_assert_max_num_queries
):
    subdistrict = SubdistrictFactory()
    Facility.objects.bulk_create(
        Facility(
            name_zh_hans=f"测试设施{n}",
            slug=f"test-facility-{n}",
            kind=FacilityKind.choices[0][0],
            subdistrict=subdistrict,
            latitude=Decimal("36.1"),
            longitude=Decimal(f"{114 + n / 10000:.6f}"),
        )
        for n in range(PLACES_LIMIT + 5)
    )
    LaneFactory(path=PATH)
    MergedCourtyardFactory(outline=OUTLINE)
    with django_assert_max_num_queries(3):
        answer = places(client)
    assert answer["truncated"] is True
    assert len(by_kind(answer, "facility")) == PLACES_LIMIT


@pytest.mark.parametrize(
    ("bbox", "message_part"),
    [("north", "west,south,east,north"), ("114.2,36,114,36.2", "west edge")],
)
def test_a_bad_box_is_refused_with_a_reason(client, bbox, message_part):
    response = client.get(URL, {"bbox": bbox, "lang": "en"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message_part in str(response.json())


@pytest.mark.parametrize(
    ("value", "validator", "code"),
    [
        ({"type": "Point", "coordinates": [114, 36]}, validate_line_string, "type"),
        (
            {"type": "LineString", "coordinates": [[114, 36]]},
            validate_line_string,
            "short",
        ),
        (
            {"type": "LineString", "coordinates": [[36.1, 114.1], [36.2, 114.2]]},
            validate_line_string,
            "range",
        ),
        (
            {"type": "LineString", "coordinates": [[114.1, 36.1], [116.4, 39.9]]},
            validate_line_string,
            "extent",
        ),
        (
            {"type": "LineString", "coordinates": [["114", "36"], [114, 36]]},
            validate_line_string,
            "position",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[114, 36], [114.01, 36], [114, 36.01]]],
            },
            validate_polygon,
            "short",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[114, 36], [114.01, 36], [114, 36.01], [114, 36.02]]],
            },
            validate_polygon,
            "open",
        ),
        (
            {
                "type": "LineString",
                "coordinates": [[114 + n / 100000, 36] for n in range(501)],
            },
            validate_line_string,
            "size",
        ),
    ],
)
def test_drawn_geometry_is_checked(value, validator, code):
    with pytest.raises(ValidationError) as error:
        validator(value)
    assert error.value.code == code


def test_staff_enter_a_path_in_the_admin(admin_client):
    lane = LaneFactory()
    response = admin_client.get(f"/admin/lanes/lane/{lane.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    assert 'name="path"' in response.content.decode()


def test_a_swapped_path_is_refused_in_the_clerks_language():
    lane = LaneFactory.build(
        path={"type": "LineString", "coordinates": [[36.1, 114.1], [36.2, 114.2]]}
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        lane.full_clean(exclude=["subdistrict", "slug"])
    [message] = error.value.message_dict["path"]
    assert "经度" in message


def test_a_drawn_courtyard_is_filed_where_its_outline_is():
    yard = MergedCourtyardFactory(outline=OUTLINE)
    assert (float(yard.latitude), float(yard.longitude)) == pytest.approx(
        (36.106667, 114.113333), abs=1e-6
    )
    yard.outline = None
    yard.save()
    assert yard.latitude is None
