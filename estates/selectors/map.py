"""The map's points: compounds in a bounding box, clustered on a grid when many.

One answer never holds more than a few thousand features, whatever the
register's size (issue 19): up to ``MAP_POINTS_LIMIT`` compounds are sent one
by one; beyond that the box is cut into square cells whose side follows the
zoom (about ``CELL_PIXELS`` on screen) and one SQL ``GROUP BY`` counts each
cell, so the answer has at most about ``MAX_CELLS_PER_SIDE`` squared features.
A cell that holds one compound is sent as that compound. At most three
queries, whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, FloatField, Min, OuterRef, Q
from django.db.models.functions import Cast, Floor

from estates.models import Estate, ProgrammeMembership, Stage

# Compounds sent one by one when the box holds no more than this.
MAP_POINTS_LIMIT = 300
# A cell is about this many pixels on the side on a 256-pixel-tile map.
CELL_PIXELS = 64
CELL_DEGREES_AT_ZOOM_0 = 360 * CELL_PIXELS / 256
# Whatever box and zoom a client sends, no more cells than this on a side.
MAX_CELLS_PER_SIDE = 40
MAX_ZOOM = 20

POINT_FIELDS = (
    "id",
    "slug",
    "name_zh_hans",
    "name_en",
    "stage",
    "latitude",
    "longitude",
)


@dataclass(frozen=True)
class Box:
    """A WGS-84 bounding box, west < east and south < north."""

    west: float
    south: float
    east: float
    north: float


@dataclass
class Cluster:
    latitude: float
    longitude: float
    count: int
    by_stage: dict[str, int] = field(default_factory=dict)


@dataclass
class MapPoints:
    compounds: list[dict]
    clusters: list[Cluster]
    cell_degrees: float | None = None


def cell_degrees(box: Box, zoom: int) -> float:
    """The side of a grid cell: ``CELL_PIXELS`` at this zoom, or coarser when
    the box would otherwise hold more than ``MAX_CELLS_PER_SIDE`` a side."""
    by_zoom = CELL_DEGREES_AT_ZOOM_0 / 2**zoom
    span = max(box.east - box.west, box.north - box.south)
    return max(by_zoom, span / MAX_CELLS_PER_SIDE)


def _in_box(box: Box, *, stage: str | None, programme: str | None):
    estates = Estate.objects.filter(
        latitude__gte=box.south,
        latitude__lte=box.north,
        longitude__gte=box.west,
        longitude__lte=box.east,
    ).order_by()
    if stage:
        estates = estates.filter(stage=stage)
    if programme:
        estates = estates.filter(
            Exists(
                ProgrammeMembership.objects.filter(
                    estate=OuterRef("pk"), programme__slug=programme
                )
            )
        )
    return estates


def map_points(
    box: Box,
    zoom: int,
    *,
    stage: str | None = None,
    programme: str | None = None,
) -> MapPoints:
    """The compounds in ``box`` (with coordinates), or their grid clusters."""
    estates = _in_box(box, stage=stage, programme=programme)
    points = list(estates.values(*POINT_FIELDS)[: MAP_POINTS_LIMIT + 1])
    if len(points) <= MAP_POINTS_LIMIT:
        return MapPoints(compounds=points, clusters=[])
    cell = cell_degrees(box, zoom)
    stage_counts = {value: Count("pk", filter=Q(stage=value)) for value in Stage.values}
    cells = (
        estates.annotate(
            cell_y=Floor(Cast("latitude", FloatField()) / cell),
            cell_x=Floor(Cast("longitude", FloatField()) / cell),
        )
        .values("cell_y", "cell_x")
        .annotate(
            count=Count("pk"),
            mean_lat=Avg(Cast("latitude", FloatField())),
            mean_lng=Avg(Cast("longitude", FloatField())),
            first=Min("pk"),
            **{f"stage_{value}": counted for value, counted in stage_counts.items()},
        )
        .order_by()
    )
    clusters, single_ids = [], []
    for row in cells:
        if row["count"] == 1:
            single_ids.append(row["first"])
            continue
        clusters.append(
            Cluster(
                latitude=row["mean_lat"],
                longitude=row["mean_lng"],
                count=row["count"],
                by_stage={
                    value: row[f"stage_{value}"]
                    for value in Stage.values
                    if row[f"stage_{value}"]
                },
            )
        )
    compounds = []
    if single_ids:
        compounds = list(
            Estate.objects.filter(pk__in=single_ids).order_by().values(*POINT_FIELDS)
        )
    return MapPoints(compounds=compounds, clusters=clusters, cell_degrees=cell)
