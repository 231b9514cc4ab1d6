from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.GovernanceView.as_view(), name="governance"),
    # By the compound's slug: residents answer its open survey.
    path("surveys/<slug:slug>/", views.survey_answer, name="survey-answer"),
    path("surveys/<slug:slug>/thanks/", views.survey_thanks, name="survey-thanks"),
]
