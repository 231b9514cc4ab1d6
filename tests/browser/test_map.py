"""The tile map (issue 19) against a tile server the test runs itself: the
source data's compounds as pins, a popup that leads to the compound's page,
and clusters when a view holds many compounds. Nothing leaves the machine."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from estates.models import Estate, Programme
from estates.selectors import map as map_selectors
from tests.estates.factories import FacilityFactory, MergedCourtyardFactory
from tests.lanes.factories import EventFactory, LaneFactory

pytestmark = pytest.mark.browser


def _in_a_row(estates, lat=35.750, lng=114.300, step_lat=0.004, step_lng=0.005):
    """Made-up coordinates, for a test only: the compounds a few hundred
    metres apart, in a row from (lat, lng)."""
    for n, estate in enumerate(estates):
        estate.latitude = Decimal(f"{lat + n * step_lat:.6f}")
        estate.longitude = Decimal(f"{lng + n * step_lng:.6f}")
    Estate.objects.bulk_update(estates, ["latitude", "longitude"])


def test_home_map_shows_the_source_compounds_and_a_popup_leads_to_one(
    page, site, tiles, shot, axe_scan
):
    # The source gives no coordinates: five of its compounds get made-up
    # ones, a few hundred metres apart, for the test only.
    located = list(Estate.objects.order_by("pk")[:5])
    _in_a_row(located)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/en/")

    pins = page.locator(".tile-map .map-pin")
    expect(pins).to_have_count(len(located))
    assert any(path.endswith(".png") for path in tiles.asked)
    violations, account = axe_scan(page)
    assert not violations, account
    # axe judges the attribution's links against what is painted behind them,
    # so whether a tile has been drawn yet changes its verdict: they must be
    # told from the text around them by an underline, not by colour alone.
    attribution_links = page.locator(".leaflet-control-attribution a")
    expect(attribution_links.first).to_be_visible()
    decorations = attribution_links.evaluate_all(
        "links => links.map(a => getComputedStyle(a).textDecorationLine)"
    )
    assert decorations and all("underline" in d for d in decorations), decorations

    estate = located[0]
    name = estate.name_en or estate.name_zh_hans
    page.locator(f'.map-pin[title="{name}"]').click()
    link = page.locator(".leaflet-popup .map-popup-name")
    expect(link).to_have_text(name)
    # Moving the map asks for the new view; the open popup stays.
    box = page.locator(".tile-map").bounding_box()
    with page.expect_response(lambda r: "/api/v1/map/points/" in r.url):
        page.mouse.move(box["x"] + 40, box["y"] + box["height"] - 40)
        page.mouse.down()
        page.mouse.move(box["x"] + 70, box["y"] + box["height"] - 50, steps=5)
        page.mouse.up()
    expect(link).to_have_text(name)
    page.locator(".tile-map").scroll_into_view_if_needed()
    shot(page, "home-map-popup")
    link.click()
    expect(page).to_have_url(f"{site.url}/en/estates/{estate.slug}/")
    assert errors == []


def test_home_map_clusters_many_compounds(page, site, tiles, monkeypatch, shot):
    monkeypatch.setattr(map_selectors, "MAP_POINTS_LIMIT", 20)
    community = Estate.objects.first().community
    Estate.objects.bulk_create(
        Estate(
            name_zh_hans=f"测试合成小区{n}",  # synthetic: made up for this test
            slug=f"test-map-cluster-{n}",
            community=community,
            latitude=Decimal(f"{30 + (n % 10) * 0.5:.6f}"),
            longitude=Decimal(f"{105 + (n // 10) * 0.5:.6f}"),
        )
        for n in range(100)
    )
    page.goto("/en/")
    clusters = page.locator(".tile-map .map-cluster")
    expect(clusters.first).to_be_visible()
    shot(page, "home-map-clusters")
    counts = [int(text) for text in clusters.all_inner_texts()]
    pins = page.locator(".tile-map .map-pin").count()
    total = Estate.objects.filter(latitude__isnull=False).count()
    assert sum(counts) + pins == total

    # A cluster zooms the map in towards its compounds.
    before = page.locator(".tile-map").get_attribute("data-zoom-now")
    clusters.first.click()
    expect(page.locator(".tile-map")).not_to_have_attribute(
        "data-zoom-now", before or ""
    )


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
def test_compound_page_map_puts_the_compound_at_its_centre(
    page, site, tiles, settings, crs
):
    # With GCJ-02 tiles the page centres the map on the shifted point and the
    # API answers in GCJ-02, so the pin sits at the centre either way.
    settings.MAP_TILE_CRS = crs
    estate = Estate.objects.order_by("pk").first()
    estate.latitude, estate.longitude = Decimal("35.750000"), Decimal("114.300000")
    Estate.objects.bulk_update([estate], ["latitude", "longitude"])
    with page.expect_request(lambda r: "/api/v1/map/points/" in r.url) as asked:
        page.goto(f"/en/estates/{estate.slug}/")
    assert ("crs=gcj02" in asked.value.url) == (crs == "gcj02")
    pin = page.locator(".tile-map .map-pin.map-focus")
    expect(pin).to_have_count(1)
    box = page.locator(".tile-map").bounding_box()
    spot = pin.bounding_box()
    assert abs(spot["x"] + spot["width"] / 2 - (box["x"] + box["width"] / 2)) < 3
    assert abs(spot["y"] + spot["height"] / 2 - (box["y"] + box["height"] / 2)) < 3
    assert tiles.asked


def test_programme_map_opens_on_its_compounds(page, site, tiles):
    programme = Programme.objects.order_by("position", "pk").first()
    estates = [m.estate for m in programme.memberships.select_related("estate")[:3]]
    _in_a_row(estates, 30.100, 120.100, 0.01, 0.01)
    page.goto(f"/en/programmes/{programme.slug}/")
    expect(page.locator(".tile-map .map-pin")).to_have_count(len(estates))
    # Fitted to them: each pin is inside the map's box.
    box = page.locator(".tile-map").bounding_box()
    for pin in page.locator(".tile-map .map-pin").all():
        spot = pin.bounding_box()
        assert box["x"] <= spot["x"] <= box["x"] + box["width"]
        assert box["y"] <= spot["y"] <= box["y"] + box["height"]


def test_community_map_without_located_compounds_says_so(page, site, tiles):
    community = Estate.objects.order_by("pk").first().community
    page.goto(f"/en{community.get_absolute_url()}")
    expect(page.locator(".tile-map .map-note")).to_contain_text(
        "None of these compounds has coordinates yet"
    )


def test_home_map_shows_one_stage_when_asked(page, site, tiles):
    located = list(Estate.objects.order_by("pk")[:4])
    for n, estate in enumerate(located):
        estate.latitude = Decimal(f"{35.750 + n * 0.004:.6f}")
        estate.longitude = Decimal(f"{114.300 + n * 0.005:.6f}")
        estate.stage = "construction" if n < 3 else "management"
    Estate.objects.bulk_update(located, ["latitude", "longitude", "stage"])
    page.goto("/en/")
    pins = page.locator(".tile-map .map-pin")
    expect(pins).to_have_count(4)
    page.get_by_label("Stage", exact=True).select_option("management")
    expect(pins).to_have_count(1)
    expect(page.locator(".tile-map .map-pin.stage-management")).to_have_count(1)
    page.get_by_label("Stage", exact=True).select_option("")
    expect(pins).to_have_count(4)


def test_home_map_shows_one_programme_when_asked(page, site, tiles, shot, axe_scan):
    named = [
        programme
        for programme in Programme.objects.order_by("position", "pk")
        if programme.memberships.exists()
    ]
    first, second = named[:2]
    unlocated = Programme.objects.filter(memberships__isnull=True).first()
    # Made-up coordinates, for the test only: two of the first programme's
    # compounds a couple of kilometres apart, one of the second's between.
    ours = [m.estate for m in first.memberships.order_by("pk")[:2]]
    theirs = second.memberships.order_by("pk").first().estate
    spots = [
        (ours[0], "35.750", "114.300"),
        (ours[1], "35.750", "114.320"),
        (theirs, "35.755", "114.310"),
    ]
    for estate, lat, lng in spots:
        estate.latitude, estate.longitude = Decimal(lat), Decimal(lng)
    Estate.objects.bulk_update([e for e, _, _ in spots], ["latitude", "longitude"])
    with translation.override("en"):
        their_name = str(theirs.name)
    page.goto("/en/")
    pins = page.locator(".tile-map .map-pin")
    expect(pins).to_have_count(3)
    menu = page.get_by_label("Programme", exact=True)
    expect(menu).to_be_visible()
    menu.select_option(first.slug)
    expect(pins).to_have_count(2)
    expect(page.locator(f'.tile-map .map-pin[title="{their_name}"]')).to_have_count(0)
    shot(page, "home-map-one-programme")
    violations, account = axe_scan(page)
    assert not violations, account
    # A programme none of whose compounds has coordinates: said, not a blank map.
    menu.select_option(unlocated.slug)
    expect(pins).to_have_count(0)
    expect(page.locator("#home-map-tiles-filter-status")).to_have_text(
        "None of this programme’s compounds has coordinates yet, so the map "
        "shows none of them."
    )
    menu.select_option("")
    expect(pins).to_have_count(3)
    expect(page.locator("#home-map-tiles-filter-status")).to_have_text("")


def test_home_map_moves_to_a_programme_whatever_stage_is_chosen(page, site, tiles):
    programme = next(
        p
        for p in Programme.objects.order_by("position", "pk")
        if p.memberships.exists()
    )
    # Made-up coordinates and stage, for the test only: its compounds are
    # located, none of them in long-term management.
    estates = [m.estate for m in programme.memberships.order_by("pk")[:2]]
    for estate in estates:
        estate.stage = "construction"
    Estate.objects.bulk_update(estates, ["stage"])
    _in_a_row(estates)
    page.goto("/en/")
    pins = page.locator(".tile-map .map-pin")
    expect(pins).to_have_count(2)
    page.get_by_label("Stage", exact=True).select_option("management")
    expect(pins).to_have_count(0)
    page.get_by_label("Programme", exact=True).select_option(programme.slug)
    # Its compounds have coordinates: the map does not say they have none.
    page.wait_for_timeout(1000)
    expect(page.locator("#home-map-tiles-filter-status")).to_have_text("")
    page.get_by_label("Stage", exact=True).select_option("")
    expect(pins).to_have_count(2)


def _located_compound():
    estate = Estate.objects.order_by("pk").first()
    estate.latitude, estate.longitude = Decimal("35.750000"), Decimal("114.300000")
    Estate.objects.bulk_update([estate], ["latitude", "longitude"])
    return estate


def test_compound_map_draws_facilities_lanes_and_courtyards_as_layers(
    page, site, tiles, shot, axe_scan
):
    # Made-up places and drawings around one compound, for the test only.
    estate = _located_compound()
    FacilityFactory(
        name_en="Test Canteen",
        estate=estate,
        latitude=Decimal("35.7505"),
        longitude=Decimal("114.2990"),
    )
    LaneFactory(
        name_en="Test Drawn Lane",
        path={
            "type": "LineString",
            "coordinates": [[114.2985, 35.7490], [114.3015, 35.7492]],
        },
    )
    MergedCourtyardFactory(
        name_en="Test Drawn Yard",
        outline={
            "type": "Polygon",
            "coordinates": [
                [
                    [114.3005, 35.7502],
                    [114.3015, 35.7502],
                    [114.3015, 35.7510],
                    [114.3005, 35.7510],
                    [114.3005, 35.7502],
                ]
            ],
        },
    )
    page.goto(f"/en/estates/{estate.slug}/")
    facility = page.locator(".tile-map .place-facility")
    expect(facility).to_have_count(1)
    expect(page.locator(".tile-map path.shape-lane")).to_have_count(1)
    expect(page.locator(".tile-map path.shape-courtyard")).to_have_count(1)
    page.locator(".tile-map").scroll_into_view_if_needed()
    shot(page, "compound-map-layers")
    violations, account = axe_scan(page)
    assert not violations, account

    # The layer switches are checkboxes: reachable by keyboard.
    switch = page.get_by_role("checkbox", name="Facilities")
    switch.focus()
    page.keyboard.press("Space")
    expect(facility).to_have_count(0)
    page.keyboard.press("Space")
    expect(facility).to_have_count(1)

    page.locator(".tile-map path.shape-lane").click(force=True)
    link = page.locator(".leaflet-popup .map-popup-name")
    expect(link).to_have_text("Test Drawn Lane")
    link.click()
    expect(page).to_have_url(re.compile(r"/en/lanes/[\w-]+/$"))


def test_near_me_moves_the_map_only_when_tapped(new_context, site, tiles, shot):
    # Somewhere other than the compound: the map moves there on the tap.
    estate = _located_compound()
    context = new_context(
        geolocation={"latitude": 30.5, "longitude": 114.3},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"/estates/{estate.slug}/")
    button = page.get_by_role("button", name="显示我附近的地点")
    expect(button).to_be_visible()
    with page.expect_response(lambda r: "/map/points/" in r.url and "%2C30.5" in r.url):
        button.click()
    expect(page.locator("#estate-map-near-me-status")).to_contain_text(
        "地图已移到您附近"
    )
    expect(page.locator(".tile-map .map-here")).to_have_count(1)
    shot(page, "near-me-zh")


def test_near_me_refused_says_so(new_context, site, tiles):
    estate = _located_compound()
    context = new_context()  # no permission: the browser refuses
    page = context.new_page()
    page.goto(f"/en/estates/{estate.slug}/")
    page.get_by_role("button", name="Show places near me").click()
    expect(page.locator("#estate-map-near-me-status")).to_contain_text(
        "not allowed to tell where you are"
    )


def test_events_page_map_marks_where_its_events_are(page, site, tiles, shot, axe_scan):
    # A made-up lane and neighbourhood centre with coordinates, for the test.
    lane = LaneFactory(
        name_en="Test Event Lane",
        latitude=Decimal("35.7500"),
        longitude=Decimal("114.3000"),
    )
    centre = FacilityFactory(
        name_en="Test Event Centre",
        latitude=Decimal("35.7520"),
        longitude=Decimal("114.3030"),
    )
    EventFactory(lane=lane)
    EventFactory(facility=centre)
    page.goto("/en/events/")
    marked = page.locator(".tile-map .map-place.map-focus")
    expect(marked).to_have_count(2)
    page.locator(".tile-map").scroll_into_view_if_needed()
    shot(page, "events-map")
    violations, account = axe_scan(page)
    assert not violations, account
    page.locator(".place-facility.map-focus").click()
    expect(page.locator(".leaflet-popup .map-popup-name")).to_have_text(
        "Test Event Centre"
    )


@pytest.mark.parametrize(
    ("path", "elder"), [("/", False), ("/en/", False), ("/", True)]
)
def test_offline_plan_is_legible_on_a_phone(
    new_context, elder_context, site, shot, path, elder
):
    # No tiles: the diagram. A few made-up coordinates, for the test only.
    located = list(Estate.objects.order_by("pk")[:4])
    for n, estate in enumerate(located):
        estate.latitude = Decimal(f"{35.750 + (n % 2) * 0.006:.6f}")
        estate.longitude = Decimal(f"{114.300 + n * 0.004:.6f}")
    Estate.objects.bulk_update(located, ["latitude", "longitude"])
    page = (elder_context if elder else new_context()).new_page()
    page.goto(path)
    plan = page.locator("svg.map")
    expect(plan.locator(".map-outline")).to_have_count(1)
    labels = plan.locator("text")
    assert labels.count() >= 2
    for label in labels.all():
        assert label.bounding_box()["height"] >= 12
    plan.scroll_into_view_if_needed()
    shot(page, f"plan-{'elder' if elder else path.strip('/') or 'zh'}")


def test_pins_on_one_spot_are_one_target_that_zooms_in(page, site, tiles):
    # Made-up coordinates: two compounds 30 m apart and one 2 km away, so the
    # map opens at a zoom where the two would overlap.
    located = list(Estate.objects.order_by("pk")[:3])
    spots = [("35.750000", "114.300000"), ("35.750200", "114.300200")]
    spots.append(("35.768000", "114.318000"))
    for estate, (lat, lng) in zip(located, spots, strict=True):
        estate.latitude, estate.longitude = Decimal(lat), Decimal(lng)
    Estate.objects.bulk_update(located, ["latitude", "longitude"])
    page.goto("/en/")
    group = page.locator(".tile-map .map-cluster")
    expect(group).to_have_count(1)
    expect(group).to_have_text("2")
    expect(page.locator(".tile-map .map-pin")).to_have_count(1)
    group.click()
    expect(page.locator(".tile-map .map-pin")).to_have_count(2)


def test_every_map_page_passes_axe_in_both_languages(page, site, tiles, axe_scan):
    # Made-up coordinates and an event, for the test only: three compounds of
    # the first programme, one lane with an event.
    programme = Programme.objects.order_by("position", "pk").first()
    estates = [m.estate for m in programme.memberships.order_by("pk")[:3]]
    _in_a_row(estates)
    lane = LaneFactory(latitude=Decimal("35.7510"), longitude=Decimal("114.3010"))
    EventFactory(lane=lane)
    pages = [
        "/",
        programme.get_absolute_url(),
        estates[0].community.get_absolute_url(),
        estates[0].get_absolute_url(),
        "/events/",
    ]
    for prefix in ("", "/en"):
        for path in pages:
            page.goto(prefix + path)
            # Scanned once the map has drawn what it was asked for.
            expect(
                page.locator(".tile-map .map-pin, .tile-map .map-place").first
            ).to_be_visible()
            violations, account = axe_scan(page)
            assert not violations, f"{prefix + path}: {account}"
