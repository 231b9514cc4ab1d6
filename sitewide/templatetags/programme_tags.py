"""Template helpers for programmes: reported figures with their precision,
sources, and case-study text with live figures."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renovation_portal.figures import figure_text, is_chinese
from renovation_portal.translation import is_fallback

register = template.Library()

PRECISION_NOTES = {
    "at_least": lambda: _("at least this figure (the source says 余)"),
    "about": lambda: _("an approximate figure (the source says 约)"),
    "nearly": lambda: _("nearly this figure (the source says 近)"),
}


def _unit(unit_pair: tuple[str, str]) -> str:
    return unit_pair[0] if is_chinese() else unit_pair[1]


def _not_disclosed():
    return format_html(
        '<span class="undisclosed">{}</span>', pgettext("figure", "not disclosed")
    )


def figure_html(
    value, precision: str, unit_pair: tuple[str, str], *, large_units: bool = True
):
    if value is None:
        return _not_disclosed()
    text = figure_text(value, precision, _unit(unit_pair), large_units=large_units)
    note = PRECISION_NOTES.get(precision)
    if note is None:
        return format_html('<span class="figure">{}</span>', text)
    return format_html(
        '<span class="figure is-{}" title="{}">{}</span>', precision, note(), text
    )


@register.simple_tag
def reported(figure):
    """A reported figure as its source words it: "9,000+ households",
    "约1.48万户"; "not disclosed" when the source does not give it."""
    if figure is None:
        return _not_disclosed()
    return figure_html(figure.value, figure.precision, figure.unit_pair)


@register.simple_tag
def computed(value, precision, unit_zh, unit_en):
    """A figure the portal computed from reported ones (a rate, in plain
    digits)."""
    return figure_html(
        value, precision or "exact", (unit_zh, unit_en), large_units=False
    )


@register.simple_tag
def count_of(count, unit_zh, unit_en):
    """A count from the register, always exact."""
    return figure_html(count, "exact", (unit_zh, unit_en))


@register.filter
def precision_note(precision):
    note = PRECISION_NOTES.get(precision)
    return note() if note else ""


@register.inclusion_tag("programmes/_source.html")
def cite(source):
    return {"source": source}


FIGURE_TOKEN = re.compile(r"\[\[([A-Za-z0-9_-]+)\]\]")
# Lines of Chinese text are joined without a space between two characters.
WIDE = "\u3000-\u9fff\uff00-\uffef"
HAN_BREAK = re.compile(rf"(?<=[{WIDE}])\s+(?=[{WIDE}])")
LIST_ITEM = re.compile(r"^\s*[-•]\s+")


def _inline(text: str, figures: dict):
    """Escape ``text``; ``[[key]]`` becomes the figure's value (or "not
    disclosed" for a key the programme does not have)."""
    parts = []
    position = 0
    for match in FIGURE_TOKEN.finditer(text):
        parts.append(format_html("{}", text[position : match.start()]))
        parts.append(str(reported(figures.get(match.group(1)))))
        position = match.end()
    parts.append(format_html("{}", text[position:]))
    return mark_safe("".join(parts))


@register.simple_tag
def rich_text(text, figures=None):
    """Case-study text: a blank line starts a paragraph, "- " lines make a
    list, ``[[key]]`` shows a figure live. Everything else is escaped."""
    figures = figures or {}
    blocks = re.split(r"\n\s*\n", (text or "").strip())
    html = []
    for block in blocks:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(LIST_ITEM.match(line) for line in lines):
            items = format_html_join(
                "",
                "<li>{}</li>",
                ((_inline(LIST_ITEM.sub("", line), figures),) for line in lines),
            )
            html.append(format_html("<ul>{}</ul>", items))
        else:
            paragraph = HAN_BREAK.sub("", " ".join(line.strip() for line in lines))
            html.append(format_html("<p>{}</p>", _inline(paragraph, figures)))
    return mark_safe("\n".join(html))


@register.simple_tag
def rich_field(obj, name, figures=None):
    """A translated text field through :func:`rich_text`; Chinese shown on an
    English page is marked as Chinese, with a visible note."""
    text = rich_text(getattr(obj, name), figures)
    if not is_fallback(obj, name):
        return text
    return format_html(
        '<div lang="zh-Hans">{}</div><p class="fallback">{}</p>',
        text,
        _("(in Chinese; not yet translated)"),
    )


CHART_WIDTH = 360
CHART_ROW = 48
CHART_LABEL_ROOM = 150


@register.inclusion_tag("programmes/_compare_chart.html")
def compare_chart(row, programmes, number):
    """One compared figure as an SVG bar chart, a bar per programme. A bar
    of an "at least" figure is drawn open-ended, an approximate one dashed;
    the value beside it is worded as the source words it."""
    values = [
        cell.figure.value if cell.figure is not None else cell.value
        for cell in row.cells
    ]
    top = max((v for v in values if v is not None), default=0)
    room = CHART_WIDTH - CHART_LABEL_ROOM
    bars = []
    for index, (programme, cell, value) in enumerate(
        zip(programmes, row.cells, values, strict=True)
    ):
        precision = cell.figure.precision if cell.figure is not None else cell.precision
        unit = row.unit[0] if is_chinese() else row.unit[1]
        text = figure_text(value, precision, unit, large_units=row.kind != "computed")
        width = round(float(value) / float(top) * room, 1) if top and value else 0
        y = index * CHART_ROW
        bars.append(
            {
                "label": programme.short_name,
                "text": text,
                "precision": precision,
                "width": width,
                "label_y": y + 16,
                "bar_y": y + 22,
                "text_y": y + 36,
                "text_x": min(width, room) + 6,
            }
        )
    return {
        "chart_id": f"compare-chart-{number}",
        "title": row.label,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(bars) * CHART_ROW + 4,
    }


@register.simple_tag
def programme_years(programme) -> str:
    """ "2022", "2019–2022", "since 2019" ("2022年", "2019—2022年", "2019年起"),
    or "" when the years are not known."""
    start, end = programme.start_year, programme.end_year
    if not start:
        return ""
    if end == start:
        return pgettext("a programme's one year", "%(year)s") % {"year": start}
    if end:
        return pgettext("a programme's years", "%(start)s–%(end)s") % {
            "start": start,
            "end": end,
        }
    return _("since %(year)s") % {"year": start}
