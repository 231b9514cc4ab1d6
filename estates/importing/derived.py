"""What ``Estate.save()`` derives for new compounds, on the second core.

A new compound's search keys, slug base and search grams are pure functions
of four of its texts; for a large import they were a quarter of the apply's
time (issue 7). When the command-line import applies a file,
:class:`Deriver` sends each full chunk's texts to one worker process as the
chunk's checks begin, so the keys are computed on the other core while this
process checks the rows; ``before_write`` then takes them. The worker gets and
returns plain tuples and never touches the database; it is forked at the first
full chunk (a small file never starts it) and is gone when the import ends,
also on error. An error in the worker is raised by :meth:`Deriver.get`, inside
the import's transaction, which then writes nothing.

A row whose texts are not the ones sent (or were never sent: the admin, SQLite,
a file's last chunk) gets its values computed here, by the same function.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from typing import NamedTuple

from django.db import connection

from renovation_portal.models import slug_base

from ..models import Estate, EstateSearchGram

# Chinese name, aliases, English name, address.
Source = tuple[str, str, str, str]


class Derived(NamedTuple):
    keys: tuple[str, str, str, str]  # hanzi, pinyin, initials, latin
    slug_base: str
    grams: tuple[str, ...]  # sorted


def source_of(estate: Estate) -> Source:
    return (
        estate.name_zh_hans or "",
        estate.aliases or "",
        estate.name_en or "",
        estate.address_zh_hans or "",
    )


def derive(source: Source) -> Derived:
    """What refresh_search_keys, search_gram_values and the slug's base
    compute for a compound with these texts."""
    name, aliases, name_en, address = source
    found = Estate.search_keys_of(name, aliases, name_en)
    keys = (found["hanzi"], found["pinyin"], found["initials"], found["latin"])
    grams = tuple(sorted(Estate.search_grams_of(list(keys), address)))
    return Derived(keys, slug_base(name), grams)


def derive_all(sources: list[Source]) -> list[Derived]:
    return [derive(source) for source in sources]


class Deriver:
    """Derived values of a chunk's new compounds, by row number."""

    def __init__(self, *, worker: bool):
        self.worker = worker
        self.executor: ProcessPoolExecutor | None = None
        # The chunk in flight: row number → (texts sent, its future, position).
        self.sent: dict[int, tuple[Source, Future, int]] = {}

    def submit(self, rows: list[tuple[int, Source]]) -> None:
        """Start computing these rows' values in the worker (when there is one)."""
        self.sent = {}
        if not self.worker or not rows:
            return
        if self.executor is None:
            # fork: the worker starts with the modules and caches loaded, at
            # no cost; it never uses the inherited database connection.
            context = multiprocessing.get_context("fork")
            self.executor = ProcessPoolExecutor(1, mp_context=context)
        future = self.executor.submit(derive_all, [source for _n, source in rows])
        self.sent = {
            number: (source, future, index)
            for index, (number, source) in enumerate(rows)
        }

    def get(self, number: int, source: Source) -> Derived:
        sent = self.sent.get(number)
        if sent is None or sent[0] != source:
            return derive(source)
        _source, future, index = sent
        return future.result()[index]

    def close(self) -> None:
        """End the worker (waiting for the chunk it is on, at most)."""
        self.sent = {}
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


# What COPY's text format would have to escape; grams are normalised keys
# (letters, digits, 汉字), so this never happens, but a gram with one of these
# goes through psycopg's row-by-row escaping rather than be mangled.
_NEEDS_ESCAPE = ("\\", "\r")


def copy_grams(grams: list[tuple[int, tuple[str, ...]]]) -> bool:
    """COPY each compound's grams as one line of text per gram, built with
    one join per compound (psycopg's write_row per gram was a tenth of an
    import's time, issue 7). False, writing nothing, when a gram needs
    escaping."""
    lines = "".join(
        f"{pk}\t" + f"\n{pk}\t".join(values) + "\n" for pk, values in grams if values
    )
    count = sum(len(values) for _pk, values in grams)
    if not count:
        return True
    if (
        lines.count("\n") != count
        or lines.count("\t") != count
        or any(mark in lines for mark in _NEEDS_ESCAPE)
    ):
        return False
    quote = connection.ops.quote_name
    table = quote(EstateSearchGram._meta.db_table)
    columns = ", ".join(
        quote(EstateSearchGram._meta.get_field(name).column)
        for name in ("estate", "gram")
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(lines)
    return True
