from django.urls import path

from . import views

app_name = "lanes"

urlpatterns = [
    path("lanes/<slug:slug>/", views.LaneDetailView.as_view(), name="lane-detail"),
]
