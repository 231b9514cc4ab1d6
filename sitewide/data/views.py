"""The /data/ page and its downloads.

CSV is UTF-8 with a byte-order mark, so that Excel opens the Chinese text
correctly, and is streamed: rows are read from the database in chunks and sent
as they are written, so a national register takes the same memory as a
subdistrict's; JSON carries the data dictionary beside the records; GeoJSON holds
the records that have coordinates (RFC 7946: longitude first, WGS-84).
"""

from __future__ import annotations

import csv
import json

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from estates.selectors import programmes as programme_selectors
from estates.selectors.programmes import programme_from_request

from .datasets import DATASETS, Dataset, plain

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
}


def dictionary(dataset: Dataset) -> list[dict]:
    """Each column's meaning and unit, in Chinese and in English."""
    rows = []
    for col in dataset.columns:
        row = {"field": col.key}
        for code in ("zh-hans", "en"):
            with translation.override(code):
                row[f"meaning_{code.replace('-', '_')}"] = str(col.meaning)
                row[f"unit_{code.replace('-', '_')}"] = str(col.unit)
        rows.append(row)
    return rows


def rows(dataset: Dataset, programme=None) -> list[dict]:
    return [
        {col.key: plain(col.read(record)) for col in dataset.columns}
        for record in dataset.records(programme)
    ]


# Rows fetched from the database at a time while streaming a CSV.
CSV_CHUNK_ROWS = 2000


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def as_csv(dataset: Dataset, programme=None):
    """The dataset as CSV lines, one at a time (Django's streaming CSV recipe).
    https://docs.djangoproject.com/en/5.2/howto/outputting-csv/#streaming-large-csv-files
    """
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([c.key for c in dataset.columns])
    records = dataset.records(programme)
    if hasattr(records, "iterator"):
        records = records.iterator(chunk_size=CSV_CHUNK_ROWS)
    for record in records:
        yield writer.writerow(
            [
                "" if v is None else v
                for v in (plain(c.read(record)) for c in dataset.columns)
            ]
        )


def as_json(dataset: Dataset, programme=None) -> str:
    return json.dumps(
        {
            "dataset": dataset.slug,
            "programme": programme.slug if programme else None,
            "fields": dictionary(dataset),
            "records": rows(dataset, programme),
        },
        ensure_ascii=False,
        indent=1,
    )


def as_geojson(dataset: Dataset, programme=None) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [row["longitude"], row["latitude"]],
            },
            "properties": {
                k: v for k, v in row.items() if k not in ("latitude", "longitude")
            },
        }
        for row in rows(dataset, programme)
        if row["latitude"] is not None and row["longitude"] is not None
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        indent=1,
    )


WRITERS = {"csv": as_csv, "json": as_json, "geojson": as_geojson}


@require_GET
def download(request, dataset: str, extension: str):
    """A dataset as a file; ``?programme=<slug>`` narrows it to one programme."""
    found = DATASETS.get(dataset)
    if found is None or extension not in found.formats:
        raise Http404
    programme = programme_from_request(request)
    response_class = StreamingHttpResponse if extension == "csv" else HttpResponse
    response = response_class(
        WRITERS[extension](found, programme), content_type=CONTENT_TYPES[extension]
    )
    name = f"{found.slug}-{programme.slug}" if programme else found.slug
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# The /data/ page links each programme's own files for the first ones; any
# programme's are at the same addresses with ?programme=<slug>.
DATA_PROGRAMMES = 20


class DataView(TemplateView):
    template_name = "data/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["api_url"] = reverse("api:root")
        context["docs_url"] = reverse("api:docs")
        context["datasets"] = [
            {"dataset": d, "dictionary": dictionary(d)} for d in DATASETS.values()
        ]
        programmes = list(programme_selectors.programme_picker(limit=DATA_PROGRAMMES))
        context["programmes"] = programmes[:DATA_PROGRAMMES]
        context["more_programmes"] = len(programmes) > DATA_PROGRAMMES
        return context
