"""Several counts in one query, for pages that show many small figures."""

from __future__ import annotations

from django.db.models import Aggregate, CharField, Count, QuerySet, Value


def count_each(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """How many rows each queryset holds, keyed as given: one ``UNION ALL`` of
    ``SELECT 'key', COUNT(id) …``, so a page with many counts pays one round
    trip to the database instead of one per count."""
    if not querysets:
        return {}
    parts = [
        queryset.order_by()
        .annotate(count_key=Value(key, output_field=CharField()))
        .values("count_key")
        .annotate(count=Count("pk"))
        .values_list("count_key", "count")
        for key, queryset in querysets.items()
    ]
    first, *rest = parts
    counts = dict(first.union(*rest, all=True)) if rest else dict(first)
    return {key: counts.get(key, 0) for key in querysets}


class JoinedIds(Aggregate):
    """The ids of a group joined by commas, on PostgreSQL and SQLite alike: a
    short list that comes with its row instead of a query of its own
    (``string_agg`` / ``group_concat``)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )
