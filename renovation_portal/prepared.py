"""Querysets compiled once per process, then run many times with new values.

Turning a queryset into SQL costs Django more than PostgreSQL spends running
it: on a compound's page, about a third of an uncached visit went into
compiling the same ten queries again (issue 17, item 2, "a fast miss"). A
:class:`Prepared` query is written as an ordinary ``values_list`` queryset,
with *markers* in place of the values that change from visit to visit (a
compound's id, today's date). The first run on a database compiles it and
notes where each marker's value sits among the parameters; every later run
swaps in the new values and sends the same SQL, then applies the same
converters Django would (so dates, decimals and JSON come back as Django
gives them, on SQLite as on PostgreSQL).

Markers are values no visit can ask for (a negative id, a date in 1901), so a
marker found twice, or not at all, is a mistake in the queryset, and the first
run says so.

Only ``values_list`` querysets: the caller makes instances with
:func:`instances`, which fires ``post_init`` like the ORM (the page cache's
tags see every record a page shows).
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

# Marker values for the parameters of a prepared query: nobody's id, slug or date.
ID = -7_319_046_251
OTHER_ID = -7_319_046_252
SLUG = "\x00slug\x00"
DATE = datetime.date(1901, 2, 3)
DATETIME = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)


class Prepared:
    """A ``values_list`` queryset compiled once per database alias.

    ``build(**markers)`` returns the queryset, with each marker where the
    value goes; :meth:`rows` runs it with ``rows(name=value, …)``.
    """

    def __init__(self, build: Callable[..., models.QuerySet], **markers):
        self._build = build
        self._markers = markers
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self.model = build(**markers).model

    def _compile(self, alias: str) -> tuple:
        queryset = self._build(**self._markers).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        connection = connections[alias]
        slots = []
        for name, marker in self._markers.items():
            if isinstance(marker, datetime.datetime):
                adapted = connection.ops.adapt_datetimefield_value(marker)
            elif isinstance(marker, datetime.date):
                adapted = connection.ops.adapt_datefield_value(marker)
            else:
                adapted = marker
            found = [i for i, value in enumerate(params) if value == adapted]
            if len(found) != 1:
                raise ValueError(
                    f"marker {name!r} found {len(found)} times in the parameters "
                    f"of {self.model.__name__}'s prepared query; it must be once"
                )
            kind = (
                connection.ops.adapt_datetimefield_value
                if isinstance(marker, datetime.datetime)
                else connection.ops.adapt_datefield_value
                if isinstance(marker, datetime.date)
                else None
            )
            slots.append((found[0], name, kind))
        converters = compiler.get_converters(
            [selected[0] for selected in compiler.select[: compiler.col_count]]
        )
        return sql, list(params), slots, compiler, converters

    def rows(self, **values) -> list[tuple]:
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        sql, params, slots, compiler, converters = compiled
        params = list(params)
        for index, name, adapt in slots:
            value = values[name]
            params[index] = adapt(value) if adapt else value
        with _cursor(connections[alias]) as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if converters:
            fetched = [
                tuple(row) for row in compiler.apply_converters(fetched, converters)
            ]
        return fetched


@functools.cache
def _field_order(model: type[models.Model], names: tuple[str, ...]) -> tuple:
    """``names`` in the order of ``model``'s concrete fields (``from_db`` reads
    the values of a partial record in that order), and where each one is."""
    position = {field.attname: i for i, field in enumerate(model._meta.concrete_fields)}
    order = sorted(range(len(names)), key=lambda i: position[names[i]])
    return tuple(names[i] for i in order), tuple(order)


def _cursor(connection):
    """A cursor of ``connection``, counted and logged like any other; on
    PostgreSQL one that sends the parameters apart from the SQL and prepares
    the query once per connection, instead of planning it on every visit
    (planning the compound's own row took three times as long as running it).

    Django turns psycopg's automatic preparation off, for the sake of
    connection poolers that cannot keep prepared statements (PgBouncer in
    transaction mode before 1.21); ``DATABASE_PREPARED_STATEMENTS=0`` turns
    this off too."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # None would refuse even an explicit prepare=True. Django's own
        # cursors bind their parameters in the client and never prepare.
        raw.prepare_threshold = 5
    with connection.wrap_database_errors:
        # As BaseDatabaseWrapper._cursor() does, with another cursor class.
        return connection._prepare_cursor(_preparing_cursor()(raw))


@functools.cache
def _preparing_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def _made(model, db: str, names: tuple[str, ...], values: tuple):
    """``model.from_db(db, names, values)``, without ``Model.__init__``'s walk
    over every field (a compound's page makes some eighty records; the walk
    was a tenth of the page's time). The same record: each value in its
    attribute (a field not among ``names`` is deferred, read on access), the
    same state, and ``pre_init`` and ``post_init`` sent as the ORM sends them
    (the page cache's tags, image dimensions and file clean-up listen)."""
    pre_init.send(sender=model, args=values, kwargs={})
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding = False
    state.db = db
    instance.__dict__.update(zip(names, values, strict=True))
    post_init.send(sender=model, instance=instance)
    return instance


@functools.cache
def _plain(model: type[models.Model]) -> bool:
    """Whether ``model``'s records can be made by :func:`_made`: a model that
    makes its records itself (its own ``from_db`` or ``__init__``) cannot."""
    return (
        model.from_db.__func__ is models.Model.from_db.__func__
        and model.__init__ is models.Model.__init__
    )


def _record(model, db: str, names: tuple[str, ...], values: tuple):
    if _plain(model):
        return _made(model, db, names, values)
    return model.from_db(db, names, values)


def record(model, names: Sequence[str], values: Sequence, db: str = "default"):
    """One record of ``model`` from ``values`` of the fields ``names``."""
    ordered, order = _field_order(model, tuple(names))
    return _record(model, db, ordered, tuple(values[i] for i in order))


def instances(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence],
    start: int = 0,
    db: str = "default",
) -> list[models.Model]:
    """Records of ``model`` made from ``rows[start:start + len(names)]``, as the
    ORM makes them (``Model.from_db``; deferred fields load on access)."""
    ordered, order = _field_order(model, tuple(names))
    return [
        _record(model, db, ordered, tuple(row[start + i] for i in order))
        for row in rows
    ]


def attnames(
    model: type[models.Model], prefix: str = "", only=None, exclude=()
) -> list[str]:
    """The columns of ``model`` to select (its concrete fields' attnames),
    each behind ``prefix`` when read through a relation; ``only`` or
    ``exclude`` some (the others are deferred: read on access, one query
    each, so leave out only what no page or tag reads)."""
    return [
        prefix + field.attname
        for field in model._meta.concrete_fields
        if (only is None or field.attname in only or field.name in only)
        and field.attname not in exclude
    ]


def cached_queryset(model: type[models.Model], items: list) -> models.QuerySet:
    """A queryset of ``items`` that makes no query, as a prefetch leaves it."""
    queryset = model._default_manager.all()
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    return queryset


def prefetched(instance: models.Model, name: str, model, items: list) -> None:
    """Let ``instance.<name>.all()`` answer ``items`` without a query."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = cached_queryset(model, items)
