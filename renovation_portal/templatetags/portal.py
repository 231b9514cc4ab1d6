"""Template helpers for bilingual content and undisclosed figures."""

import functools
import math

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from translated_fields import to_attribute

from renovation_portal import maps
from renovation_portal.figures import is_chinese, number_text
from renovation_portal.search import has_han
from renovation_portal.translation import (
    PRIMARY_LANGUAGE,
    active_content_language,
    is_fallback,
)

register = template.Library()


@register.simple_tag
def tr(obj, name):
    """A translated content field in the active language.

    When English is asked for but only Chinese exists, the Chinese text is shown
    marked as Chinese (``lang`` for screen readers) with a visible note.
    """
    value = getattr(obj, name)
    if is_fallback(obj, name):
        return _marked_fallback(value)
    return value


def _marked_fallback(value):
    return format_html(
        '<span lang="zh-Hans">{}</span> <small class="fallback">{}</small>',
        value,
        _("(in Chinese; not yet translated)"),
    )


_NO_COLUMN = object()


def tr_in(language: str):
    """:func:`tr` for pages compiled for one ``language`` (sitewide/jinja.py):
    the same answer, from the language's column and the Chinese one, without
    asking for the active language three times a field (a compound's page
    shows some fifty fields)."""
    primary = language == PRIMARY_LANGUAGE
    columns: dict[str, tuple[str, str]] = {}

    def tr_(obj, name):
        found = columns.get(name)
        if found is None:
            found = columns[name] = (
                to_attribute(name, language),
                to_attribute(name, PRIMARY_LANGUAGE),
            )
        value = getattr(obj, found[0], _NO_COLUMN)
        if value is _NO_COLUMN:  # not a bilingual field: as tr() gives it
            return tr(obj, name)
        if value or primary:
            return value
        chinese = getattr(obj, found[1])
        return _marked_fallback(chinese) if chinese else chinese

    return tr_


@register.filter
def figure(value, unit=""):
    """A figure with its unit, or "not disclosed" when the source does not give it.

    Numbers are written as the reader's language writes them
    (renovation_portal/figures.py): grouped in thousands in English, in 万 and
    亿 where a Chinese writer would (12000 → 1.2万). A text that starts with
    digits (a batch "2022年第一批") is shown as written, never as "2,022年第一批"."""
    if value is None or value == "":
        return format_html('<span class="undisclosed">{}</span>', _("not disclosed"))
    text = value if isinstance(value, str) else number_text(value)
    if not unit:
        return text
    # Chinese puts a Chinese unit straight after the number: 120万元, 6820 m².
    space = "" if is_chinese() and has_han(str(unit)) else " "
    return f"{text}{space}{unit}"


@register.filter
def number(value):
    """A count as the reader's language writes it: 250,048 in English; 250048,
    or 25万 for a round figure, in Chinese."""
    return "" if value is None else number_text(value)


@register.filter
def lang_attr(text) -> str:
    """` lang="zh-Hans"` for a free text written in Chinese (a clerk's reply)
    shown on a page in another language, so that a screen reader reads it as
    Chinese; nothing otherwise."""
    if not text or is_chinese() or not has_han(str(text)):
        return ""
    return mark_safe(' lang="zh-Hans"')


@register.filter
def without(objects, obj):
    """``objects`` less ``obj`` (compared by primary key)."""
    return [other for other in objects if other.pk != obj.pk]


@register.filter
def choice(obj, field: str):
    """A choice field's label as a value is shown on its own, in the reader's
    language: "Lighting", "Received" (照明, 已收到), never the stored value nor a
    label in lower case. Empty when the field is empty."""
    value = getattr(obj, field, None)
    if not value:
        return ""
    label = _choice_labels(type(obj), field, get_language()).get(value)
    if label is None:  # a value no longer among the choices: as Django shows it
        return capfirst(getattr(obj, f"get_{field}_display")())
    return label


@functools.lru_cache(maxsize=256)
def _choice_labels(model, field: str, language: str | None) -> dict:
    """A field's choices and their labels in one language. Django's
    ``get_FOO_display`` builds this dictionary on every call: a quarter of a
    millisecond for a long list, several times on a compound's page."""
    return {
        value: capfirst(str(label))
        for value, label in model._meta.get_field(field).flatchoices
    }


@register.simple_tag
def jinja_include(name, **values):
    """A part of a page kept once, as a Jinja2 template
    (``jinja_templates/``), shown by a Django template too: the councils of a
    community, which a compound's page (Jinja2) also shows."""
    from django.template import engines

    environment = engines["jinja2"].environment_for()
    return mark_safe(environment.get_template(name).render(values))


@register.simple_tag(takes_context=True)
def alternate_urls(context):
    """The current page in every language, for hreflang links and the switch."""
    from django.conf import settings
    from django.urls import translate_url

    request = context["request"]
    path = request.get_full_path()
    return [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]


