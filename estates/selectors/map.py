"""The map's points: compounds in a bounding box, clustered on a grid when many.

One answer never holds more than a few thousand features, whatever the
register's size (issue 19): up to ``MAP_POINTS_LIMIT`` compounds are sent one
by one; beyond that the box is cut into square cells whose side follows the
zoom (about ``CELL_PIXELS`` on screen) and one SQL ``GROUP BY`` counts each
cell, so the answer has at most about ``MAX_CELLS_PER_SIDE`` squared features.
A cell that holds one compound is sent as that compound. At most three
queries, whatever the data.

Counting a country's worth of compounds takes PostgreSQL a few hundred
milliseconds, so at the coarse zooms (a country, a province) the grid is the
whole register's, counted once per data change and kept in the cache
(``page_cache.per_generation``, as the home page's stage counts are); the box
then only picks its cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, FloatField, Min, OuterRef, Q
from django.db.models.functions import Cast, Floor

from estates.models import Estate, ProgrammeMembership, Stage
from renovation_portal import page_cache

# Compounds sent one by one when the box holds no more than this.
MAP_POINTS_LIMIT = 300
# A cell is about this many pixels on the side on a 256-pixel-tile map.
CELL_PIXELS = 64
CELL_DEGREES_AT_ZOOM_0 = 360 * CELL_PIXELS / 256
# Whatever box and zoom a client sends, no more cells than this on a side.
MAX_CELLS_PER_SIDE = 40
MAX_ZOOM = 20
# Up to this zoom (cells of 0.35 degrees and more) the grid is the whole
# register's, kept per data change; past it a box's compounds are few enough
# to count at each request (a 1920-pixel screen at zoom 9 is 5 degrees wide).
KEPT_GRID_MAX_ZOOM = 8

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
    """A WGS-84 bounding box, west <= east and south <= north."""

    west: float
    south: float
    east: float
    north: float


WORLD = Box(west=-180.0, south=-90.0, east=180.0, north=90.0)


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


def grid_zoom(box: Box, zoom: int) -> int:
    """The zoom whose cells the grid uses: the map's, or coarser while the box
    would hold more than ``MAX_CELLS_PER_SIDE`` cells a side. Cells are always
    ``CELL_DEGREES_AT_ZOOM_0 / 2**zoom``, so a coarse cell is whole finer
    ones and a zoom's grid is the same whatever box asks for it."""
    span = max(box.east - box.west, box.north - box.south)
    while zoom > 0 and span > MAX_CELLS_PER_SIDE * cell_side(zoom):
        zoom -= 1
    return zoom


def cell_side(zoom: int) -> float:
    return CELL_DEGREES_AT_ZOOM_0 / 2**zoom


def _in_box(
    box: Box,
    *,
    stage: str | None,
    programme: str | None,
    community: str | None = None,
):
    estates = Estate.objects.filter(
        latitude__gte=box.south,
        latitude__lte=box.north,
        longitude__gte=box.west,
        longitude__lte=box.east,
    ).order_by()
    if stage:
        estates = estates.filter(stage=stage)
    if community:
        estates = estates.filter(community__slug=community)
    if programme:
        estates = estates.filter(
            Exists(
                ProgrammeMembership.objects.filter(
                    estate=OuterRef("pk"), programme__slug=programme
                )
            )
        )
    return estates


def _grid(estates, cell: float) -> list[tuple]:
    """(cell row, cell column, count, mean latitude, mean longitude, an id,
    {stage: count}) of each cell holding some of ``estates``."""
    stage_counts = {
        f"stage_{value}": Count("pk", filter=Q(stage=value)) for value in Stage.values
    }
    rows = (
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
            **stage_counts,
        )
        .order_by()
    )
    return [
        (
            int(row["cell_y"]),
            int(row["cell_x"]),
            row["count"],
            row["mean_lat"],
            row["mean_lng"],
            row["first"],
            {
                value: row[f"stage_{value}"]
                for value in Stage.values
                if row[f"stage_{value}"]
            },
        )
        for row in rows
    ]


