"""``/api/``: version 1 of the REST API, its OpenAPI schema and its docs page.

Outside i18n_patterns (STYLE.md "Known traps"): the language comes from
``?lang=`` or ``Accept-Language``, never from the path.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from estates.api import views as estate_views
from estates.api.map import MapPointsView
from governance.api import views as governance_views
from lanes.api import views as lane_views
from renovation_portal.api.exceptions import not_found
from renovation_portal.api.views import ApiRootView, DocsView

from .map_places import MapPlacesView
from .stats import StatsView

app_name = "api"

router = SimpleRouter()
# Governance's subclass: the compound's detail with its satisfaction results.
router.register("estates", governance_views.EstateViewSet, basename="estate")
router.register("communities", estate_views.CommunityViewSet, basename="community")
router.register("courtyards", estate_views.CourtyardViewSet, basename="courtyard")
router.register("lanes", lane_views.LaneViewSet, basename="lane")
router.register("events", lane_views.EventViewSet, basename="event")
router.register("councils", governance_views.CouncilViewSet, basename="council")
router.register("meetings", governance_views.MeetingViewSet, basename="meeting")
router.register(
    "organisations", governance_views.OrganisationViewSet, basename="organisation"
)
router.register("facilities", estate_views.FacilityViewSet, basename="facility")
router.register("notices", estate_views.NoticeViewSet, basename="notice")
router.register("programmes", estate_views.ProgrammeViewSet, basename="programme")

urlpatterns = [
    path("v1/", ApiRootView.as_view(), name="root"),
    path("v1/stats/", StatsView.as_view(), name="stats"),
    path("v1/map/points/", MapPointsView.as_view(), name="map-points"),
    path("v1/map/places/", MapPlacesView.as_view(), name="map-places"),
    path(
        "v1/feedback/",
        governance_views.FeedbackCreateApi.as_view(),
        name="feedback-create",
    ),
    path(
        "v1/feedback/<str:reference>/",
        governance_views.FeedbackDetailApi.as_view(),
        name="feedback-detail",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    # Any other address under /api/ answers in JSON too.
    re_path(r"^[\s\S]*$", not_found),
]
