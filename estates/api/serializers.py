"""What the API shows of estates, communities, courtyards, facilities, notices.

Explicit fields only: no search keys, no synthetic-data marks, no people.
The property company's and community office's phones are public business
numbers, never a person's own (see the models' help texts).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from estates import selectors
from estates.models import (
    Community,
    CommunityChecklistItem,
    Estate,
    Facility,
    Funding,
    Honour,
    MergedCourtyard,
    Notice,
    Photo,
    PropertyCompany,
    Step,
    Subdistrict,
    WorksItem,
)
from renovation_portal.api.languages import TranslatedField
from renovation_portal.api.serializers import (
    BilingualSerializer,
    HyperlinkedIdentityField,
    NamedReference,
)


@extend_schema_field({"type": "string", "format": "uri"})
class WebUrlField(serializers.Field):
    """The record's page on the portal, in the answer's language."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        url = instance.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


def related_references(manager, context) -> list:
    """Records of a prefetched reverse relation another app declares, by slug and
    name; estates cannot import that app (DESIGN.md: dependencies one way)."""
    if manager is None:
        return []
    return NamedReference(manager.all(), many=True, context=context).data


# References ----------------------------------------------------------------


class SubdistrictReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Subdistrict
        fields = ["slug", "name"]


class CommunityReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Community
        fields = ["slug", "name"]


class CourtyardReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = MergedCourtyard
        fields = ["slug", "name"]


class EstateReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Estate
        fields = ["slug", "name", "stage"]


class PropertyCompanySerializer(BilingualSerializer):
    name = TranslatedField()
    address = TranslatedField()
    service_phone = serializers.CharField(source="phone", read_only=True)

    class Meta:
        model = PropertyCompany
        fields = ["slug", "name", "service_phone", "address", "is_strategic_partner"]


# Estates ---------------------------------------------------------------------


class EstateListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(view_name="api:estate-detail", lookup_field="slug")
    web_url = WebUrlField()
    name = TranslatedField()
    community = CommunityReference(read_only=True)
    property_company = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Estate
        fields = [
            "url",
            "web_url",
            "slug",
            "name",
            "community",
            "stage",
            "year_built",
            "renovation_year",
            "renovation_batch",
            "buildings",
            "households",
            "floor_area_m2",
            "latitude",
            "longitude",
            "property_company",
            "is_synthetic",
        ]


class StepSerializer(BilingualSerializer):
    name = TranslatedField("template.name")
    note = TranslatedField()
    not_applicable_reason = TranslatedField()

    class Meta:
        model = Step
        fields = [
            "number",
            "stage",
            "name",
            "status",
            "planned_on",
            "started_on",
            "done_on",
            "note",
            "not_applicable_reason",
            "is_sample",
        ]


class WorksItemSerializer(BilingualSerializer):
    description = TranslatedField()
    progress_percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = WorksItem
        fields = [
            "category",
            "tier",
            "description",
            "unit",
            "planned_quantity",
            "done_quantity",
            "progress_percent",
        ]


class PhotoSerializer(BilingualSerializer):
    caption = TranslatedField()
    original = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["kind", "caption", "taken_on", "original", "thumbnail"]

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_original(self, photo) -> str:
        return self._absolute(photo.image.url)

    @extend_schema_field(
        {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "A phone-sized copy; null while none has been made.",
        }
    )
    def get_thumbnail(self, photo):
        return self._absolute(photo.thumbnail.url) if photo.thumbnail else None


class NoticeSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(view_name="api:notice-detail")
    title = TranslatedField()
    details = TranslatedField()
    estate = EstateReference(read_only=True)

    class Meta:
        model = Notice
        fields = [
            "url",
            "id",
            "estate",
            "kind",
            "title",
            "details",
            "buildings_affected",
            "starts_at",
            "ends_at",
        ]


class EstateNoticeSerializer(NoticeSerializer):
    class Meta(NoticeSerializer.Meta):
        fields = [f for f in NoticeSerializer.Meta.fields if f != "estate"]


class FundingSerializer(BilingualSerializer):
    note = TranslatedField()

    class Meta:
        model = Funding
        fields = ["source", "amount_yuan", "note"]


class HonourSerializer(BilingualSerializer):
    title = TranslatedField()
    awarded_by = TranslatedField()

    class Meta:
        model = Honour
        fields = ["title", "awarded_by", "year", "source"]


