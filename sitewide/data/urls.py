"""Routes of /data/ (included inside i18n_patterns by the project's urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DataView.as_view(), name="data"),
    path("<slug:dataset>.<slug:extension>", views.download, name="data-download"),
]
