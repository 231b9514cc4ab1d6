"""Reads shared by the lane and event pages (and the API); each carries its joins."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from estates.models import Estate

from .models import Event, Lane


def lane_list() -> QuerySet[Lane]:
    return Lane.objects.prefetch_related("honours")


def lane_detail() -> QuerySet[Lane]:
    return Lane.objects.select_related("subdistrict").prefetch_related(
        "features",
        "tenants",
        "honours",
        Prefetch(
            "estates",
            queryset=Estate.objects.select_related("community").order_by(
                "name_zh_hans"
            ),
        ),
        Prefetch("events", queryset=event_list()),
    )


def event_list() -> QuerySet[Event]:
    return Event.objects.select_related("lane", "facility")


# Programme-wide reads (home, case study)
# Imports this section alone needs sit inside its functions, so that the
# section stays an addition at the end of the module.


def lanes_overview() -> QuerySet[Lane]:
    """Lanes with their honours and ``estates_beside``, how many estates lie
    beside each."""
    from django.db.models import Count

    return (
        lane_list()
        .annotate(estates_beside=Count("estates", distinct=True))
        .order_by("name_zh_hans", "pk")
    )


def lanes_located():
    from estates.selectors import located

    return located(
        Lane.objects.all(),
        fields=("slug", "name_zh_hans", "name_en"),
    )


def events_recently_updated(*, limit: int) -> list[Event]:
    return list(event_list().order_by("-updated_at", "-pk")[:limit])


def subdistrict_with_events(slug: str):
    """The subdistrict at ``slug`` for its events feed, or None."""
    from estates.models import Subdistrict

    return Subdistrict.objects.filter(slug=slug).only("pk").first()
