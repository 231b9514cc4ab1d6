"""WGS-84 and GCJ-02 coordinates, both ways.

The portal stores WGS-84 (GPS, and CGCS2000 within a metre, which Tianditu's
tiles use). Maps published in China by AMap, Tencent and others draw on GCJ-02,
WGS-84 shifted by a published, deliberately irregular function of a few hundred
metres; a pin placed on such tiles, or a coordinate read from them, has to be
converted at the edge (STYLE.md, "Known traps"; issue 19).

WGS-84 to GCJ-02 is the function itself; GCJ-02 to WGS-84 has no closed form,
so it is found by fixed-point iteration to well under a millionth of a degree
(about 0.1 m). Outside China (a rough rectangle, as the providers use) the two
systems are the same.
"""

from __future__ import annotations

import math

# Krasovsky 1940 ellipsoid, which the GCJ-02 function is written on.
SEMI_MAJOR_AXIS = 6378245.0
ECCENTRICITY_SQUARED = 0.00669342162296594323

# The rectangle inside which the providers apply the shift.
CHINA_WEST, CHINA_EAST = 72.004, 137.8347
CHINA_SOUTH, CHINA_NORTH = 0.8293, 55.8271

REVERSE_TOLERANCE = 1e-9  # degrees, ~0.1 mm
REVERSE_MAX_STEPS = 30


def in_china(lat: float, lng: float) -> bool:
    """Whether GCJ-02 differs from WGS-84 at this point."""
    return CHINA_SOUTH <= lat <= CHINA_NORTH and CHINA_WEST <= lng <= CHINA_EAST


def _shift_lat(x: float, y: float) -> float:
    pi = math.pi
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
    shift += 0.2 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * pi * x) + 20.0 * math.sin(2.0 * pi * x)) * 2 / 3
    shift += (20.0 * math.sin(pi * y) + 40.0 * math.sin(pi * y / 3.0)) * 2 / 3
    shift += (160.0 * math.sin(pi * y / 12.0) + 320.0 * math.sin(pi * y / 30.0)) * 2 / 3
    return shift


def _shift_lng(x: float, y: float) -> float:
    pi = math.pi
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
    shift += 0.1 * math.sqrt(abs(x))
    shift += (20.0 * math.sin(6.0 * pi * x) + 20.0 * math.sin(2.0 * pi * x)) * 2 / 3
    shift += (20.0 * math.sin(pi * x) + 40.0 * math.sin(pi * x / 3.0)) * 2 / 3
    shift += (150.0 * math.sin(pi * x / 12.0) + 300.0 * math.sin(pi * x / 30.0)) * 2 / 3
    return shift


def _offset(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees (lat, lng)."""
    x, y = lng - 105.0, lat - 35.0
    rad_lat = math.radians(lat)
    sin_lat = math.sin(rad_lat)
    w = 1.0 - ECCENTRICITY_SQUARED * sin_lat * sin_lat
    # Metres per degree along the meridian and along the parallel.
    meridian = SEMI_MAJOR_AXIS * (1.0 - ECCENTRICITY_SQUARED) / (w * math.sqrt(w))
    parallel = SEMI_MAJOR_AXIS / math.sqrt(w) * math.cos(rad_lat)
    d_lat = _shift_lat(x, y) * 180.0 / (meridian * math.pi)
    d_lng = _shift_lng(x, y) * 180.0 / (parallel * math.pi)
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """A WGS-84 point as GCJ-02 tiles draw it: (lat, lng)."""
    if not in_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _offset(lat, lng)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The WGS-84 point a GCJ-02 coordinate stands for: (lat, lng).

    Each step moves the guess by what its forward image misses the given point
    by; the shift changes slowly, so this converges in a few steps.
    """
    if not in_china(lat, lng):
        return lat, lng
    guess_lat, guess_lng = lat, lng
    for _step in range(REVERSE_MAX_STEPS):
        got_lat, got_lng = wgs84_to_gcj02(guess_lat, guess_lng)
        miss_lat, miss_lng = lat - got_lat, lng - got_lng
        guess_lat += miss_lat
        guess_lng += miss_lng
        if abs(miss_lat) < REVERSE_TOLERANCE and abs(miss_lng) < REVERSE_TOLERANCE:
            break
    return guess_lat, guess_lng


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    radius = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_lat = p2 - p1
    d_lng = math.radians(lng2 - lng1)
    h = math.sin(d_lat / 2) ** 2
    h += math.cos(p1) * math.cos(p2) * math.sin(d_lng / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(h))
