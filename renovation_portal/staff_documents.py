"""The office's documents (step documents, inspection reports) for staff only.

Permits, minutes and inspection reports are records of the street office, not
public pages. Their file fields store through :class:`StaffOnlyStorage`: the
files go where every upload goes (``MEDIA_ROOT`` or the S3 bucket), but a
file's address is the admin's download view (:func:`download`), never its
media URL, wherever Django shows it (the admin's forms, lists and history, the
step checklist). The view answers a logged-in staff member (the admin's own
login and two-factor check) whose admin may see the record that holds the
file: the same scoped queryset and view permission as that record's admin
pages; anyone else gets 404. nginx refuses the files' folders under
``/media/`` (``deploy/nginx.conf.example``), so a leaked name is not enough.
"""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib import admin
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.http import FileResponse, Http404
from django.urls import reverse


class StaffOnlyStorage(Storage):
    """The default storage, with the staff download view as each file's URL."""

    def _open(self, name, mode="rb"):
        return default_storage.open(name, mode)

    def _save(self, name, content):
        return default_storage.save(name, content)

    def get_available_name(self, name, max_length=None):
        return default_storage.get_available_name(name, max_length=max_length)

    def get_valid_name(self, name):
        return default_storage.get_valid_name(name)

    def delete(self, name):
        return default_storage.delete(name)

    def exists(self, name):
        return default_storage.exists(name)

    def size(self, name):
        return default_storage.size(name)

    def path(self, name):
        return default_storage.path(name)

    def url(self, name):
        return reverse("staff-document", kwargs={"name": name})


def staff_only_storage() -> StaffOnlyStorage:
    """``storage=`` of a document field (a callable, so that migrations name it)."""
    return StaffOnlyStorage()


@functools.cache
def _holders() -> list[tuple[type[models.Model], str]]:
    """Every model field that stores through :class:`StaffOnlyStorage`."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        and isinstance(field.storage, StaffOnlyStorage)
    ]


def download(request, name: str):
    """The document stored as ``name``, as an attachment, for staff whose
    admin may see the record holding it; 404 for anyone else."""
    for model, field in _holders():
        if not admin.site.is_registered(model):  # history records: not a way in
            continue
        model_admin = admin.site.get_model_admin(model)
        record = model._default_manager.filter(**{field: name}).first()
        if record is None:
            continue
        visible = model_admin.get_queryset(request).filter(pk=record.pk).exists()
        if not visible or not model_admin.has_view_permission(request, record):
            raise Http404
        response = FileResponse(
            getattr(record, field).open("rb"),
            as_attachment=True,
            filename=PurePosixPath(name).name,
        )
        response["Cache-Control"] = "private, no-store"
        return response
    raise Http404
