"""Idempotent writes for data loaders. Knows no app.

A loader describes each record by its natural key (``lookup``) and the values
the source gives it (``values``). :func:`upsert` makes the database agree:
it creates the record when it is missing, overwrites the source's fields when
they differ, and leaves the row untouched (``updated_at`` included) when they
already agree, so a second run writes nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


class Tally(Counter):
    """How many records a load created, updated and left as they were."""

    def as_dict(self) -> dict[str, int]:
        return {key: self[key] for key in (CREATED, UPDATED, UNCHANGED)}


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.is_relation:
        # Compare keys, not instances, so an unsaved fetch of the parent is equal.
        return getattr(instance, field.attname) != (value.pk if value else None)
    # to_python() puts the source's int or str in the column's own type
    # (Decimal for DecimalField), so 95 and Decimal("95.0") compare equal.
    return getattr(instance, name) != field.to_python(value)


def upsert(
    model: type[M], *, lookup: dict[str, Any], values: dict[str, Any], tally: Tally
) -> M:
    """Create or update the one ``model`` row found by ``lookup``.

    ``full_clean()`` runs before every save, so a loader can never write what the
    admin would refuse. The first row by primary key wins should ``lookup`` ever
    match more than one (a natural key the database does not enforce).
    """
    instance = model._default_manager.filter(**lookup).order_by("pk").first()
    if instance is None:
        instance = model(**lookup, **values)
        outcome = CREATED
    else:
        changed = [
            name for name, value in values.items() if _differs(instance, name, value)
        ]
        if not changed:
            tally[UNCHANGED] += 1
            return instance
        for name in changed:
            setattr(instance, name, values[name])
        outcome = UPDATED
    instance.full_clean()
    instance.save()
    tally[outcome] += 1
    return instance
