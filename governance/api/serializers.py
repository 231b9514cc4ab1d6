"""What the API shows of councils, meetings and organisations.

Meetings show their agenda and decisions, never their minutes, follow-ups or
who attended (governance.selectors.meetings_public loads nothing else).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.reverse import reverse

from estates.api.serializers import CommunityReference, CourtyardReference
from estates.models import Estate
from governance.models import (
    Council,
    Feedback,
    FeedbackCategory,
    FeedbackReply,
    FeedbackStatusChange,
    Meeting,
    Organisation,
)
from governance.models.participation import TEXT_MAX_LENGTH
from governance.services import MAX_PHOTOS, feedback_clean_photos
from governance.validators import normalize_phone
from renovation_portal.api.languages import TranslatedField
from renovation_portal.api.serializers import (
    BilingualSerializer,
    NamedReference,
    SlugRelatedField,
)
from renovation_portal.images import ImageRejected


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


# ------------------------------------------------------------------------------
# Resident feedback (issue 5): created by anyone, read back by reference only,
# never with the resident's text, photos, name or phone, nor internal notes.
# ------------------------------------------------------------------------------
class FeedbackCreateInput(serializers.Serializer):
    estate = SlugRelatedField(
        slug_field="slug",
        queryset=Estate.objects.only("pk", "slug"),
        help_text="The compound's slug.",
    )
    category = serializers.ChoiceField(choices=FeedbackCategory.choices)
    text = serializers.CharField(min_length=2, max_length=TEXT_MAX_LENGTH)
    name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="Mainland mobile or landline with area code; full-width digits "
        "are accepted.",
    )
    consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Required (true) when a name or phone number is given.",
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        help_text="Up to 3 JPEG, PNG or WebP photos (multipart only).",
    )

    def validate_phone(self, value):
        try:
            return normalize_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_photos(self, value):
        try:
            return feedback_clean_photos(photos=value)
        except ImageRejected as error:
            raise serializers.ValidationError(str(error), code=error.code) from None

    def validate(self, attrs):
        if (attrs.get("name") or attrs.get("phone")) and not attrs.get("consent"):
            raise serializers.ValidationError(
                {
                    "consent": [
                        gettext(
                            "Tick this box if you want the office to call you back."
                        )
                    ]
                }
            )
        return attrs


class FeedbackStatusChangeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = FeedbackStatusChange
        fields = ["status", "status_label", "reason", "changed_at"]


class FeedbackReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackReply
        fields = ["text", "created_at"]


class FeedbackSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    estate = NamedReference(read_only=True)
    category_label = serializers.CharField(
        source="get_category_display", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    history = FeedbackStatusChangeSerializer(
        source="public_history", many=True, read_only=True
    )
    replies = FeedbackReplySerializer(
        source="public_replies", many=True, read_only=True
    )

    class Meta:
        model = Feedback
        fields = [
            "url",
            "page",
            "reference",
            "estate",
            "category",
            "category_label",
            "status",
            "status_label",
            "created_at",
            "closed_at",
            "history",
            "replies",
        ]

    def get_url(self, feedback) -> str:
        return reverse(
            "api:feedback-detail",
            args=[feedback.reference],
            request=self.context.get("request"),
        )

    def get_page(self, feedback) -> str:
        request = self.context.get("request")
        path = feedback.get_absolute_url()
        return request.build_absolute_uri(path) if request else path
