"""Removing synthetic data, and nothing else.

Every row marked ``is_synthetic`` goes, with the rows that only exist because
of one (steps of a synthetic compound, its search grams, its council links,
the contact kept for a synthetic feedback) and the edit history of each row
removed. A real row that merely points at a
synthetic one through a nullable link keeps living with the link emptied; a
real row that a synthetic one may not lose (a PROTECT link, such as a
resident's real feedback on a synthetic compound) stops the removal with an
error, and nothing is removed.

Deletes are single SQL statements per table, children first, in one
transaction: Django's cascading delete would load millions of steps into
memory.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from . import synthetic_data_changed
from .generate import SyntheticDataError, bulk_session

PROJECT_APPS = ("estates", "lanes", "governance")


def _has_mark(model: type[models.Model]) -> bool:
    return any(f.name == "is_synthetic" for f in model._meta.concrete_fields)


def _project_models() -> list[type[models.Model]]:
    found = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found.append(model)
    return found


def _children_first(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models ordered so that each comes before every model it points at."""
    ordered: list[type[models.Model]] = []
    visiting: set = set()

    def visit(model):
        if model in ordered or model in visiting:
            return
        visiting.add(model)
        for other in found:
            if other is not model and any(
                f.many_to_one or f.one_to_one
                for f in other._meta.concrete_fields
                if f.is_relation and f.related_model is model
            ):
                visit(other)
        visiting.discard(model)
        ordered.append(model)

    for model in found:
        visit(model)
    return ordered


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def _marked(model: type[models.Model]) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    return f"SELECT {pk} FROM {table} WHERE is_synthetic"


def synthetic_remove() -> dict[str, int]:
    """Delete every synthetic row; return rows deleted per model label."""
    with transaction.atomic():
        deleted = _delete_marked()
    # After the commit, so no page can cache the old answer again.
    synthetic_data_changed()
    return deleted


def _delete_marked() -> dict[str, int]:
    bulk_session()
    found = _project_models()
    quote = connection.ops.quote_name
    deleted: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in _children_first(found):
            table = quote(model._meta.db_table)
            conditions = ["is_synthetic"] if _has_mark(model) else []
            for field in model._meta.concrete_fields:
                if not (field.is_relation and _has_mark(field.related_model)):
                    continue
                column = quote(field.column)
                parents = f"{column} IN ({_marked(field.related_model)})"
                on_delete = field.remote_field.on_delete
                if on_delete is models.CASCADE:
                    conditions.append(parents)
                elif on_delete is models.SET_NULL:
                    cursor.execute(
                        f"UPDATE {table} SET {column} = NULL WHERE {parents}"
                        + (" AND NOT is_synthetic" if _has_mark(model) else "")
                    )
                else:
                    real = " AND NOT is_synthetic" if _has_mark(model) else ""
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {table} WHERE {parents}{real}"
                    )
                    if cursor.fetchone()[0]:
                        raise SyntheticDataError(
                            _(
                                "Real %(records)s refer to synthetic records; "
                                "nothing was removed. Move or delete them first."
                            )
                            % {"records": model._meta.verbose_name_plural}
                        )
            if not conditions:
                continue
            where = " OR ".join(conditions)
            history = _history_model(model)
            if history is not None:
                # The edit history of the rows about to go (an import writes
                # one per synthetic compound): it would outlive them.
                pk = quote(model._meta.pk.column)
                recorded = quote(history._meta.get_field(model._meta.pk.name).column)
                cursor.execute(
                    f"DELETE FROM {quote(history._meta.db_table)} WHERE {recorded} "
                    f"IN (SELECT {pk} FROM {table} WHERE {where})"
                )
                if cursor.rowcount:
                    deleted[history._meta.label] = cursor.rowcount
            cursor.execute(f"DELETE FROM {table} WHERE {where}")
            if cursor.rowcount:
                deleted[model._meta.label] = cursor.rowcount
    return deleted
