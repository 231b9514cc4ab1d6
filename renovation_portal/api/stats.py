"""``/api/v1/stats/``: the programme's headline figures and what the records count.

The headline figures are the source's own (estates.ProgrammeFact), with NULL
for what the source does not disclose; the counts are computed from the
records. Like the project's urls.py, this module wires several apps together.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from estates import selectors as estate_selectors
from estates.api.serializers import SubdistrictReference
from estates.models import ProgrammeFact
from governance import selectors as governance_selectors
from lanes import selectors as lane_selectors

from .languages import TranslatedField
from .serializers import BilingualSerializer
from .viewsets import PortalViewMixin

UNKNOWN_STAGE = "unknown"


@extend_schema_field(
    {
        "type": "number",
        "nullable": True,
        "description": "The figure; null when the source does not disclose it.",
    }
)
class FigureField(serializers.Field):
    """A whole number as an integer (59, not 59.00); NULL stays null."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal | None):
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)


class ProgrammeFactSerializer(BilingualSerializer):
    label = TranslatedField()
    value = FigureField()
    unit = TranslatedField()
    note = TranslatedField()
    subdistrict = SubdistrictReference(read_only=True)

    class Meta:
        model = ProgrammeFact
        fields = [
            "key",
            "label",
            "value",
            "qualifier",
            "unit",
            "note",
            "source",
            "subdistrict",
        ]


class RecordCountsSerializer(serializers.Serializer):
    estates = serializers.IntegerField()
    estates_by_stage = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Compounds per stage; `unknown`: no steps recorded yet.",
    )
    courtyards = serializers.IntegerField()
    facilities = serializers.IntegerField()
    lanes = serializers.IntegerField()
    councils = serializers.IntegerField()
    organisations = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    figures = ProgrammeFactSerializer(many=True)
    records = RecordCountsSerializer()


def record_counts() -> dict:
    by_stage = {
        stage or UNKNOWN_STAGE: count
        for stage, count in estate_selectors.estate_stage_counts().items()
    }
    governance = governance_selectors.governance_counts()
    return {
        "estates": sum(by_stage.values()),
        "estates_by_stage": by_stage,
        "courtyards": estate_selectors.courtyard_count(),
        "facilities": estate_selectors.facility_count(),
        "lanes": lane_selectors.lanes_overview().count(),
        "councils": governance["councils"],
        "organisations": governance["organisations"],
    }


class StatsView(PortalViewMixin, GenericAPIView):
    serializer_class = StatsSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Programme figures",
        description=(
            "The programme's headline figures as the source states them "
            "(compounds renovated, floor area, households …; `value` null when "
            "not disclosed, `qualifier` about/over/nearly/exactly), and counts of "
            "the records the portal holds."
        ),
    )
    def get(self, request, *args, **kwargs):
        serializer = self.get_serializer(
            {
                "figures": estate_selectors.programme_facts(),
                "records": record_counts(),
            }
        )
        return Response(serializer.data)
