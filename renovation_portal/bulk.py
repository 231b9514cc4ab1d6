"""Fast inserts of many rows: COPY on PostgreSQL, bulk_create elsewhere.

Used by the spreadsheet import (``estates/importing/``) and the synthetic data
generator; it knows no app's models.

Rows are dicts of attribute names, or tuples in the order of ``fields``
(cheaper for the millions of steps and grams). Fields a row leaves out get
their model default (``created_at``/``updated_at`` get the time of the run),
so the two paths write the same values. ``save()`` is not called: callers compute
derived fields (search keys, slugs, stage) themselves.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone


class RowWriter:
    def __init__(self) -> None:
        self.postgresql = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def _columns(self, model: type[models.Model], *, with_pk: bool):
        columns = []
        for field in model._meta.concrete_fields:
            if field.primary_key and not with_pk:
                continue
            if getattr(field, "auto_now", False) or getattr(
                field, "auto_now_add", False
            ):
                default: Any = self.now
            elif field.primary_key:
                default = None
            else:
                default = field.get_default()
            columns.append((field.attname, field.column, default))
        return columns

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """``count`` new primary keys from the table's own sequence (PostgreSQL)."""
        table = model._meta.db_table
        column = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def insert(
        self,
        model: type[models.Model],
        rows: Iterable[dict[str, Any]] | Iterable[tuple],
        *,
        fields: tuple[str, ...] = (),
        returning: bool = False,
    ) -> list[int]:
        """Insert ``rows``; return their primary keys when ``returning``.

        With ``fields``, each row is a tuple of those attributes' values.
        """
        rows = list(rows)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)
        if not rows:
            return []
        started = time.monotonic()
        try:
            if fields:
                return self._insert_tuples(model, rows, fields)
            return self._insert(model, rows, returning=returning)
        finally:
            self.seconds[label] = (
                self.seconds.get(label, 0.0) + time.monotonic() - started
            )

    def _copy(self, model, columns, rows) -> None:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _insert_tuples(self, model, rows, fields) -> list[int]:
        if not self.postgresql:
            return self._insert(
                model, [dict(zip(fields, row, strict=True)) for row in rows]
            )
        rest = [c for c in self._columns(model, with_pk=False) if c[0] not in fields]
        columns = [model._meta.get_field(f).column for f in fields]
        columns += [column for _a, column, _d in rest]
        constants = tuple(default for _a, _c, default in rest)
        self._copy(model, columns, (row + constants for row in rows))
        return []

    def _insert(self, model, rows, *, returning=False):
        if not self.postgresql:
            objects = model._default_manager.bulk_create(
                [model(**row) for row in rows], batch_size=500
            )
            return [obj.pk for obj in objects] if returning else []
        ids = self.reserve_ids(model, len(rows)) if returning else []
        if returning:
            pk = model._meta.pk.attname
            for row, pk_value in zip(rows, ids, strict=True):
                row[pk] = pk_value
        columns = self._columns(model, with_pk=returning)
        names = ", ".join(connection.ops.quote_name(c) for _a, c, _d in columns)
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row.get(a, default) for a, _c, default in columns])
        return ids
