"""``/feedback/…``: the resident feedback form and following it by reference.

A namespace of its own (``feedback:``), as the estate page links to
``feedback:feedback-new``; included from renovation_portal/urls.py.
"""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("new/", views.feedback_new, name="feedback-new"),
    path("find/", views.feedback_find, name="feedback-find"),
    path("<str:reference>/", views.feedback_detail, name="feedback-detail"),
]
