"""``/api/v1/map/points/``: the map's compounds in a box, clustered when many.

The map pages ask for what their view shows on every move; the selector
(``estates.selectors.map``) keeps the answer to a few thousand features and
three queries whatever the register's size (issue 19). The answer is GeoJSON
(RFC 7946), in WGS-84 unless ``crs=gcj02`` asks for the coordinates that
GCJ-02 tiles (AMap, Tencent) draw on; then the box is read in GCJ-02 too.
"""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from estates.models import Stage
from estates.selectors.map import MAX_ZOOM, Box, map_points
from renovation_portal.api import filters
from renovation_portal.api.languages import ALL, TRANSLATED_SCHEMA
from renovation_portal.api.parameters import form_field_schema
from renovation_portal.api.viewsets import PortalViewMixin
from renovation_portal.geo import gcj02_to_wgs84, wgs84_to_gcj02
from renovation_portal.translation import CONTENT_LANGUAGES, to_attribute

WGS84, GCJ02 = "wgs84", "gcj02"
COORDINATE_SYSTEMS = [(WGS84, "WGS-84"), (GCJ02, "GCJ-02")]

# Degrees with at most eight decimals, within their range, so the schema says
# exactly which numbers the box takes; only the order of its edges is beyond a
# pattern (schemathesis.toml allows that 400).
_DECIMALS = r"(\.[0-9]{1,8})?"
_LATITUDE = rf"-?(90(\.0{{1,8}})?|[1-8]?[0-9]{_DECIMALS})"
_LONGITUDE = rf"-?(180(\.0{{1,8}})?|(1[0-7][0-9]|[1-9]?[0-9]){_DECIMALS})"
BBOX_PATTERN = rf"^{_LONGITUDE},{_LATITUDE},{_LONGITUDE},{_LATITUDE}$"
# A GCJ-02 box is widened by this much once turned into WGS-84, so that the
# few metres the shift bends its edges by lose no compound at the edge.
GCJ02_MARGIN = 0.001


class BoxField(forms.Field):
    default_error_messages = {
        "invalid": _(
            "Give the box as west,south,east,north in degrees, for example "
            "113.9,35.6,114.4,36.0."
        ),
        "order": _(
            "The box's west edge must not lie east of its east edge, nor its "
            "south edge north of its north edge."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not re.fullmatch(BBOX_PATTERN, value):
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        west, south, east, north = (float(part) for part in value.split(","))
        if west > east or south > north:
            raise forms.ValidationError(self.error_messages["order"], "order")
        return Box(west=west, south=south, east=east, north=north)


class MapPointsForm(forms.Form):
    bbox = BoxField(label=_("box"))
    zoom = filters.IntegerField(label=_("zoom"), min_value=0, max_value=MAX_ZOOM)
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices, required=False)
    programme = filters.SlugField(label=_("programme"), required=False)
    community = filters.SlugField(label=_("community"), required=False)
    crs = forms.ChoiceField(
        label=_("coordinate system"), choices=COORDINATE_SYSTEMS, required=False
    )


def to_wgs84(box: Box) -> Box:
    """A GCJ-02 box as the WGS-84 box that holds it."""
    corners = [
        gcj02_to_wgs84(lat, lng)
        for lat in (box.south, box.north)
        for lng in (box.west, box.east)
    ]
    lats = [lat for lat, _lng in corners]
    lngs = [lng for _lat, lng in corners]
    return Box(
        west=max(-180.0, min(lngs) - GCJ02_MARGIN),
        south=max(-90.0, min(lats) - GCJ02_MARGIN),
        east=min(180.0, max(lngs) + GCJ02_MARGIN),
        north=min(90.0, max(lats) + GCJ02_MARGIN),
    )


POINT_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "Longitude, latitude (GeoJSON's order).",
        },
    },
    "required": ["type", "coordinates"],
}
COMPOUND_PROPERTIES = {
    "type": "object",
    "description": "One compound.",
    "properties": {
        "kind": {"type": "string", "enum": ["compound"]},
        "slug": {"type": "string"},
        "name": TRANSLATED_SCHEMA,
        "stage": {"type": ["string", "null"], "enum": [*Stage.values, None]},
        "stage_label": {
            "type": "string",
            "description": "The stage in the answer's language; empty when unknown.",
        },
        "url": {"type": "string", "format": "uri"},
    },
    "required": ["kind", "slug", "name", "stage", "stage_label", "url"],
}
CLUSTER_PROPERTIES = {
    "type": "object",
    "description": "Several compounds of one grid cell, at their mean position.",
    "properties": {
        "kind": {"type": "string", "enum": ["cluster"]},
        "count": {"type": "integer", "minimum": 2},
        "by_stage": {
            "type": "object",
            "description": "How many of them are at each stage (stages with none "
            "left out; the rest have no stage on record).",
            "additionalProperties": {"type": "integer", "minimum": 1},
        },
    },
    "required": ["kind", "count", "by_stage"],
}
RESPONSE_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "crs": {
            "type": "string",
            "enum": [WGS84, GCJ02],
            "description": "The coordinate system of the coordinates.",
        },
        "clustered": {
            "type": "boolean",
            "description": "True when the box held too many compounds to send "
            "one by one.",
        },
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": POINT_SCHEMA,
                    "properties": {"oneOf": [COMPOUND_PROPERTIES, CLUSTER_PROPERTIES]},
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "crs", "clustered", "features"],
}