class EstateDetailSerializer(EstateListSerializer):
    address = TranslatedField()
    description = TranslatedField()
    property_company = PropertyCompanySerializer(read_only=True, allow_null=True)
    courtyard = CourtyardReference(read_only=True, allow_null=True)
    steps = StepSerializer(many=True, read_only=True)
    works = WorksItemSerializer(many=True, read_only=True)
    photos = PhotoSerializer(source="shown_photos", many=True, read_only=True)
    current_notices = EstateNoticeSerializer(many=True, read_only=True)
    funding = serializers.SerializerMethodField()
    honours = HonourSerializer(many=True, read_only=True)
    lanes = serializers.SerializerMethodField()
    councils = serializers.SerializerMethodField()

    class Meta(EstateListSerializer.Meta):
        fields = [
            *EstateListSerializer.Meta.fields,
            "address",
            "description",
            "courtyard",
            "steps",
            "works",
            "photos",
            "current_notices",
            "funding",
            "honours",
            "lanes",
            "councils",
        ]

    @extend_schema_field(FundingSerializer(many=True))
    def get_funding(self, estate):
        entries = selectors.estate_funding(estate=estate)
        return FundingSerializer(entries, many=True, context=self.context).data

    @extend_schema_field(NamedReference(many=True))
    def get_lanes(self, estate):
        return related_references(getattr(estate, "lanes", None), self.context)

    @extend_schema_field(NamedReference(many=True))
    def get_councils(self, estate):
        return related_references(getattr(estate, "councils", None), self.context)


# Communities and courtyards -----------------------------------------------


class CommunityListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(
        view_name="api:community-detail", lookup_field="slug"
    )
    web_url = WebUrlField()
    name = TranslatedField()
    address = TranslatedField()
    subdistrict = SubdistrictReference(read_only=True)
    office_phone = serializers.CharField(source="phone", read_only=True)

    class Meta:
        model = Community
        fields = [
            "url",
            "web_url",
            "slug",
            "name",
            "subdistrict",
            "address",
            "office_phone",
        ]


class ChecklistItemSerializer(BilingualSerializer):
    note = TranslatedField()

    class Meta:
        model = CommunityChecklistItem
        fields = ["category", "status", "note"]


class CommunityDetailSerializer(CommunityListSerializer):
    checklist = ChecklistItemSerializer(many=True, read_only=True)
    councils = serializers.SerializerMethodField()

    class Meta(CommunityListSerializer.Meta):
        fields = [*CommunityListSerializer.Meta.fields, "checklist", "councils"]

    @extend_schema_field(NamedReference(many=True))
    def get_councils(self, community):
        return related_references(getattr(community, "councils", None), self.context)


class CourtyardListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(
        view_name="api:courtyard-detail", lookup_field="slug"
    )
    web_url = WebUrlField()
    name = TranslatedField()
    community = CommunityReference(read_only=True, allow_null=True)
    subdistrict = SubdistrictReference(read_only=True)

    class Meta:
        model = MergedCourtyard
        fields = [
            "url",
            "web_url",
            "slug",
            "name",
            "community",
            "subdistrict",
            "compounds_merged",
            "buildings",
            "households",
            "walls_removed_m",
            "roads_opened",
            "space_gained_m2",
        ]


class FacilityReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Facility
        fields = ["slug", "name", "kind"]


class CourtyardDetailSerializer(CourtyardListSerializer):
    space_use = TranslatedField()
    description = TranslatedField()
    estates = EstateReference(many=True, read_only=True)
    facilities = FacilityReference(many=True, read_only=True)

    class Meta(CourtyardListSerializer.Meta):
        fields = [
            *CourtyardListSerializer.Meta.fields,
            "space_use",
            "description",
            "estates",
            "facilities",
        ]


# Facilities -------------------------------------------------------------------


class FacilityListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(view_name="api:facility-detail", lookup_field="slug")
    name = TranslatedField()
    opening_hours = TranslatedField()
    address = TranslatedField()
    community = CommunityReference(read_only=True, allow_null=True)
    estate = EstateReference(read_only=True, allow_null=True)
    courtyard = CourtyardReference(read_only=True, allow_null=True)

    class Meta:
        model = Facility
        fields = [
            "url",
            "slug",
            "name",
            "kind",
            "community",
            "estate",
            "courtyard",
            "opening_hours",
            "address",
            "latitude",
            "longitude",
            "area_m2",
            "people_served",
        ]


class FacilityDetailSerializer(FacilityListSerializer):
    zones = TranslatedField()
    description = TranslatedField()

    class Meta(FacilityListSerializer.Meta):
        fields = [*FacilityListSerializer.Meta.fields, "zones", "description"]
