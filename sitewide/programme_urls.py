"""The programmes' pages (sitewide/programmes.py), under ``/programmes/``."""

from django.urls import path

from . import programmes

app_name = "programmes"

urlpatterns = [
    path("", programmes.ProgrammeListView.as_view(), name="programme-list"),
    path("compare/", programmes.compare, name="compare"),
    path("compare.csv", programmes.compare_csv, name="compare-csv"),
    path(
        "<slug:slug>/",
        programmes.ProgrammeDetailView.as_view(),
        name="programme-detail",
    ),
    path(
        "<slug:slug>/case-study/",
        programmes.ProgrammeCaseStudyView.as_view(),
        name="programme-case-study",
    ),
    path(
        "<slug:slug>/compounds/",
        programmes.ProgrammeCompoundsView.as_view(),
        name="programme-compounds",
    ),
]
