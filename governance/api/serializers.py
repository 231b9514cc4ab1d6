"""What the API shows of councils, meetings and organisations.

Meetings show their agenda and decisions, never their minutes, follow-ups or
who attended (governance.selectors.meetings_public loads nothing else).
"""

from __future__ import annotations

from rest_framework import serializers

from estates.api.serializers import CommunityReference, CourtyardReference
from governance.models import Council, Meeting, Organisation
from renovation_portal.api.languages import TranslatedField
from renovation_portal.api.serializers import BilingualSerializer


class CouncilReference(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Council
        fields = ["slug", "name", "level"]


class MeetingSummarySerializer(BilingualSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")
    title = TranslatedField()

    class Meta:
        model = Meeting
        fields = ["url", "id", "kind", "held_on", "title"]


class CouncilListSerializer(BilingualSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:council-detail", lookup_field="slug"
    )
    name = TranslatedField()
    community = CommunityReference(read_only=True, allow_null=True)
    courtyard = CourtyardReference(read_only=True, allow_null=True)
    latest_meetings = MeetingSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Council
        fields = [
            "url",
            "slug",
            "name",
            "level",
            "community",
            "courtyard",
            "latest_meetings",
        ]


class CouncilDetailSerializer(CouncilListSerializer):
    description = TranslatedField()

    class Meta(CouncilListSerializer.Meta):
        fields = [*CouncilListSerializer.Meta.fields, "description"]


class MeetingSerializer(MeetingSummarySerializer):
    council = CouncilReference(read_only=True)
    agenda = TranslatedField()
    decisions = TranslatedField()

    class Meta(MeetingSummarySerializer.Meta):
        fields = [
            *MeetingSummarySerializer.Meta.fields,
            "council",
            "agenda",
            "decisions",
        ]


class SubTeamSerializer(BilingualSerializer):
    name = TranslatedField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "members_count"]


class OrganisationListSerializer(BilingualSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    name = TranslatedField()
    community = CommunityReference(read_only=True, allow_null=True)
    courtyard = CourtyardReference(read_only=True, allow_null=True)
    sub_teams = SubTeamSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "url",
            "slug",
            "name",
            "kind",
            "community",
            "courtyard",
            "members_count",
            "sub_teams_count",
            "activities_count",
            "sub_teams",
        ]


class OrganisationDetailSerializer(OrganisationListSerializer):
    description = TranslatedField()

    class Meta(OrganisationListSerializer.Meta):
        fields = [*OrganisationListSerializer.Meta.fields, "description"]
