"""Staff-drawn geometry for the map: a lane's line, a merged courtyard's area.

The source data has points only (issue 19); a lane's path or a courtyard's
outline is entered by staff as GeoJSON (RFC 7946: WGS-84, longitude first)
and drawn when present. Never invented: without one the place stays a point,
or stays off the map. Kept small (vertices, extent) so a map answer stays
light and a slip (latitude and longitude swapped, a stray vertex in another
city) is refused with a clear message instead of drawn.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_VERTICES = 500
# A lane or a courtyard fits in a box this many degrees on a side (~ 11 km).
MAX_EXTENT_DEGREES = 0.1


def _position(value) -> tuple[float, float]:
    if (
        not isinstance(value, (list, tuple))
        or len(value) not in (2, 3)
        or not all(
            isinstance(n, (int, float)) and not isinstance(n, bool) for n in value
        )
        or not all(math.isfinite(n) for n in value)
    ):
        raise ValidationError(
            _("Each point must be [longitude, latitude] in degrees."), "position"
        )
    lng, lat = float(value[0]), float(value[1])
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            _(
                "A point lies outside the Earth's degrees: give longitude first "
                "(-180 to 180), then latitude (-90 to 90)."
            ),
            "range",
        )
    return lng, lat


def _shape(value, kind: str):
    if not isinstance(value, dict) or value.get("type") != kind:
        messages = {
            "LineString": _(
                'Give a GeoJSON LineString: {"type": "LineString", '
                '"coordinates": [[longitude, latitude], ...]}.'
            ),
            "Polygon": _(
                'Give a GeoJSON Polygon: {"type": "Polygon", '
                '"coordinates": [[[longitude, latitude], ...]]}.'
            ),
        }
        raise ValidationError(messages[kind], "type")
    return value.get("coordinates")


def _extent(points: list[tuple[float, float]]) -> None:
    if len(points) > MAX_VERTICES:
        raise ValidationError(
            _("At most %(limit)d points, please; this has %(count)d."),
            "size",
            params={"limit": MAX_VERTICES, "count": len(points)},
        )
    lngs = [lng for lng, _lat in points]
    lats = [lat for _lng, lat in points]
    if (
        max(lngs) - min(lngs) > MAX_EXTENT_DEGREES
        or max(lats) - min(lats) > MAX_EXTENT_DEGREES
    ):
        raise ValidationError(
            _(
                "The shape spans more than about 10 km; check that no point is "
                "mistyped and that longitude comes before latitude."
            ),
            "extent",
        )


def validate_line_string(value) -> None:
    """A GeoJSON LineString of 2 to MAX_VERTICES WGS-84 points."""
    coordinates = _shape(value, "LineString")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise ValidationError(_("A line needs at least two points."), "short")
    _extent([_position(point) for point in coordinates])


def validate_polygon(value) -> None:
    """A GeoJSON Polygon: an outer ring (and holes), each closed, at least
    four positions, MAX_VERTICES in all."""
    rings = _shape(value, "Polygon")
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("An area needs its outline."), "empty")
    points = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(
                _("An outline needs at least three corners and ends where it began."),
                "short",
            )
        ring_points = [_position(point) for point in ring]
        if ring_points[0] != ring_points[-1]:
            raise ValidationError(
                _("An outline must end at the point where it began."), "open"
            )
        points.extend(ring_points)
    _extent(points)


def middle(value) -> tuple[Decimal, Decimal]:
    """(latitude, longitude) of a valid LineString's middle vertex or of the
    mean of a valid Polygon's outer corners, to six decimals: where its place
    is filed."""
    if value["type"] == "LineString":
        lng, lat = value["coordinates"][len(value["coordinates"]) // 2][:2]
    else:
        ring = value["coordinates"][0][:-1]
        lat = sum(float(p[1]) for p in ring) / len(ring)
        lng = sum(float(p[0]) for p in ring) / len(ring)
    return round(Decimal(lat), 6), round(Decimal(lng), 6)


def transformed(value, convert) -> dict:
    """The geometry with each (lat, lng) put through ``convert``, rounded."""

    def one(position):
        lat, lng = convert(float(position[1]), float(position[0]))
        return [round(lng, 6), round(lat, 6)]

    if value["type"] == "LineString":
        line = [one(p) for p in value["coordinates"]]
        return {"type": "LineString", "coordinates": line}
    return {
        "type": "Polygon",
        "coordinates": [[one(p) for p in ring] for ring in value["coordinates"]],
    }


class GeometryFormField(forms.JSONField):
    """The admin's box for a drawn geometry: empty when there is none (a
    plain JSONField writes ``null`` in it, which a clerk would have to
    delete)."""

    def prepare_value(self, value):
        if value is None:
            return ""
        return super().prepare_value(value)


# For a ModelAdmin's formfield_overrides.
GEOMETRY_OVERRIDES = {"form_class": GeometryFormField}
