"""Reads shared by pages and the API; each carries the joins it needs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Estate, ProgrammeFact


def estate_list() -> QuerySet[Estate]:
    return Estate.objects.select_related("community", "property_company")


def estate_detail() -> QuerySet[Estate]:
    return Estate.objects.select_related(
        "community__subdistrict", "property_company", "courtyard"
    ).prefetch_related("honours", "works", "steps__template")


def programme_facts() -> QuerySet[ProgrammeFact]:
    return ProgrammeFact.objects.select_related("subdistrict").order_by(
        "subdistrict", "position"
    )
