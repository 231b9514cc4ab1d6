from django.urls import path

from . import views

app_name = "lanes"

urlpatterns = [
    path("lanes/", views.LaneListView.as_view(), name="lane-list"),
    path("lanes/<slug:slug>/", views.LaneDetailView.as_view(), name="lane-detail"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    # Inside i18n_patterns: /events.ics in Chinese, /en/events.ics in English.
    path("events.ics", views.event_feed, name="event-feed"),
]
