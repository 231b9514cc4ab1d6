"""The satisfaction survey on the estate page (issue 5, item 4).

A tag of the governance app, loaded by the estate page's template, so that the
estates app keeps knowing nothing of governance (DESIGN.md "Layout").
"""

from django import template

from governance import selectors
from renovation_portal import page_cache

register = template.Library()


@register.simple_tag
def estate_satisfaction(estate):
    """The estate's survey and its public aggregates (one query), or None.

    Its answers change the page once there are enough to show results
    (selectors.survey_answer_changes)."""
    satisfaction = selectors.estate_satisfaction(estate=estate)
    if satisfaction is not None:
        page_cache.shows_children_of(satisfaction.survey)
    return satisfaction


@register.filter
def score_rows(distribution) -> list[dict]:
    """A dimension's distribution as rows for ``portal.bar_chart``."""
    return [
        {
            "key": item.score,
            "label": f"{item.score} · {item.label}",
            "count": item.count,
        }
        for item in distribution
    ]
