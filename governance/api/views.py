"""Read-only API resources of the governance app, on its selectors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from estates.api import views as estate_views
from governance import selectors, services
from governance.views import RATE_LIMITED, feedback_rate_limit
from renovation_portal.api.exceptions import errors_by_field
from renovation_portal.api.filters import names_contain
from renovation_portal.api.parsers import SafeJSONParser
from renovation_portal.api.schema import EXAMPLE_ESTATE
from renovation_portal.api.viewsets import (
    ID_PATTERN,
    PortalReadOnlyViewSet,
    PortalViewMixin,
)

from . import filters, serializers


class EstateViewSet(estate_views.EstateViewSet):
    """The estates app's compounds; the detail adds the satisfaction survey's
    results, which the estates app cannot know (DESIGN.md "Layout")."""

    detail_serializer_class = serializers.EstateDetailSerializer


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


# ------------------------------------------------------------------------------
# Resident feedback (issue 5): a workflow step with its own input and output
# serializers (STYLE.md "API"), sharing the site form's rate limit and service.
# ------------------------------------------------------------------------------
FEEDBACK_NOT_ACCEPTED = _("The feedback was not accepted; see the errors.")


# Kept out of error reports, as on the site's form.
@method_decorator(sensitive_post_parameters("name", "phone"), name="dispatch")
class FeedbackCreateApi(PortalViewMixin, GenericAPIView):
    serializer_class = serializers.FeedbackCreateInput
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Send feedback about a compound",
        description=(
            "Anyone may send feedback; the answer carries the reference to follow "
            "it. Photos (multipart only) are re-encoded without metadata. A name "
            "and phone number for a call-back need `consent`; they are never "
            "returned by any endpoint. Submissions are limited per client "
            "address (429 past the limit)."
        ),
        examples=[
            # The first compound on record takes the placeholder's place when
            # the schema is made (schema.fill_examples), so that the example
            # is accepted (schemathesis's examples phase sends it).
            OpenApiExample(
                "A broken stairwell light",
                value={
                    "estate": EXAMPLE_ESTATE,
                    "category": "lighting",
                    "text": "3号楼2单元楼道灯坏了一周。",
                },
                request_only=True,
                media_type="application/json",
            )
        ],
        request={
            "application/json": serializers.FeedbackCreateJsonInput,
            "multipart/form-data": serializers.FeedbackCreateInput,
        },
        responses={
            201: serializers.FeedbackSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Invalid feedback: `errors` gives the messages per field.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        verdict = feedback_rate_limit(request)
        if not verdict.allowed:
            raise Throttled(
                wait=verdict.retry_after,
                detail=RATE_LIMITED
                % {"minutes": max(1, -(-verdict.retry_after // 60))},
            )
        given = self.get_serializer(data=request.data)
        if not given.is_valid():
            return Response(
                {
                    "detail": str(FEEDBACK_NOT_ACCEPTED),
                    "code": "invalid",
                    "errors": errors_by_field(given.errors),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = given.validated_data
        try:
            feedback = services.feedback_submit(
                estate=data["estate"],
                category=data["category"],
                text=data["text"],
                contact=services.ContactDetails(
                    name=data["name"].strip(),
                    phone=data["phone"],
                    consent=data["consent"],
                ),
                clean_photos=data["photos"],
            )
        except DjangoValidationError as error:
            return Response(
                {"detail": " ".join(error.messages), "code": "invalid"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        created = selectors.feedback_public(feedback.reference)
        answer = serializers.FeedbackSerializer(
            created, context=self.get_serializer_context()
        )
        return Response(
            answer.data,
            status=status.HTTP_201_CREATED,
            headers={"Location": answer.data["url"]},
        )


class FeedbackDetailApi(PortalViewMixin, GenericAPIView):
    serializer_class = serializers.FeedbackSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Follow feedback by its reference",
        description=(
            "The status history and the office's public replies. Never the "
            "resident's text, photos, name or phone, nor internal notes."
        ),
    )
    def get(self, request, reference, *args, **kwargs):
        feedback = selectors.feedback_public(reference)
        if feedback is None:
            raise NotFound(gettext("There is no feedback with this reference."))
        return Response(self.get_serializer(feedback).data)
