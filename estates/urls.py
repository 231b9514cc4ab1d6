from django.urls import path

from . import views

app_name = "estates"

urlpatterns = [
    path("estates/", views.EstateListView.as_view(), name="estate-list"),
    path(
        "estates/<slug:slug>/", views.EstateDetailView.as_view(), name="estate-detail"
    ),
    path(
        "communities/<slug:slug>/",
        views.CommunityDetailView.as_view(),
        name="community-detail",
    ),
    path(
        "courtyards/<slug:slug>/",
        views.CourtyardDetailView.as_view(),
        name="courtyard-detail",
    ),
]