def _parameter(name: str, description: str, required: bool = False):
    field = MapPointsForm.base_fields[name]
    schema = form_field_schema(field) if name != "bbox" else None
    if schema is None:
        schema = {"type": "string", "pattern": BBOX_PATTERN}
    return OpenApiParameter(name, schema, required=required, description=description)


class MapPointsView(PortalViewMixin, GenericAPIView):
    pagination_class = None
    filter_backends = []

    def allowed_query_parameters(self) -> set[str]:
        return super().allowed_query_parameters() | set(MapPointsForm.base_fields)

    @extend_schema(
        summary="Compounds on the map",
        description=(
            "The compounds with coordinates inside `bbox`, for a map at `zoom`: "
            "one by one while there are few, otherwise counted on a grid whose "
            "cells are about 64 pixels at that zoom (at most 40 on a side), a "
            "grid cell with one compound being sent as that compound. GeoJSON; "
            "the coordinates are WGS-84 unless `crs` is `gcj02`."
        ),
        parameters=[
            _parameter(
                "bbox",
                "The box shown: west,south,east,north in degrees (WGS-84, or "
                "GCJ-02 with `crs=gcj02`), west not east of east, south not north "
                "of north.",
                required=True,
            ),
            _parameter("zoom", "The map's zoom level (256-pixel tiles).", True),
            _parameter("stage", "Only compounds at this stage."),
            _parameter(
                "programme",
                "Only compounds of this programme (its slug); an unknown one "
                "matches nothing.",
            ),
            _parameter(
                "community",
                "Only compounds of this community (its slug); an unknown one "
                "matches nothing.",
            ),
            _parameter(
                "crs",
                "The coordinate system of `bbox` and of the answer: `wgs84` "
                "(default; Tianditu's tiles) or `gcj02` (AMap's, Tencent's).",
            ),
        ],
        responses={200: RESPONSE_SCHEMA},
    )
    def get(self, request, *args, **kwargs):
        form = MapPointsForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
        gcj02 = data["crs"] == GCJ02
        box = to_wgs84(data["bbox"]) if gcj02 else data["bbox"]
        found = map_points(
            box,
            data["zoom"],
            stage=data["stage"] or None,
            programme=data["programme"] or None,
            community=data["community"] or None,
        )
        place = wgs84_to_gcj02 if gcj02 else (lambda lat, lng: (lat, lng))
        features = [self._compound(request, row, place) for row in found.compounds] + [
            _feature(
                place(cluster.latitude, cluster.longitude),
                {
                    "kind": "cluster",
                    "count": cluster.count,
                    "by_stage": cluster.by_stage,
                },
            )
            for cluster in found.clusters
        ]
        return Response(
            {
                "type": "FeatureCollection",
                "crs": GCJ02 if gcj02 else WGS84,
                "clustered": found.cell_degrees is not None,
                "features": features,
            }
        )

    def _compound(self, request, row: dict, place) -> dict:
        if not hasattr(self, "_url_template"):
            # One reverse() for the whole answer: slugs are plain ASCII.
            self._url_template = request.build_absolute_uri(
                reverse("estates:estate-detail", kwargs={"slug": "slug-here"})
            )
            self._stage_labels = {value: str(label) for value, label in Stage.choices}
        language = request.content_language
        if language == ALL:
            name = {
                code: row[to_attribute("name", code)] or ""
                for code in CONTENT_LANGUAGES
            }
        else:
            name = (
                row.get(to_attribute("name", language))
                or row[to_attribute("name", CONTENT_LANGUAGES[0])]
            )
        stage = row["stage"]
        return _feature(
            place(float(row["latitude"]), float(row["longitude"])),
            {
                "kind": "compound",
                "slug": row["slug"],
                "name": name,
                "stage": stage,
                "stage_label": self._stage_labels.get(stage, "") if stage else "",
                "url": self._url_template.replace("slug-here", row["slug"]),
            },
        )


def _feature(position: tuple[float, float], properties: dict) -> dict:
    lat, lng = position
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
        "properties": properties,
    }
