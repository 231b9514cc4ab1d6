"""Read-only API resources of the lanes app, on the same selectors as the site."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from lanes import selectors
from renovation_portal.api.filters import names_contain
from renovation_portal.api.viewsets import PortalReadOnlyViewSet

from . import filters, serializers


@extend_schema_view(
    list=extend_schema(summary="List themed lanes"),
    retrieve=extend_schema(
        summary="One themed lane",
        description=(
            "A lane with its features, tenants, honours, the compounds beside it "
            "and its events."
        ),
    ),
)
class LaneViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.LaneListSerializer
    detail_serializer_class = serializers.LaneDetailSerializer
    filterset_class = filters.LaneFilter
    ordering_fields = {
        "name": "name_zh_hans",
        "occupancy_percent": "occupancy_percent",
        "length_m": "length_m",
    }

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.lane_detail()
        return selectors.lane_list().order_by("name_zh_hans", "pk")

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name", "theme")


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description="One-off and recurring events at lanes and facilities.",
    ),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.EventListSerializer
    detail_serializer_class = serializers.EventDetailSerializer
    filterset_class = filters.EventFilter
    ordering_fields = {"starts_on": "starts_on", "title": "title_zh_hans"}

    def get_queryset(self):
        return selectors.event_list().order_by("starts_on", "title_zh_hans", "pk")

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "title")
