"""``/api/v1/map/places/``: facilities, lanes and merged courtyards in a box.

The map's other layers (issue 19), beside the compounds of
``/api/v1/map/points/``: facilities and lanes where they have coordinates,
a lane as its line and a courtyard as its area where staff have drawn them
(``Lane.path``, ``MergedCourtyard.outline``; the source data has points
only, and nothing is invented). These places are few beside compounds, so
they are not clustered: each kind is capped at ``PLACES_LIMIT`` per answer
(``truncated`` says when the box held more) and the map asks for them only
from a street-to-district zoom. Three queries, whatever the data. It draws on
two apps, so it lives in the site-level app.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from estates.api.map import (
    BBOX_PATTERN,
    COORDINATE_SYSTEMS,
    GCJ02,
    WGS84,
    BoxField,
    to_wgs84,
)
from estates.models import Facility, FacilityKind, MergedCourtyard
from lanes.models import Lane
from renovation_portal.api.languages import ALL
from renovation_portal.api.viewsets import PortalViewMixin
from renovation_portal.geo import wgs84_to_gcj02
from renovation_portal.geojson import transformed
from renovation_portal.translation import CONTENT_LANGUAGES, to_attribute

PLACES_LIMIT = 200
KINDS = ("facility", "lane", "courtyard")


class MapPlacesForm(forms.Form):
    bbox = BoxField(label=_("box"))
    crs = forms.ChoiceField(
        label=_("coordinate system"), choices=COORDINATE_SYSTEMS, required=False
    )


def _in_box(queryset, box):
    return queryset.filter(
        latitude__gte=box.south,
        latitude__lte=box.north,
        longitude__gte=box.west,
        longitude__lte=box.east,
    ).order_by("pk")


GEOMETRY_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON Point, LineString (a lane's drawn path) or "
    "Polygon (a courtyard's drawn outline).",
    "properties": {
        "type": {"type": "string", "enum": ["Point", "LineString", "Polygon"]},
        "coordinates": {"type": "array"},
    },
    "required": ["type", "coordinates"],
}
RESPONSE_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "crs": {"type": "string", "enum": [WGS84, GCJ02]},
        "truncated": {
            "type": "boolean",
            "description": f"True when the box held more than {PLACES_LIMIT} "
            "places of some kind; zoom in to see them all.",
        },
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": GEOMETRY_SCHEMA,
                    "properties": {
                        "type": "object",
                        "properties": {
                            "kind": {"type": "string", "enum": list(KINDS)},
                            "slug": {"type": "string"},
                            "name": {"type": ["string", "object"]},
                            "type_label": {"type": "string"},
                            "url": {"type": ["string", "null"], "format": "uri"},
                        },
                        "required": ["kind", "slug", "name", "type_label", "url"],
                    },
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "crs", "truncated", "features"],
}


class MapPlacesView(PortalViewMixin, GenericAPIView):
    pagination_class = None
    filter_backends = []

    def allowed_query_parameters(self) -> set[str]:
        return super().allowed_query_parameters() | {"bbox", "crs"}

    @extend_schema(
        summary="Facilities, lanes and courtyards on the map",
        description=(
            "The facilities and themed lanes with coordinates inside `bbox`, "
            "and the merged courtyards whose drawn outline lies there; a lane "
            "with a drawn path comes as a LineString, a courtyard as a "
            f"Polygon. At most {PLACES_LIMIT} of each kind. GeoJSON; WGS-84 "
            "unless `crs` is `gcj02`."
        ),
        parameters=[
            OpenApiParameter(
                "bbox",
                {"type": "string", "pattern": BBOX_PATTERN},
                required=True,
                description="west,south,east,north in degrees.",
            ),
            OpenApiParameter(
                "crs",
                {"type": "string", "enum": [WGS84, GCJ02]},
                description="The coordinate system of `bbox` and of the answer.",
            ),
        ],
        responses={200: RESPONSE_SCHEMA},
    )
    def get(self, request, *args, **kwargs):
        form = MapPlacesForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        gcj02 = form.cleaned_data["crs"] == GCJ02
        box = form.cleaned_data["bbox"]
        if gcj02:
            box = to_wgs84(box)
        place = wgs84_to_gcj02 if gcj02 else (lambda lat, lng: (lat, lng))
        names = [to_attribute("name", code) for code in CONTENT_LANGUAGES]
        self._language = request.content_language

        facilities = list(
            _in_box(Facility.objects, box).values(
                "slug",
                "kind",
                "latitude",
                "longitude",
                *names,
                "estate__slug",
                "courtyard__slug",
                "community__slug",
            )[: PLACES_LIMIT + 1]
        )
        lanes = list(
            _in_box(Lane.objects, box).values(
                "slug", "latitude", "longitude", "path", *names
            )[: PLACES_LIMIT + 1]
        )
        courtyards = list(
            _in_box(MergedCourtyard.objects.filter(outline__isnull=False), box).values(
                "slug", "outline", *names
            )[: PLACES_LIMIT + 1]
        )
        truncated = any(
            len(found) > PLACES_LIMIT for found in (facilities, lanes, courtyards)
        )
        kinds = dict(FacilityKind.choices)
        url = self._urls(request)
        features = []
        for row in facilities[:PLACES_LIMIT]:
            if row["estate__slug"]:
                link = url("estates:estate-detail", row["estate__slug"])
            elif row["courtyard__slug"]:
                link = url("estates:courtyard-detail", row["courtyard__slug"])
            elif row["community__slug"]:
                link = url("estates:community-detail", row["community__slug"])
            else:
                link = None
            features.append(
                self._feature(
                    _point(place, row),
                    row,
                    "facility",
                    str(kinds.get(row["kind"], "")),
                    link,
                )
            )
        lane_label = str(Lane._meta.verbose_name)
        for row in lanes[:PLACES_LIMIT]:
            geometry = (
                transformed(row["path"], place) if row["path"] else _point(place, row)
            )
            features.append(
                self._feature(
                    geometry,
                    row,
                    "lane",
                    lane_label,
                    url("lanes:lane-detail", row["slug"]),
                )
            )
        courtyard_label = str(MergedCourtyard._meta.verbose_name)
        for row in courtyards[:PLACES_LIMIT]:
            features.append(
                self._feature(
                    transformed(row["outline"], place),
                    row,
                    "courtyard",
                    courtyard_label,
                    url("estates:courtyard-detail", row["slug"]),
                )
            )
        return Response(
            {
                "type": "FeatureCollection",
                "crs": GCJ02 if gcj02 else WGS84,
                "truncated": truncated,
                "features": features,
            }
        )

    def _urls(self, request):
        templates = {}

        def url(name: str, slug: str) -> str:
            # One reverse() per kind of page: slugs are plain ASCII.
            if name not in templates:
                templates[name] = request.build_absolute_uri(
                    reverse(name, kwargs={"slug": "slug-here"})
                )
            return templates[name].replace("slug-here", slug)

        return url

    def _feature(self, geometry, row, kind, type_label, link) -> dict:
        if self._language == ALL:
            name = {
                code: row[to_attribute("name", code)] or ""
                for code in CONTENT_LANGUAGES
            }
        else:
            name = (
                row.get(to_attribute("name", self._language))
                or row[to_attribute("name", CONTENT_LANGUAGES[0])]
            )
        return {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "kind": kind,
                "slug": row["slug"],
                "name": name,
                "type_label": type_label,
                "url": link,
            },
        }


def _point(place, row) -> dict:
    lat, lng = place(float(row["latitude"]), float(row["longitude"]))
    return {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]}
