"""Read-only API resources of the governance app, on its selectors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from governance import selectors
from renovation_portal.api.filters import names_contain
from renovation_portal.api.viewsets import ID_PATTERN, PortalReadOnlyViewSet

from . import filters, serializers


@extend_schema_view(
    list=extend_schema(
        summary="List residents' councils",
        description="Councils at the three levels, each with its latest meetings.",
    ),
    retrieve=extend_schema(summary="One residents' council"),
)
class CouncilViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.CouncilListSerializer
    detail_serializer_class = serializers.CouncilDetailSerializer
    filterset_class = filters.CouncilFilter
    ordering_fields = {"name": "name_zh_hans", "level": "level"}

    def get_queryset(self):
        return selectors.council_list().order_by("level", "name_zh_hans", "pk")

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name")


@extend_schema_view(
    list=extend_schema(
        summary="List council meetings",
        description="Meetings with their agenda and decisions; never the minutes.",
    ),
    retrieve=extend_schema(summary="One council meeting"),
)
class MeetingViewSet(PortalReadOnlyViewSet):
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    ordering_fields = {"held_on": "held_on"}

    def get_queryset(self):
        return (
            selectors.meetings_public()
            .select_related("council")
            .order_by("-held_on", "-pk")
        )

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "title")


@extend_schema_view(
    list=extend_schema(
        summary="List organisations",
        description=(
            "Joint Party branches, committees, volunteer teams (with their "
            "sub-teams) and utility partners. Counts only; no member is named."
        ),
    ),
    retrieve=extend_schema(summary="One organisation"),
)
class OrganisationViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.OrganisationListSerializer
    detail_serializer_class = serializers.OrganisationDetailSerializer
    filterset_class = filters.OrganisationFilter
    ordering_fields = {"name": "name_zh_hans", "kind": "kind"}

    def get_queryset(self):
        return selectors.organisation_list().order_by("kind", "name_zh_hans", "pk")

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name")
