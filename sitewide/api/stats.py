"""``/api/v1/stats/``: what the portal's records count, across every programme
or (``?programme=<slug>``) within one, with that programme's headline figures.

The headline figures are its sources' own (``estates.ProgrammeFigure``, with
their precision, and null for what a source does not disclose); the counts are
computed from the records. It draws on several apps, so it lives in the
site-level app.
"""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from estates.api.programmes import FigureSerializer
from estates.models import Facility, MergedCourtyard, Programme
from estates.selectors import programmes as programme_selectors
from estates.selectors.programmes import programme_from_request
from governance.models import Council, Organisation
from lanes.models import Lane
from renovation_portal.api.languages import TranslatedField
from renovation_portal.api.viewsets import PortalViewMixin
from renovation_portal.counting import count_each
from sitewide.views import kept_stage_counts

UNKNOWN_STAGE = "unknown"


class ProgrammeReference(serializers.Serializer):
    slug = serializers.CharField()
    name = TranslatedField()


class RecordCountsSerializer(serializers.Serializer):
    programmes = serializers.IntegerField()
    estates = serializers.IntegerField()
    estates_by_stage = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=(
            "Compounds per stage (from their steps, or else as a programme's "
            "source reported it); `unknown`: no stage on record."
        ),
    )
    courtyards = serializers.IntegerField()
    facilities = serializers.IntegerField()
    lanes = serializers.IntegerField()
    councils = serializers.IntegerField()
    organisations = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    programme = ProgrammeReference(allow_null=True)
    figures = FigureSerializer(many=True)
    records = RecordCountsSerializer()


def record_counts(programme: Programme | None = None) -> dict:
    """The register's counts, everywhere or within one programme (its named
    compounds, and the other records of its area)."""
    if programme is None:
        # Counted over every compound in the country: kept once per change.
        by_stage = kept_stage_counts()
        area = Q()
    else:
        by_stage = programme_selectors.programme_stage_counts(programme=programme)
        area = programme_selectors.programme_area_q(programme)
    by_stage = {stage or UNKNOWN_STAGE: count for stage, count in by_stage.items()}
    counts = count_each(
        {
            "programmes": Programme.objects.filter(
                Q() if programme is None else Q(pk=programme.pk)
            ),
            "courtyards": MergedCourtyard.objects.filter(area),
            "facilities": Facility.objects.filter(area),
            "lanes": Lane.objects.filter(area),
            "councils": Council.objects.filter(area),
            "organisations": Organisation.objects.filter(area),
        }
    )
    return {"estates": sum(by_stage.values()), "estates_by_stage": by_stage, **counts}


class StatsView(PortalViewMixin, GenericAPIView):
    serializer_class = StatsSerializer
    pagination_class = None
    filter_backends = []

    def allowed_query_parameters(self) -> set[str]:
        return super().allowed_query_parameters() | {"programme"}

    @extend_schema(
        summary="What the records count",
        description=(
            "Counts of the records the portal holds, everywhere or, with "
            "`programme`, within one programme, with that programme's headline "
            "figures as its sources state them (`value` null when not "
            "disclosed; `precision` exact, at_least, about or nearly)."
        ),
        parameters=[
            OpenApiParameter(
                "programme",
                str,
                description="A programme's identifier (slug).",
                pattern=r"^[-a-zA-Z0-9_]{1,80}$",
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        programme = programme_from_request(request)
        figures = []
        if programme is not None:
            figures = programme_selectors.headline_figures(
                programme_selectors.programme_figures(programme=programme)
            )
        serializer = self.get_serializer(
            {
                "programme": programme,
                "figures": figures,
                "records": record_counts(programme),
            }
        )
        return Response(serializer.data)