# ------------------------------------------------------------------------------
# Programme figures, charts and the map (home, case study)
# ------------------------------------------------------------------------------

# A qualified figure is one phrase, so the word order stays the translator's.
QUALIFIED_FIGURES = {
    "about": gettext_lazy("about %(figure)s"),
    "over": gettext_lazy("over %(figure)s"),
    "nearly": gettext_lazy("nearly %(figure)s"),
}


@register.simple_tag
def fact_value(fact):
    """A stated figure (``value``, ``qualifier``, ``unit``) as the source words it:
    "about 785,800 m²"; "not disclosed" when the value is unknown or missing."""
    if fact is None or fact.value is None:
        return figure(None)
    text = conditional_escape(figure(fact.value, fact.unit))
    phrase = QUALIFIED_FIGURES.get(fact.qualifier)
    return mark_safe(phrase % {"figure": text}) if phrase else text


@register.filter
def source_text(value):
    """A source's name, marked as Chinese on other languages' pages."""
    if value and has_han(value) and active_content_language() != PRIMARY_LANGUAGE:
        return format_html('<span lang="zh-Hans">{}</span>', value)
    return value


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` with scheme and host, for links that must survive printing."""
    return context["request"].build_absolute_uri(path)


CHART_WIDTH = 360
CHART_ROW = 52
CHART_COUNT_ROOM = 56  # space after the longest bar for its number


@register.inclusion_tag("includes/site_bar_chart.html")
def bar_chart(rows, chart_id, title, description, label_heading, count_heading):
    """A horizontal bar chart of ``rows`` (dicts with key, label, count) as
    inline SVG, with the same numbers in a table beside it."""
    rows = list(rows)
    top = max((row["count"] for row in rows), default=0)
    room = CHART_WIDTH - CHART_COUNT_ROOM
    bars = []
    for index, row in enumerate(rows):
        y = index * CHART_ROW
        width = round(row["count"] / top * room, 1) if top else 0
        bars.append(
            {
                **row,
                "label_y": y + 18,
                "bar_y": y + 26,
                "width": width,
                "count_x": width + 6,
                "count_y": y + 40,
            }
        )
    return {
        "chart_id": chart_id,
        "title": title,
        "description": description,
        "label_heading": label_heading,
        "count_heading": count_heading,
        "rows": bars,
        "width": CHART_WIDTH,
        "height": len(rows) * CHART_ROW + 4,
    }


MAP_WIDTH = 640
MAP_PADDING = 64
MAP_MIN_HEIGHT = 240
MAP_MAX_HEIGHT = 640
METRES_PER_DEGREE = 111_320
SCALE_STEPS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)


def _scale_bar(pixels_per_degree: float) -> dict | None:
    """The longest round distance that fits a quarter of the map's width."""
    metres_per_pixel = METRES_PER_DEGREE / pixels_per_degree
    fitting = [d for d in SCALE_STEPS if d / metres_per_pixel <= MAP_WIDTH / 4]
    if not fitting:
        return None
    metres = fitting[-1]
    return {
        "x2": round(16 + metres / metres_per_pixel, 1),
        "metres": metres,
        "kilometres": metres // 1000 if metres >= 1000 else None,
    }


def _project(points: list[dict]) -> dict:
    """Place points on an equirectangular plan of their bounding box, north up.

    Longitudes are shortened by the cosine of the middle latitude so that a
    kilometre east is as long as a kilometre north; plenty for a subdistrict.
    """
    middle = math.radians(
        (min(p["lat"] for p in points) + max(p["lat"] for p in points)) / 2
    )
    for point in points:
        point["east"] = point["lng"] * math.cos(middle)
    west = min(p["east"] for p in points)
    north = max(p["lat"] for p in points)
    span_x = max(p["east"] for p in points) - west
    span_y = north - min(p["lat"] for p in points)
    room_x = MAP_WIDTH - 2 * MAP_PADDING
    room_y = MAP_MAX_HEIGHT - 2 * MAP_PADDING
    if span_x == 0 and span_y == 0:
        scale, height = 0.0, MAP_MIN_HEIGHT
    else:
        scale = min(
            room_x / span_x if span_x else math.inf,
            room_y / span_y if span_y else math.inf,
        )
        height = max(MAP_MIN_HEIGHT, round(span_y * scale) + 2 * MAP_PADDING)
    left = (MAP_WIDTH - span_x * scale) / 2
    top = (height - span_y * scale) / 2
    for point in points:
        x = round(left + (point["east"] - west) * scale, 1)
        y = round(top + (north - point["lat"]) * scale, 1)
        point.update(x=x, y=y, shape=_shape(point["kind"], x, y))
        # Labels run towards the middle so that none leaves the plan.
        if x > MAP_WIDTH * 0.65:
            point.update(label_x=round(x - 10, 1), anchor="end")
        else:
            point.update(label_x=round(x + 10, 1), anchor="start")
    return {"height": height, "scale": _scale_bar(scale) if scale else None}


# Labels are drawn this many units high on the plan: on a 390-pixel phone the
# 640-unit plan is about 360 pixels wide, so 24 units are 13.5 pixels (site.css
# draws them 16 units high once the plan is shown wide).
LABEL_UNITS = 24


def _label_width(name: str) -> float:
    """About how wide a label is, in plan units: a Chinese character is a
    square, a Latin letter a little over half of one."""
    return sum(LABEL_UNITS if ord(c) > 0x2E80 else LABEL_UNITS * 0.58 for c in name)


def _place_labels(points: list[dict]) -> int:
    """Keep each label that overlaps none kept before it (in the points'
    order) and fits on the plan; the list below the plan names every place.
    Returns how many were left off."""
    kept, hidden = [], 0
    for point in points:
        width = _label_width(point["name"])
        top, bottom = point["y"] - LABEL_UNITS * 0.7, point["y"] + LABEL_UNITS * 0.4
        # Towards the middle first (as _project chose), else the other side.
        sides = [point["anchor"], "start" if point["anchor"] == "end" else "end"]
        point["labelled"] = False
        for anchor in sides:
            x = point["x"] + 10 if anchor == "start" else point["x"] - 10
            left, right = (x, x + width) if anchor == "start" else (x - width, x)
            box = (left, top, right, bottom)
            overlaps = any(
                not (box[2] < k[0] or box[0] > k[2] or box[3] < k[1] or box[1] > k[3])
                for k in kept
            )
            if not overlaps and left >= 0 and right <= MAP_WIDTH:
                point.update(labelled=True, anchor=anchor, label_x=round(x, 1))
                kept.append(box)
                break
        if not point["labelled"]:
            hidden += 1
    return hidden


def _convex_hull(points: list[dict]) -> str:
    """The outline of the area the located places cover (their convex hull,
    Andrew's monotone chain) as SVG polygon points; empty for fewer than three
    places or places in a line."""
    corners = sorted({(p["x"], p["y"]) for p in points})
    if len(corners) < 3:
        return ""

    def turn(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for corner in corners:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], corner) <= 0:
            lower.pop()
        lower.append(corner)
    for corner in reversed(corners):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], corner) <= 0:
            upper.pop()
        upper.append(corner)
    hull = lower[:-1] + upper[:-1]
    if len(hull) < 3:
        return ""
    return " ".join(f"{x:g},{y:g}" for x, y in hull)


def _shape(kind: str, x: float, y: float) -> str:
    """Polygon points: a square for a facility, a diamond for a lane."""
    r = 8
    if kind == "facility":
        corners = ((x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r))
    else:
        corners = ((x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y))
    return " ".join(f"{cx:g},{cy:g}" for cx, cy in corners)


@register.inclusion_tag("includes/site_map.html")
def place_map(
    layers, map_id="map", stages=None, programmes=None, more_programmes=False
):
    """An offline plan of places drawn from their coordinates (inline SVG).

    ``layers`` is a list of (kind, found) where ``found`` has ``places``
    (records with ``name``, ``latitude``, ``longitude``), ``more`` (some were
    left out) and ``unlocated`` (how many have no coordinates). Nothing is
    guessed: records without coordinates are counted and said to be so. No
    tile server is needed; a tile layer is left for when one is configured.
    """
    points = []
    for kind, found in layers:
        for obj in found.places:
            url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
            points.append(
                {
                    "kind": kind,
                    "obj": obj,
                    "name": obj.name,
                    "fallback": is_fallback(obj, "name"),
                    "url": url,
                    "lat": float(obj.latitude),
                    "lng": float(obj.longitude),
                }
            )
    plan = _project(points) if points else {"height": 0, "scale": None}
    hidden_labels = _place_labels(points) if points else 0
    return {
        # With tiles configured, the tile map takes the plan's place; the list
        # of places stays beside it (renovation_portal/maps.py).
        "tile_map": maps.tile_map(
            f"{map_id}-tiles",
            points=[(p["lat"], p["lng"]) for p in points],
            stages=stages,
            programmes=programmes,
            more_programmes=more_programmes,
        ),
        "map_id": map_id,
        "points": points,
        "outline": _convex_hull(points) if not maps.tiles_configured() else "",
        "hidden_labels": hidden_labels,
        "width": MAP_WIDTH,
        "height": plan["height"],
        "scale": plan["scale"],
        "scale_y": plan["height"] - 12,
        "kinds": [kind for kind, found in layers if found.places],
        "unlocated": [
            {"kind": kind, "count": found.unlocated}
            for kind, found in layers
            if found.unlocated
        ],
        "more": [kind for kind, found in layers if found.more],
    }
