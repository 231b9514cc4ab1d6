"""What the API shows of themed lanes and events."""

from __future__ import annotations

from estates.api.serializers import EstateReference, FacilityReference, WebUrlField
from lanes.models import Event, Lane, LaneFeature, LaneHonour, LaneTenant
from renovation_portal.api.languages import TranslatedField
from renovation_portal.api.serializers import (
    BilingualSerializer,
    HyperlinkedIdentityField,
)


class LaneReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Lane
        fields = ["slug", "name"]


class LaneHonourSerializer(BilingualSerializer):
    title = TranslatedField()
    awarded_by = TranslatedField()

    class Meta:
        model = LaneHonour
        fields = ["title", "awarded_by", "year"]


class LaneListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(view_name="api:lane-detail", lookup_field="slug")
    web_url = WebUrlField()
    name = TranslatedField()
    theme = TranslatedField()
    motto = TranslatedField()
    honours = LaneHonourSerializer(many=True, read_only=True)

    class Meta:
        model = Lane
        fields = [
            "url",
            "web_url",
            "slug",
            "name",
            "theme",
            "motto",
            "occupancy_percent",
            "merchants",
            "length_m",
            "latitude",
            "longitude",
            "honours",
        ]


class LaneFeatureSerializer(BilingualSerializer):
    name = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = LaneFeature
        fields = ["name", "description", "quantity", "length_m"]


class LaneTenantSerializer(BilingualSerializer):
    """A business renting a shop on the lane (a bookshop, say), never a person."""

    name = TranslatedField()
    kind = TranslatedField()
    note = TranslatedField()

    class Meta:
        model = LaneTenant
        fields = ["name", "kind", "zero_rent", "note"]


class EventListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(view_name="api:event-detail", lookup_field="slug")
    title = TranslatedField()
    lane = LaneReference(read_only=True, allow_null=True)
    facility = FacilityReference(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "url",
            "slug",
            "title",
            "lane",
            "facility",
            "recurrence",
            "weekday",
            "day_of_month",
            "starts_on",
            "ends_on",
            "start_time",
            "end_time",
            "times_held",
        ]


class EventDetailSerializer(EventListSerializer):
    description = TranslatedField()

    class Meta(EventListSerializer.Meta):
        fields = [*EventListSerializer.Meta.fields, "description"]


class LaneEventSerializer(EventListSerializer):
    class Meta(EventListSerializer.Meta):
        fields = [f for f in EventListSerializer.Meta.fields if f != "lane"]


class LaneDetailSerializer(LaneListSerializer):
    description = TranslatedField()
    landmark = TranslatedField()
    features = LaneFeatureSerializer(many=True, read_only=True)
    tenants = LaneTenantSerializer(many=True, read_only=True)
    estates = EstateReference(many=True, read_only=True)
    events = LaneEventSerializer(many=True, read_only=True)

    class Meta(LaneListSerializer.Meta):
        fields = [
            *LaneListSerializer.Meta.fields,
            "description",
            "landmark",
            "features",
            "tenants",
            "estates",
            "events",
        ]
