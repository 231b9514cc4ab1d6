"""The tile map (issue 19): shown only with tiles configured, after the content,
beside the list; the offline plan otherwise."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from renovation_portal.geo import wgs84_to_gcj02
from renovation_portal.settings import tile_origins
from sitewide import views as sitewide_views
from tests.estates.factories import (
    EstateFactory,
    FacilityFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
)
from tests.lanes.factories import EventFactory, LaneFactory

pytestmark = pytest.mark.django_db

TILES = "https://t{s}.tiles.example.org/{z}/{x}/{y}.png?key=test"


@pytest.fixture
def tiles(settings):
    settings.MAP_TILE_URL = TILES
    settings.MAP_TILE_ATTRIBUTION = "© Test tiles"
    settings.MAP_TILE_SUBDOMAINS = "0123"
    return settings


def located(lat, lng):
    return EstateFactory(latitude=Decimal(lat), longitude=Decimal(lng))


def test_home_without_tiles_draws_the_plan_and_loads_no_map(client):
    located("35.75", "114.30")
    text = client.get("/en/").text
    assert '<svg class="map"' in text
    assert "data-tile-map" not in text
    assert "map.js" not in text
    assert "leaflet" not in text


def test_home_with_tiles_shows_the_tile_map_beside_the_list(client, tiles):
    estate = located("35.75", "114.30")
    text = client.get("/en/").text
    assert "data-tile-map" in text
    assert f'data-tile-url="{TILES.replace("&", "&amp;")}"' in text
    assert 'data-bounds="114.300000,35.750000,114.300000,35.750000"' in text
    assert 'data-points-url="/api/v1/map/points/"' in text
    assert 'data-lang="en"' in text
    assert '<svg class="map"' not in text
    # The list names the same place, and the page never waits for Leaflet:
    # map.js fetches it after the page has loaded.
    assert f'href="{estate.get_absolute_url()}"' in text
    assert "List of the places on the map" in text
    assert re.search(r'<script src="[^"]*map[^"]*\.js" defer>', text)
    assert '<script src="/static/vendor/leaflet' not in text


def test_home_with_gcj02_tiles_opens_on_the_shifted_box(client, tiles):
    tiles.MAP_TILE_CRS = "gcj02"
    located("35.75", "114.30")
    lat, lng = wgs84_to_gcj02(35.75, 114.30)
    text = client.get("/").text
    assert f'data-bounds="{lng:.6f},{lat:.6f},{lng:.6f},{lat:.6f}"' in text
    assert 'data-crs="gcj02"' in text


def test_tile_origins_allow_every_subdomain_of_the_tiles():
    assert tile_origins(TILES, "", "http://127.0.0.1:8123/{z}/{x}/{y}.png") == [
        "https://*.tiles.example.org",
        "http://127.0.0.1:8123",
    ]


def test_compound_page_without_tiles_has_no_map(client):
    estate = located("35.75", "114.30")
    assert "data-tile-map" not in client.get(estate.get_absolute_url()).text


def test_compound_page_with_tiles_centres_the_map_on_the_compound(client, tiles):
    estate = located("35.75", "114.30")
    text = client.get(f"/en{estate.get_absolute_url()}").text
    assert 'data-centre="35.750000,114.300000"' in text
    assert f'data-focus="{estate.slug}"' in text
    assert estate.community.get_absolute_url() in text


def test_compound_page_without_coordinates_has_no_map(client, tiles):
    estate = EstateFactory()
    assert "data-tile-map" not in client.get(estate.get_absolute_url()).text


def test_programme_page_with_tiles_lets_the_map_find_its_compounds(client, tiles):
    member = ProgrammeMembershipFactory(estate=located("35.75", "114.30"))
    text = client.get(f"/en/programmes/{member.programme.slug}/").text
    assert 'data-fit="1"' in text
    assert f'data-programme="{member.programme.slug}"' in text


def test_community_page_with_tiles_lets_the_map_find_its_compounds(client, tiles):
    estate = located("35.75", "114.30")
    text = client.get(f"/en{estate.community.get_absolute_url()}").text
    assert 'data-fit="1"' in text
    assert f'data-community="{estate.community.slug}"' in text


def test_programme_and_community_pages_without_tiles_have_no_map(client):
    member = ProgrammeMembershipFactory(estate=located("35.75", "114.30"))
    for url in (
        f"/programmes/{member.programme.slug}/",
        member.estate.community.get_absolute_url(),
    ):
        assert "data-tile-map" not in client.get(url).text


def test_admin_without_tiles_asks_for_typed_coordinates(admin_client):
    estate = located("35.75", "114.30")
    text = admin_client.get(f"/admin/estates/estate/{estate.pk}/change/").text
    assert "data-pick-map" not in text
    assert "配置地图瓦片" in text


def test_admin_with_tiles_offers_a_map_on_the_compound(admin_client, tiles):
    estate = located("35.75", "114.30")
    text = admin_client.get(f"/admin/estates/estate/{estate.pk}/change/").text
    assert "data-pick-map" in text
    assert 'data-centre="35.750000,114.300000"' in text
    assert 'data-lat-input="id_latitude"' in text


def test_admin_map_of_a_new_compound_opens_on_the_country(admin_client, tiles):
    text = admin_client.get("/admin/estates/estate/add/").text
    assert 'data-centre="35.000000,105.000000" data-zoom="4"' in text


def test_home_map_has_a_stage_menu_hidden_until_the_map_works(client, tiles):
    located("35.75", "114.30")
    text = client.get("/en/").text
    assert (
        '<p class="tile-map-filter" data-map-filters="home-map-tiles" hidden>' in text
    )
    assert '<option value="management">long-term management</option>' in text
    # One programme (or none): nothing to choose between.
    assert "data-map-programme" not in text


def test_home_map_has_a_programme_menu_with_two_or_more(client, tiles):
    located("35.75", "114.30")
    first = ProgrammeFactory(position=1, short_name_en="Liyang Road")
    second = ProgrammeFactory(position=2, short_name_en="")
    text = client.get("/en/").text
    menu = re.search(
        r'<select id="home-map-tiles-programme" data-map-programme="home-map-tiles">'
        r"(.*?)</select>",
        text,
    )
    assert menu, "no programme menu beside the home map"
    options = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', menu[1])
    assert options == [
        ("", "", "All programmes"),
        (first.slug, "", "Liyang Road"),
        # No English short name: the Chinese one, marked as Chinese.
        (second.slug, ' lang="zh-Hans"', second.short_name_zh_hans),
    ]
    assert '<label for="home-map-tiles-programme">Programme</label>' in text
    assert 'id="home-map-tiles-filter-status"' in text
    assert "None of this programme’s compounds has coordinates yet" in text
    zh = client.get("/").text
    assert '<label for="home-map-tiles-programme">改造计划</label>' in zh
    assert '<option value="">全部改造计划</option>' in zh


def test_home_map_with_too_many_programmes_leads_to_their_pages(
    client, tiles, monkeypatch
):
    monkeypatch.setattr(sitewide_views, "MAP_PROGRAMME_MENU", 2)
    located("35.75", "114.30")
    for n in range(3):
        ProgrammeFactory(position=n)
    text = client.get("/en/").text
    # A menu that cannot hold every programme is not offered at all.
    assert "data-map-programme" not in text
    assert (
        "To see one programme's compounds only, open it from "
        '<a href="/en/programmes/">the programmes</a>: its page has a map of them.'
    ) in text
    zh = client.get("/").text
    assert '从<a href="/programmes/">改造计划列表</a>打开它' in zh


def _warnings_for(rf, estate) -> list[str]:
    from django.contrib import admin
    from django.contrib.messages.storage.cookie import CookieStorage

    from estates.admin.estates import EstateAdmin
    from estates.models import Estate

    request = rf.get("/")
    request._messages = CookieStorage(request)
    EstateAdmin(Estate, admin.site)._flag_far_from_community(request, estate)
    return [str(m) for m in request._messages]


def test_admin_flags_a_compound_far_from_its_community(rf):
    near = located("35.75", "114.30")
    far = EstateFactory(
        community=near.community, latitude=Decimal("35.75"), longitude=Decimal("115.3")
    )
    with translation.override("en"):
        (warning,) = _warnings_for(rf, far)
    assert "lies 90 km from the other compounds of its community" in warning


def test_admin_does_not_flag_a_compound_near_its_community(rf):
    near = located("35.75", "114.30")
    close = EstateFactory(
        community=near.community, latitude=Decimal("35.76"), longitude=Decimal("114.31")
    )
    assert _warnings_for(rf, close) == []
    assert _warnings_for(rf, located("40.0", "116.0")) == []


# --- The events page's map: where its events take place ---


def test_events_page_maps_its_events_located_places(client, tiles):
    lane = LaneFactory(
        slug="test-lane", latitude=Decimal("35.75"), longitude=Decimal("114.30")
    )
    centre = FacilityFactory(
        slug="test-centre", latitude=Decimal("35.76"), longitude=Decimal("114.32")
    )
    EventFactory(lane=lane)
    EventFactory(facility=centre)
    EventFactory(lane=LaneFactory())  # a lane without coordinates: not mapped
    text = client.get("/en/events/").text
    assert 'id="events-map"' in text
    assert 'data-bounds="114.300000,35.750000,114.320000,35.760000"' in text
    assert 'data-focus-places="facility:test-centre lane:test-lane"' in text


def test_events_page_has_no_map_without_located_places_or_tiles(client, settings):
    EventFactory(
        lane=LaneFactory(latitude=Decimal("35.75"), longitude=Decimal("114.30"))
    )
    assert "data-tile-map" not in client.get("/en/events/").text  # no tiles
    settings.MAP_TILE_URL = TILES
    assert "data-tile-map" in client.get("/en/events/").text


def test_the_community_centre_answers_only_for_a_community_in_scope(
    admin_client, client, django_user_model
):
    from django.urls import reverse

    from tests.estates.factories import CommunityFactory, EstateFactory

    community = CommunityFactory()
    first = EstateFactory(community=community, latitude=35.0, longitude=114.0)
    EstateFactory(community=community, latitude=35.2, longitude=114.2)
    url = reverse("admin:estates_estate_community_centre", args=[community.pk])

    answer = admin_client.get(url).json()
    without_first = admin_client.get(url, {"excluding": first.pk}).json()
    empty = admin_client.get(
        reverse("admin:estates_estate_community_centre", args=[CommunityFactory().pk])
    ).json()

    assert answer == {"centre": "35.100000,114.100000"}
    assert without_first == {"centre": "35.200000,114.200000"}
    assert empty == {"centre": None}
    # A clerk with no scope and anonymous visitors learn nothing.
    clerk = django_user_model.objects.create_user(
        username="nobody", password="a-long-test-password-7", is_staff=True
    )
    client.force_login(clerk)
    assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.parametrize("count", [2, 45])
def test_home_map_programme_menu_costs_the_same_however_many_programmes(
    client, tiles, django_assert_max_num_queries, count
):
    located("35.75", "114.30")
    ProgrammeFactory.create_batch(count)
    # The home page's own queries (test_home) and one for the menu, drawn
    # once per generation like the rest of the map.
    with django_assert_max_num_queries(13):
        text = client.get("/en/").text
    menu = count <= sitewide_views.MAP_PROGRAMME_MENU
    assert ("data-map-programme" in text) is menu
