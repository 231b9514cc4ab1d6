"""Stored files follow their rows: a file is deleted from storage when its row
is deleted or when a new upload replaces it (issue 6, item 4). Knows no app:
each app connects its models in ``AppConfig.ready()``.

Receivers rather than code in the admin, because rows also go by cascade (a
compound deleted with its steps and their documents) and by the retention job;
a receiver sees every one of them. The file is deleted only once the
transaction commits (``transaction.on_commit``): a delete or a save that is
rolled back keeps its file. A name still used by another row of the model (a
shared placeholder image of the synthetic data) is kept.
"""

from __future__ import annotations

from functools import partial

from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_init, post_save


def connect(model: type[models.Model], *fields: str) -> None:
    """Delete ``fields``' stored files with the rows of ``model``."""
    uid = f"file-cleanup-{model._meta.label}"
    post_init.connect(
        partial(_remember, fields=fields), sender=model, weak=False, dispatch_uid=uid
    )
    post_save.connect(
        partial(_replaced, fields=fields), sender=model, weak=False, dispatch_uid=uid
    )
    post_delete.connect(
        partial(_deleted, fields=fields), sender=model, weak=False, dispatch_uid=uid
    )


def _loaded(instance: models.Model, fields: tuple[str, ...]) -> dict[str, str]:
    """The file names the row holds, leaving out deferred fields (reading one
    would cost a query per row). The attribute holds a FieldFile or a plain
    string."""
    return {
        name: str(instance.__dict__[name] or "")
        for name in fields
        if name in instance.__dict__
    }


def _remember(sender, instance, *, fields, **kwargs):
    instance._stored_files = _loaded(instance, fields)


def _replaced(sender, instance, *, fields, created, **kwargs):
    now = _loaded(instance, fields)
    if not created:
        # A new row's names before the save are the upload's, not stored ones.
        for name, old in getattr(instance, "_stored_files", {}).items():
            if old and name in now and old != now[name]:
                _delete_on_commit(sender, sender._meta.get_field(name), old)
    instance._stored_files = now


def _deleted(sender, instance, *, fields, **kwargs):
    for name in fields:
        stored = str(getattr(instance, name) or "")
        if stored:
            _delete_on_commit(sender, sender._meta.get_field(name), stored)


def _delete_on_commit(model, field, name: str) -> None:
    def delete():
        shared = Q()
        for other in model._meta.get_fields():
            if isinstance(other, models.FileField):
                shared |= Q(**{other.name: name})
        if not model._default_manager.filter(shared).exists():
            field.storage.delete(name)

    transaction.on_commit(delete)
