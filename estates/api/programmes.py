"""What the API shows of renovation programmes (issue 15).

Each reported figure comes with its precision (``exact``, ``at_least``,
``about``, ``nearly``), its unit, its as-of date and its source, and a
``text`` worded as the source words it in the answer's language. A figure the
source does not give has ``value: null``. The compounds named in a programme
are listed by ``/api/v1/estates/?programme=<slug>`` (paged), not inline.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from estates.models import (
    Programme,
    ProgrammeBatch,
    ProgrammeFigure,
    ProgrammePillar,
    ProgrammeSource,
    Stage,
)
from estates.selectors import programmes as programme_selectors
from renovation_portal.api.languages import TranslatedField
from renovation_portal.api.serializers import (
    BilingualSerializer,
    HyperlinkedIdentityField,
)
from renovation_portal.figures import figure_text, is_chinese

from .serializers import WebUrlField


class SourceSerializer(BilingualSerializer):
    title = TranslatedField()
    publisher = TranslatedField()
    note = TranslatedField()

    class Meta:
        model = ProgrammeSource
        fields = ["key", "title", "publisher", "published_on", "url", "note"]


class FigureSerializer(BilingualSerializer):
    label = TranslatedField()
    note = TranslatedField()
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    unit = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    source = serializers.SlugRelatedField(slug_field="key", read_only=True)
    batch = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeFigure
        fields = [
            "key",
            "measure",
            "subject",
            "label",
            "value",
            "precision",
            "unit",
            "text",
            "as_of",
            "batch",
            "source",
            "note",
        ]

    @extend_schema_field({"type": "string"})
    def get_unit(self, figure) -> str:
        chinese, english = figure.unit_pair
        return chinese if is_chinese() else english

    @extend_schema_field({"type": "string"})
    def get_text(self, figure) -> str:
        return figure_text(figure.value, figure.precision, self.get_unit(figure))

    @extend_schema_field({"type": "string", "nullable": True})
    def get_batch(self, figure) -> str | None:
        return figure.batch.ref if figure.batch_id else None


class BatchSerializer(BilingualSerializer):
    ref = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    note = TranslatedField()

    class Meta:
        model = ProgrammeBatch
        fields = ["ref", "kind", "year", "number", "label", "note"]


class PillarSerializer(BilingualSerializer):
    name = TranslatedField()
    summary = TranslatedField()
    figures = serializers.ListField(
        source="figure_key_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = ProgrammePillar
        fields = ["key", "name", "summary", "figures"]


class PlaceField(serializers.Field):
    """The authority's place: its level, slug and name."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, programme):
        place = programme.place
        if place is None:
            return None
        return {"level": programme.level, "slug": place.slug, "name": place.name}


PLACE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "level": {"type": "string"},
        "slug": {"type": "string"},
        "name": {"type": "string"},
    },
}
PlaceField = extend_schema_field(PLACE_SCHEMA)(PlaceField)


class ProgrammeListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(
        view_name="api:programme-detail", lookup_field="slug"
    )
    web_url = WebUrlField()
    name = TranslatedField()
    short_name = TranslatedField()
    authority = TranslatedField()
    place = PlaceField()
    members_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "url",
            "web_url",
            "slug",
            "name",
            "short_name",
            "authority",
            "place",
            "start_year",
            "end_year",
            "members_count",
            "is_synthetic",
        ]


class ProgrammeDetailSerializer(ProgrammeListSerializer):
    summary = TranslatedField()
    model_name = TranslatedField()
    sources = SourceSerializer(many=True, read_only=True)
    batches = BatchSerializer(many=True, read_only=True)
    figures = serializers.SerializerMethodField()
    pillars = PillarSerializer(many=True, read_only=True)
    stages = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()

    class Meta(ProgrammeListSerializer.Meta):
        fields = [
            *ProgrammeListSerializer.Meta.fields,
            "summary",
            "model_name",
            "sources",
            "batches",
            "figures",
            "pillars",
            "stages",
            "members",
        ]

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, programme):
        figures = programme_selectors.programme_figures(programme=programme)
        return FigureSerializer(figures, many=True, context=self.context).data

    @extend_schema_field(
        {
            "type": "object",
            "description": "Named compounds by stage; `unknown` counts those "
            "with no stage on record.",
            "additionalProperties": {"type": "integer"},
        }
    )
    def get_stages(self, programme):
        counts = programme_selectors.programme_stage_counts(programme=programme)
        return {(stage or "unknown"): counts[stage] for stage in [*Stage.values, None]}

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_members(self, programme):
        """The named compounds, paged, in the estates resource."""
        url = f"{reverse('api:estate-list')}?programme={programme.slug}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
