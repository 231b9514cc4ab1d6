"""The tile map's settings for a page (issue 19).

A page that shows the map includes ``includes/tile_map.html`` with what
:func:`tile_map` returns, or its offline plan when it returns None (no tiles
configured): nothing pretends to be a map that isn't. The element carries
everything ``static/js/map.js`` needs, which loads Leaflet only where such an
element is, after the page has loaded, and asks ``/api/v1/map/points/`` for
the compounds of each view.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

from .fixed_urls import fixed_url, static_url
from .geo import wgs84_to_gcj02

# The closest the map starts at when it fits a few places (a street's width).
FIT_MAX_ZOOM = 16


def tiles_configured() -> bool:
    return bool(settings.MAP_TILE_URL)


def _shown(lat: float, lng: float) -> tuple[float, float]:
    """A WGS-84 point where the configured tiles draw it."""
    if settings.MAP_TILE_CRS == "gcj02":
        return wgs84_to_gcj02(lat, lng)
    return lat, lng


def tile_map(
    map_id: str,
    *,
    points: list[tuple[float, float]] | None = None,
    centre: tuple[float, float] | None = None,
    zoom: int = FIT_MAX_ZOOM,
    programme: str = "",
    community: str = "",
    focus: str = "",
    focus_places: str = "",
    stages: list[tuple[str, str]] | None = None,
    programmes: list[tuple[str, str, bool]] | None = None,
    more_programmes: bool = False,
) -> dict | None:
    """The map element's data, or None without tiles. The map opens on the
    box of ``points`` (WGS-84 (lat, lng)), or on ``centre`` at ``zoom``, or,
    with neither, on the compounds the API finds for ``programme`` or
    ``community`` (the page then reads nothing for the map); ``focus`` is the
    slug of the compound the page is about, ``focus_places`` the places
    ("lane:<slug> facility:<slug>") it is about. ``stages`` (value, label): a menu
    beside the map that shows one stage's compounds; ``programmes`` (slug,
    name, shown in Chinese for want of English): one that shows one
    programme's, offered for two or more. With ``more_programmes`` (more than
    a menu holds) there is no menu: the map says that each programme's page
    maps its own compounds."""
    if not tiles_configured():
        return None
    view = {}
    if points:
        shown = [_shown(lat, lng) for lat, lng in points]
        lats = [lat for lat, _lng in shown]
        lngs = [lng for _lat, lng in shown]
        view["bounds"] = (
            f"{min(lngs):.6f},{min(lats):.6f},{max(lngs):.6f},{max(lats):.6f}"
        )
    elif centre:
        lat, lng = _shown(*centre)
        view["centre"] = f"{lat:.6f},{lng:.6f}"
    elif programme or community:
        view["fit"] = True
    else:
        return None
    return {
        "id": map_id,
        "points_url": fixed_url("api:map-points"),
        "places_url": fixed_url("api:map-places"),
        "leaflet_js": static_url("vendor/leaflet/leaflet.js"),
        "leaflet_css": static_url("vendor/leaflet/leaflet.css"),
        "tile_url": settings.MAP_TILE_URL,
        "labels_url": settings.MAP_TILE_LABELS_URL,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_zoom": settings.MAP_TILE_MAX_ZOOM,
        "fit_max_zoom": min(FIT_MAX_ZOOM, settings.MAP_TILE_MAX_ZOOM),
        "crs": settings.MAP_TILE_CRS,
        "zoom": min(zoom, settings.MAP_TILE_MAX_ZOOM),
        "programme": programme,
        "community": community,
        "stages": stages or [],
        "programmes": (
            programmes
            if programmes and len(programmes) > 1 and not more_programmes
            else []
        ),
        "more_programmes": more_programmes,
        "lang": get_language() or settings.LANGUAGE_CODE,
        "focus": focus,
        "focus_places": focus_places,
        **view,
    }


# Where the admin's map opens for a compound without coordinates: the whole
# of mainland China.
PICK_DEFAULT_CENTRE = (35.0, 105.0)
PICK_DEFAULT_ZOOM = 4


def pick_map(
    latitude: float | None, longitude: float | None, *, lat_input: str, lng_input: str
) -> dict | None:
    """The admin's map for picking a coordinate into the inputs ``lat_input``
    and ``lng_input`` (their ids), or None without tiles. The inputs hold
    WGS-84; ``static/js/admin-map.js`` converts from GCJ-02 tiles."""
    located = latitude is not None and longitude is not None
    centre = (latitude, longitude) if located else PICK_DEFAULT_CENTRE
    view = tile_map(
        "pick-map",
        centre=centre,
        zoom=FIT_MAX_ZOOM if located else PICK_DEFAULT_ZOOM,
    )
    if view is None:
        return None
    return {**view, "lat_input": lat_input, "lng_input": lng_input}
