from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("compound/<slug:slug>/", views.follow_estate, name="follow-estate"),
    path("programme/<slug:slug>/", views.follow_programme, name="follow-programme"),
    path("compound/<slug:slug>/atom.xml", views.EstateFeed(), name="estate-feed"),
    path(
        "compound/<slug:slug>/calendar.ics",
        views.estate_calendar,
        name="estate-calendar",
    ),
    path("sent/", views.sent, name="sent"),
    path("code/<str:ticket>/", views.enter_code, name="code"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("stop/<str:token>/", views.manage, name="manage"),
]
