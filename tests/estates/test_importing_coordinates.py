"""The register's coordinates in WGS-84 or GCJ-02, stored as WGS-84 (issue 19)."""

from decimal import Decimal

import pytest
from django.utils import translation

from estates.models import Estate
from renovation_portal.geo import distance_m, wgs84_to_gcj02
from tests.estates.factories import CommunityFactory
from tests.estates.test_importing import csv_bytes, estate_importer

pytestmark = pytest.mark.django_db

HEADERS = ["小区名称", "所属社区", "纬度", "经度", "坐标系"]
NAME, COMMUNITY = "测试坐标小区", "测试东社区"


@pytest.fixture
def community():
    return CommunityFactory(name_zh_hans="测试东社区")


def imported(*row):
    estate_importer().apply(
        csv_bytes([HEADERS, ["测试坐标小区", "测试东社区", *row]]), "r.csv"
    )
    return Estate.objects.get(name_zh_hans="测试坐标小区")


@pytest.mark.parametrize("system", ["", "WGS-84", "GPS", "CGCS2000"])
def test_wgs84_coordinates_are_stored_as_given(community, system):
    estate = imported("35.75", "114.3", system)
    assert (estate.latitude, estate.longitude) == (Decimal("35.75"), Decimal("114.3"))


@pytest.mark.parametrize("system", ["GCJ-02", "gcj02", "火星坐标", "高德"])
def test_gcj02_coordinates_are_stored_as_wgs84(community, system):
    lat, lng = wgs84_to_gcj02(35.75, 114.3)
    estate = imported(f"{lat:.6f}", f"{lng:.6f}", system)
    assert (
        distance_m(float(estate.latitude), float(estate.longitude), 35.75, 114.3) < 0.2
    )


def test_an_unknown_coordinate_system_rejects_the_row(community):
    data = csv_bytes([HEADERS, [NAME, COMMUNITY, "35.75", "114.3", "BD-09"]])
    with translation.override("en"):
        preview = estate_importer().preview(data, "r.csv")
    assert not preview.can_apply
    assert "is not a coordinate system" in " ".join(preview.rows[0].reasons)


def test_gcj02_with_one_coordinate_rejects_the_row(community):
    data = csv_bytes([HEADERS, [NAME, COMMUNITY, "35.75", "", "GCJ-02"]])
    preview = estate_importer().preview(data, "r.csv")
    assert not preview.can_apply


def test_the_template_has_the_coordinate_system_column():
    import io

    from openpyxl import load_workbook

    from estates.importing.template import template_workbook

    sheet = load_workbook(io.BytesIO(template_workbook(estate_importer()))).active
    assert "坐标系" in [cell.value for cell in sheet[1]]
