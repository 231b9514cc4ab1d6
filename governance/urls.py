from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.GovernanceView.as_view(), name="governance"),
]
