"""Staff pick a compound's coordinates on the admin's map (issue 19): a click
fills the latitude and longitude in WGS-84, whatever the tiles are drawn in."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from estates.models import Community, Estate
from tests.browser.staff import desk_page

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password-1"
# At zoom 16, one pixel is 360 / (256 * 2**16) degrees of longitude.
DEGREES_PER_PIXEL = 360 / (256 * 2**16)


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
def test_a_click_on_the_admin_map_fills_the_coordinates_in_wgs84(
    browser,
    site,
    tiles,
    settings,
    crs,
):
    settings.MAP_TILE_CRS = crs
    get_user_model().objects.create_superuser(
        username="clerk", email="clerk@example.org", password=PASSWORD
    )
    estate = Estate.objects.order_by("pk").first()
    Estate.objects.filter(pk=estate.pk).update(latitude=35.75, longitude=114.30)
    page = desk_page(browser, site.url, "clerk", PASSWORD)
    try:
        page.goto(f"/admin/estates/estate/{estate.pk}/change/")
        canvas = page.locator(".admin-map-canvas")
        expect(canvas.locator(".map-pin")).to_have_count(1)
        box = canvas.bounding_box()
        # 40 pixels east of the pin, which sits at the map's centre.
        page.mouse.click(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2)
        latitude = float(page.input_value("#id_latitude"))
        longitude = float(page.input_value("#id_longitude"))
        assert abs(latitude - 35.75) < 2e-5
        assert abs(longitude - (114.30 + 40 * DEGREES_PER_PIXEL)) < 2e-5
        page.locator("input[name=_continue]").click()
        estate.refresh_from_db()
        assert abs(float(estate.longitude) - longitude) < 1e-6
    finally:
        page.context.close()


def test_a_pin_far_from_its_community_is_flagged_before_saving(
    browser, site, tiles, shot
):
    get_user_model().objects.create_superuser(
        username="clerk", email="clerk@example.org", password=PASSWORD
    )
    estate = Estate.objects.order_by("pk").first()
    Estate.objects.filter(pk=estate.pk).update(latitude=35.75, longitude=114.30)
    # A neighbour in the same community, a few hundred metres away (made-up
    # coordinates, for the test only).
    neighbour = Estate.objects.create(
        name_zh_hans="测试邻居小区",
        slug="test-neighbour",
        community=estate.community,
        latitude=35.752,
        longitude=114.302,
    )
    page = desk_page(browser, site.url, "clerk", PASSWORD)
    try:
        page.goto(f"/admin/estates/estate/{estate.pk}/change/")
        warning = page.locator(".admin-map-far")
        expect(page.locator(".admin-map-canvas .map-pin")).to_have_count(1)
        expect(warning).to_be_hidden()
        # A slip: a degree too far north (111 km), flagged as it is typed.
        page.fill("#id_latitude", "36.750000")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("111")
        page.set_viewport_size({"width": 1366, "height": 900})
        warning.scroll_into_view_if_needed()
        shot(page, "admin-far-warning")
        page.fill("#id_latitude", "35.750000")
        expect(warning).to_be_hidden()
    finally:
        page.context.close()
        neighbour.delete()


def test_a_new_compound_is_flagged_once_its_community_is_chosen(browser, site, tiles):
    get_user_model().objects.create_superuser(
        username="clerk", email="clerk@example.org", password=PASSWORD
    )
    # A community of the test's own, with one located compound (made-up
    # coordinates, for the test only).
    subdistrict = Estate.objects.get(slug="jiudayuan").community.subdistrict
    community = Community.objects.create(
        name_zh_hans="测试地图社区", slug="test-map-community", subdistrict=subdistrict
    )
    Estate.objects.create(
        name_zh_hans="测试地图小区",
        slug="test-map-compound",
        community=community,
        latitude=35.75,
        longitude=114.30,
    )
    page = desk_page(browser, site.url, "clerk", PASSWORD)
    try:
        page.goto("/admin/estates/estate/add/")
        warning = page.locator(".admin-map-far")
        page.fill("#id_latitude", "36.750000")
        page.fill("#id_longitude", "114.300000")
        expect(warning).to_be_hidden()  # no community yet: nothing to compare

        # The admin's autocomplete: open it, type, pick.
        page.locator("#id_community + .select2").click()
        page.locator(".select2-search__field").fill("测试地图")
        page.locator(
            ".select2-results__option", has_text=community.name_zh_hans
        ).first.click()

        expect(warning).to_be_visible()
        expect(warning).to_contain_text("111")
        page.fill("#id_latitude", "35.751000")
        expect(warning).to_be_hidden()
    finally:
        page.context.close()
