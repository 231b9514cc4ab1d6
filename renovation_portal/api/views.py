"""The API's root, its docs page, and a JSON 404 for unknown addresses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .viewsets import PortalViewMixin

# Link name → router basename, in the order DESIGN.md lists the resources.
RESOURCES = {
    "estates": "estate",
    "communities": "community",
    "courtyards": "courtyard",
    "lanes": "lane",
    "events": "event",
    "councils": "council",
    "meetings": "meeting",
    "organisations": "organisation",
    "facilities": "facility",
    "notices": "notice",
    "programmes": "programme",
}


class ApiRootView(PortalViewMixin, GenericAPIView):
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="The API's resources",
        description="The address of every resource, the statistics and the schema.",
        responses={
            200: {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "uri"},
            }
        },
    )
    def get(self, request, *args, **kwargs):
        links = {
            name: reverse(f"api:{basename}-list", request=request)
            for name, basename in RESOURCES.items()
        }
        links["stats"] = reverse("api:stats", request=request)
        # Feedback has no list (nobody may read others'); this is where to POST.
        links["feedback"] = reverse("api:feedback-create", request=request)
        links["schema"] = reverse("api:schema", request=request)
        links["docs"] = reverse("api:docs", request=request)
        return Response(links)


class DocsView(SpectacularSwaggerView):
    """Swagger UI from drf-spectacular-sidecar's local files, in a page that
    links back to the portal. Nothing is loaded from a CDN."""

    template_name = "data/api_docs.html"
    url_name = "api:schema"
