"""Components of the estate pages that carry a little logic."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from estates.models import Stage
from estates.models.estates import STAGE_ORDER
from estates.selectors import stage_state
from renovation_portal.translation import is_fallback

register = template.Library()


@register.simple_tag
def estate_stage(stage: str | None, reported_on=None) -> str:
    """The five stages at a glance: marks for done/current/upcoming, and text.

    The marks differ in shape, not only in colour, and are hidden from screen
    readers, which read the sentence beside them. ``reported_on``: the stage
    is not the steps' but what a programme's source reported on that date,
    and the glance says so.
    """
    glance = _stage_glance(stage, get_language())
    if stage and reported_on:
        return format_html(
            '{}<small class="stage-reported">{}</small>',
            glance,
            _("as its programme’s source reported on %(date)s")
            % {"date": date_format(reported_on, "DATE_FORMAT")},
        )
    return glance


# Six stages (five and "not disclosed") in two languages: each glance is
# rendered once per process, not once per row of a list of twenty (issue 7:
# 1.5 ms of a search page). Templates and catalogues only change on deploy,
# which starts new processes.
@functools.lru_cache(maxsize=32)
def _stage_glance(stage: str | None, language: str | None) -> str:
    track = [
        {"value": value, "label": label, "state": stage_state(value, stage)}
        for value, label in Stage.choices
    ]
    number = Stage.order(stage) + 1 if stage in STAGE_ORDER else None
    return render_to_string(
        "includes/estate_stage.html",
        {
            "track": track,
            "number": number,
            "total": len(track),
            "label": Stage(stage).label if number else "",
        },
    )


@register.inclusion_tag("includes/estate_pagination.html", takes_context=True)
def estate_pagination(context, page_obj, label):
    """Previous/next and a few page numbers; other query parameters are kept."""
    paginator = page_obj.paginator
    return {
        "request": context.get("request"),
        "page_obj": page_obj,
        "label": label,
        "page_range": list(
            paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
        ),
        "ellipsis": paginator.ELLIPSIS,
    }


@register.simple_tag
def feedback_url(estate) -> str:
    """The feedback form's address for ``estate``, or "" while there is none.

    The feedback pages come with a later issue; until they exist the estate
    page leaves the link out rather than fail.
    """
    try:
        url = reverse("feedback:feedback-new")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'estate': estate.slug})}"


_NOT_DIALLED = re.compile(r"[^0-9+]")


@register.filter
def tel_href(phone: str) -> str:
    """A ``tel:`` address for a number as printed ("0392-123 4567")."""
    digits = _NOT_DIALLED.sub("", phone or "")
    return f"tel:{digits}" if digits else ""


@register.filter
def is_fallback_field(obj, name: str) -> bool:
    """True when ``obj.<name>`` shows Chinese on a page in another language.

    For content split into parts (one zone per line) that ``{% tr %}`` cannot
    wrap whole, so each part can carry ``lang="zh-Hans"``.
    """
    return is_fallback(obj, name)