def _kept_grid_name(
    zoom: int, stage: str | None, programme: str | None, community: str | None
) -> str:
    return f"map-grid:{zoom}:{stage or ''}:{programme or ''}:{community or ''}"


def count_kept_grid(
    zoom: int, stage: str | None, programme: str | None, community: str | None
) -> list[tuple]:
    """The whole register's grid at ``zoom``: one GROUP BY over every
    located compound (a few hundred ms at 250,000)."""
    found = _in_box(WORLD, stage=stage, programme=programme, community=community)
    return _grid(found, cell_side(zoom))


def refresh_kept_grid(
    zoom: int, stage: str | None, programme: str | None, community: str | None
) -> None:
    """Count a kept grid again and keep it (the job estates.refresh_map_grid)."""
    page_cache.store_kept(
        _kept_grid_name(zoom, stage, programme, community),
        lambda: count_kept_grid(zoom, stage, programme, community),
    )


def _kept_grid(
    zoom: int, *, stage: str | None, programme: str | None, community: str | None
) -> list:
    """The whole register's grid at a coarse zoom: a view of the country
    would otherwise read every compound. Counted by a job after a data
    change (page_cache.kept_or_refreshed): until the job has counted, the
    grid of before the change is served, so no request pays for the count
    but the very first."""
    from estates.tasks import refresh_map_grid

    args = (zoom, stage, programme, community)
    return page_cache.kept_or_refreshed(
        _kept_grid_name(*args),
        lambda: count_kept_grid(*args),
        lambda: refresh_map_grid.delay_quietly(*args),
    )


def map_points(
    box: Box,
    zoom: int,
    *,
    stage: str | None = None,
    programme: str | None = None,
    community: str | None = None,
) -> MapPoints:
    """The compounds in ``box`` (with coordinates), or their grid clusters."""
    estates = _in_box(box, stage=stage, programme=programme, community=community)
    points = list(estates.values(*POINT_FIELDS)[: MAP_POINTS_LIMIT + 1])
    if len(points) <= MAP_POINTS_LIMIT:
        return MapPoints(compounds=points, clusters=[])
    zoom = grid_zoom(box, zoom)
    cell = cell_side(zoom)
    if zoom <= KEPT_GRID_MAX_ZOOM:
        rows_from, rows_to = math.floor(box.south / cell), math.floor(box.north / cell)
        cols_from, cols_to = math.floor(box.west / cell), math.floor(box.east / cell)
        cells = [
            row
            for row in _kept_grid(
                zoom, stage=stage, programme=programme, community=community
            )
            if rows_from <= row[0] <= rows_to and cols_from <= row[1] <= cols_to
        ]
    else:
        cells = _grid(estates, cell)
    clusters, single_ids = [], []
    for _row, _col, count, mean_lat, mean_lng, first, by_stage in cells:
        if count == 1:
            single_ids.append(first)
            continue
        clusters.append(
            Cluster(
                latitude=mean_lat, longitude=mean_lng, count=count, by_stage=by_stage
            )
        )
    compounds = []
    if single_ids:
        compounds = list(
            Estate.objects.filter(pk__in=single_ids).order_by().values(*POINT_FIELDS)
        )
    return MapPoints(compounds=compounds, clusters=clusters, cell_degrees=cell)


# A compound this far from the middle of its community's other compounds is
# worth a second look: a typing slip, or latitude and longitude swapped.
FAR_FROM_COMMUNITY_KM = 5


def community_centre(
    *, community_id: int, excluding: int | None = None
) -> tuple[float, float] | None:
    """The mean position of a community's located compounds (but one), or
    None when it has none: one aggregate query."""
    found = (
        Estate.objects.filter(
            community_id=community_id,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .exclude(pk=excluding)
        .aggregate(
            lat=Avg(Cast("latitude", FloatField())),
            lng=Avg(Cast("longitude", FloatField())),
        )
    )
    if found["lat"] is None:
        return None
    return found["lat"], found["lng"]
