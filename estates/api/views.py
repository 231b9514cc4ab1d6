"""Read-only API resources of the estates app, on the same selectors as the site."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view

from estates import selectors
from estates.selectors import programmes as programme_selectors
from estates.selectors.estate_page import estate_page
from renovation_portal.api.filters import names_contain
from renovation_portal.api.viewsets import ID_PATTERN, PortalReadOnlyViewSet

from . import filters, serializers
from . import programmes as programme_serializers


@extend_schema_view(
    list=extend_schema(
        summary="List compounds",
        description="Compounds (residential estates), filtered, searched, paged.",
    ),
    retrieve=extend_schema(
        summary="One compound",
        description=(
            "A compound with its stage, steps, works, photos, property company, "
            "merged courtyard, lanes, current construction notices and councils."
        ),
    ),
)
class EstateViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.EstateListSerializer
    detail_serializer_class = serializers.EstateDetailSerializer
    filterset_class = filters.EstateFilter
    ordering_fields = {
        "name": "name_zh_hans",
        "year_built": "year_built",
        "renovation_year": "renovation_year",
        "households": "households",
        "floor_area_m2": "floor_area_m2",
        "updated_at": "updated_at",
    }
    search_description = (
        "The compound's name as residents say it: Chinese characters, pinyin "
        "(with or without tones and spaces), pinyin initials (`jdy`), English "
        "name, aliases or address. Best matches come first."
    )

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.estate_detail()
        return selectors.estate_list()

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        # The records get_queryset() gives, read with prepared queries, as
        # the compound's page reads them (issue 17: a fast miss). A detail
        # takes no filter (only ?lang=), so nothing else narrows it.
        estate = estate_page(
            self.kwargs[self.lookup_field], honour_partners=False, meetings=False
        )
        if estate is None:
            raise Http404
        self.check_object_permissions(self.request, estate)
        return estate

    def search_queryset(self, queryset, text):
        return selectors.estate_search(query=text, queryset=queryset)


@extend_schema_view(
    list=extend_schema(summary="List communities"),
    retrieve=extend_schema(
        summary="One community",
        description="A community with its complete-community checklist and councils.",
    ),
)
class CommunityViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.CommunityListSerializer
    detail_serializer_class = serializers.CommunityDetailSerializer
    filterset_class = filters.CommunityFilter
    ordering_fields = {"name": "name_zh_hans"}

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.community_detail()
        return selectors.community_list()

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name")


@extend_schema_view(
    list=extend_schema(summary="List merged courtyards"),
    retrieve=extend_schema(
        summary="One merged courtyard",
        description="A merged courtyard with its compounds and facilities.",
    ),
)
class CourtyardViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.CourtyardListSerializer
    detail_serializer_class = serializers.CourtyardDetailSerializer
    filterset_class = filters.CourtyardFilter
    ordering_fields = {"name": "name_zh_hans", "buildings": "buildings"}

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.courtyard_detail()
        return selectors.courtyard_list()

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name")


@extend_schema_view(
    list=extend_schema(summary="List facilities"),
    retrieve=extend_schema(summary="One facility"),
)
class FacilityViewSet(PortalReadOnlyViewSet):
    list_serializer_class = serializers.FacilityListSerializer
    detail_serializer_class = serializers.FacilityDetailSerializer
    filterset_class = filters.FacilityFilter
    ordering_fields = {"name": "name_zh_hans", "kind": "kind", "area_m2": "area_m2"}

    def get_queryset(self):
        return selectors.facility_list()

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name")


@extend_schema_view(
    list=extend_schema(
        summary="List construction notices",
        description="What is closed or disturbed, in which compound, and when.",
    ),
    retrieve=extend_schema(summary="One construction notice"),
)
class NoticeViewSet(PortalReadOnlyViewSet):
    serializer_class = serializers.NoticeSerializer
    filterset_class = filters.NoticeFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    ordering_fields = {"starts_at": "starts_at", "ends_at": "ends_at"}

    def get_queryset(self):
        return selectors.notice_list()

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "title")


@extend_schema_view(
    list=extend_schema(
        summary="List renovation programmes",
        description=(
            "Renovation programmes, each run by one authority over the places it "
            "covers, with how many of their compounds the portal names."
        ),
    ),
    retrieve=extend_schema(
        summary="One renovation programme",
        description=(
            "A programme with its sources, batches or phases, every reported "
            "figure (value, precision, unit, as-of date, source; null when the "
            "source does not give it), the pillars of its model, its named "
            "compounds by stage and the address of their list."
        ),
    ),
)
class ProgrammeViewSet(PortalReadOnlyViewSet):
    list_serializer_class = programme_serializers.ProgrammeListSerializer
    detail_serializer_class = programme_serializers.ProgrammeDetailSerializer
    filterset_class = filters.ProgrammeFilter
    ordering_fields = {
        "position": "position",
        "name": "name_zh_hans",
        "start_year": "start_year",
    }

    def get_queryset(self):
        queryset = programme_selectors.programme_with_counts()
        if self.action == "retrieve":
            return queryset.prefetch_related("sources", "batches", "pillars")
        return queryset

    def search_queryset(self, queryset, text):
        return names_contain(queryset, text, "name", "short_name")
