"""What the API shows of councils, meetings and organisations.

Meetings show their agenda and decisions, never their minutes, follow-ups or
who attended (governance.selectors.meetings_public loads nothing else).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from estates.api import serializers as estate_serializers
from estates.api.serializers import CommunityReference, CourtyardReference
from estates.models import Estate
from governance import selectors
from governance.models import (
    SCORE_MAX,
    SCORE_MIN,
    SURVEY_MIN_RESPONSES,
    Council,
    Dimension,
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
    BooleanField,
    CharField,
    ChoiceField,
    HyperlinkedIdentityField,
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
    url = HyperlinkedIdentityField(view_name="api:meeting-detail")
    title = TranslatedField()

    class Meta:
        model = Meeting
        fields = ["url", "id", "kind", "held_on", "title"]


class CouncilListSerializer(BilingualSerializer):
    url = HyperlinkedIdentityField(view_name="api:council-detail", lookup_field="slug")
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
    url = HyperlinkedIdentityField(
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
@extend_schema_serializer(component_name="FeedbackCreateJson")
class FeedbackCreateJsonInput(serializers.Serializer):
    """Feedback sent as JSON: no photos (a file cannot travel in JSON)."""

    estate = SlugRelatedField(
        slug_field="slug",
        queryset=Estate.objects.only("pk", "slug"),
        help_text="The compound's slug.",
        error_messages={
            "does_not_exist": gettext_lazy(
                "No compound has the identifier “{value}”. Give the compound's "
                "identifier as it appears in its address (/estates/…/)."
            )
        },
    )
    category = ChoiceField(choices=FeedbackCategory.choices)
    text = CharField(min_length=2, max_length=TEXT_MAX_LENGTH)
    name = CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="Mainland mobile or landline with area code; full-width digits "
        "are accepted.",
    )
    consent = BooleanField(
        required=False,
        default=False,
        help_text="Required (true) when a name or phone number is given.",
    )

    def validate_phone(self, value):
        try:
            return normalize_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

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


@extend_schema_serializer(component_name="FeedbackCreateMultipart")
class FeedbackCreateInput(FeedbackCreateJsonInput):
    """Feedback sent as multipart form data, with up to three photos; the API
    checks either kind of request with this one."""

    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        help_text="Up to 3 JPEG, PNG or WebP photos (multipart only).",
    )

    def validate_photos(self, value):
        try:
            return feedback_clean_photos(photos=value)
        except ImageRejected as error:
            raise serializers.ValidationError(str(error), code=error.code) from None


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
    estate = NamedReference(
        read_only=True,
        allow_null=True,
        help_text="Null while the compound is not in the register (see unlisted).",
    )
    unlisted = serializers.BooleanField(
        source="is_unlisted",
        read_only=True,
        help_text="Sent about a compound the register does not hold yet.",
    )
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
            "unlisted",
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


# Satisfaction surveys (issue 5, item 4) ------------------------------------


class ScoreCountSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    label = serializers.CharField(help_text="What the score means, e.g. “satisfied”.")
    count = serializers.IntegerField(min_value=0, help_text="Answers that gave it.")


class DimensionResultSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    label = serializers.CharField()
    mean = serializers.DecimalField(
        max_digits=2,
        decimal_places=1,
        coerce_to_string=False,
        help_text="Average score from 1 to 5, to one decimal.",
    )
    distribution = ScoreCountSerializer(
        many=True, help_text="How many answers gave each score, 1 to 5."
    )


class SatisfactionSerializer(serializers.Serializer):
    """A survey's aggregates; never an answer, a comment or a device."""

    opens_on = serializers.DateField(source="survey.opens_on")
    closes_on = serializers.DateField(source="survey.closes_on", allow_null=True)
    is_open = serializers.BooleanField(help_text="Residents can answer today.")
    responses = serializers.IntegerField(
        min_value=SURVEY_MIN_RESPONSES, help_text="How many residents answered."
    )
    results = DimensionResultSerializer(many=True)


# The estates app's compound plus the satisfaction results, which the estates
# app cannot know (DESIGN.md "Layout"); same schema component as before.
@extend_schema_serializer(component_name="EstateDetail")
class EstateDetailSerializer(estate_serializers.EstateDetailSerializer):
    satisfaction = serializers.SerializerMethodField()

    class Meta(estate_serializers.EstateDetailSerializer.Meta):
        fields = [
            *estate_serializers.EstateDetailSerializer.Meta.fields,
            "satisfaction",
        ]

    @extend_schema_field(
        SatisfactionSerializer(
            allow_null=True,
            help_text=(
                "Results of the compound's satisfaction survey (the open one, "
                f"else the latest); null until it has {SURVEY_MIN_RESPONSES} "
                "answers, so that no single answer can be singled out."
            ),
        )
    )
    def get_satisfaction(self, estate):
        found = selectors.estate_satisfaction(estate=estate)
        if found is None or found.results is None:
            return None
        latest = self.context.get("last_modified")
        if found.latest_answer and (latest is None or found.latest_answer > latest):
            # A new answer changes this answer: Last-Modified must say so.
            self.context["last_modified"] = found.latest_answer
        return SatisfactionSerializer(found, context=self.context).data
