"""What every importer shares: columns, row results, the preview, all or nothing.

An importer reads a file (see :mod:`.reading`), checks every row and says what
it would do: create a record, change one (and what changes), leave one as it is,
or reject the row and why. :meth:`Importer.apply` does the same checks again
and writes everything in one transaction, or nothing when any row is rejected.

An importer is given the querysets it may use (the ModelAdmins'
``get_queryset(request)``), so a clerk limited to their community can neither
match nor change a record outside it: an estate out of scope is "unknown".

Matching: a compound is the same record when its community and Chinese name
are the same; a works item when its compound and category are. Empty cells
never erase what is recorded.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renovation_portal import page_cache

from . import parsing
from .checks import condition_holds
from .reading import MAX_BYTES, MAX_ROWS, Table, header_key, read_table
from .writing import write_rows

CREATE, CHANGE, UNCHANGED, REJECT = "create", "change", "unchanged", "reject"
ACTION_LABELS = {
    CREATE: gettext_lazy("create"),
    CHANGE: gettext_lazy("change"),
    UNCHANGED: gettext_lazy("no change"),
    REJECT: gettext_lazy("rejected"),
}


@dataclass(frozen=True)
class Column:
    """One column of the template: the field it fills, its headers, its parser."""

    name: str
    header_zh: str
    header_en: str
    aliases: tuple[str, ...] = ()
    parse: Callable[[str], Any] = parsing.text
    required: bool = False


@dataclass
class RowResult:
    number: int
    label: str
    action: str = CREATE
    reasons: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    instance: models.Model | None = None
    # The model fields this row changes (what a bulk update writes).
    fields: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        self.action = REJECT
        self.reasons.append(reason)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


# A preview lists every row of a file up to SHOWN_ROWS rows; past that, it
# keeps the counts, the first REJECTED_SHOWN rejected rows and the first
# CHANGES_SHOWN changed rows, so that a file of 250,000 rows is checked in
# bounded memory and its page stays readable.
SHOWN_ROWS = 2000
REJECTED_SHOWN = 1000
CHANGES_SHOWN = 200


@dataclass
class Preview:
    """What an import does: counts per action and the rows shown."""

    rows: list[RowResult] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ACTION_LABELS, 0)
    )
    shown: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ACTION_LABELS, 0)
    )
    total: int = 0

    def add(self, row: RowResult) -> None:
        self.counts[row.action] += 1
        self.total += 1
        if (
            self.total <= SHOWN_ROWS
            or (row.action == REJECT and self.shown[REJECT] < REJECTED_SHOWN)
            or (row.action == CHANGE and self.shown[CHANGE] < CHANGES_SHOWN)
        ):
            self.rows.append(row)
            self.shown[row.action] += 1

    def count(self, action: str) -> int:
        return self.counts[action]

    @property
    def all_shown(self) -> bool:
        return len(self.rows) == self.total

    @property
    def rejected(self) -> list[RowResult]:
        """The rejected rows shown (all of them up to REJECTED_SHOWN)."""
        return [row for row in self.rows if row.action == REJECT]

    @property
    def rejected_not_shown(self) -> int:
        return self.counts[REJECT] - self.shown[REJECT]

    @property
    def can_apply(self) -> bool:
        return self.total > 0 and not self.counts[REJECT]


class ImportRefused(Exception):
    """Apply found a rejected row: nothing was written."""

    def __init__(self, preview: Preview):
        super().__init__("import refused")
        self.preview = preview


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _validation_reasons(model: type[models.Model], error: ValidationError) -> list[str]:
    """A model's validation errors as "column: message" reasons."""
    reasons = []
    for name, messages in error.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:  # "__all__" and constraint names
            label = ""
        for message in messages:
            reasons.append(f"{label}: {message}" if label else message)
    return reasons


class Importer:
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]
    kind: ClassVar[str]
    # Required columns whose empty cell gets a reason of its own in check().
    own_messages: ClassVar[set[str]] = set()
    # Relations check() resolves from the scope querysets.
    resolved: ClassVar[set[str]] = set()

    # Rows are checked (and applied) this many at a time: a chunk costs a few
    # queries (what already exists, looked up for the whole chunk) and memory
    # holds one chunk, whatever the size of the file.
    chunk_rows: ClassVar[int] = 2000

    def __init__(
        self,
        *,
        queryset: models.QuerySet,
        user=None,
        synthetic: bool = False,
        **scopes: models.QuerySet,
    ):
        """``user`` is written as the author of the history records;
        ``synthetic`` marks created records synthetic (scale tests only)."""
        self.queryset = queryset
        self.scopes = scopes
        self.user = user
        self.synthetic = synthetic
        # Duplicate detection across chunks: each key → its first row number.
        self.seen: dict[Any, int] = {}
        # Lookups a kind makes once per file rather than once per chunk.
        self.cache: dict[str, Any] = {}
        # Told the number of rows checked (and written) after each chunk: a
        # job's progress bar (estates/importing/jobs.py).
        self.progress: Callable[[int], None] | None = None
        # Required columns whose empty cell parse_row reports.
        self.required_columns = [
            column
            for column in self.columns
            if column.required and column.name not in self.own_messages
        ]

    # -- columns ------------------------------------------------------------
    @classmethod
    def aliases(cls) -> dict[str, str]:
        found = {}
        for column in cls.columns:
            for alias in (column.header_zh, column.header_en, *column.aliases):
                found[header_key(alias)] = column.name
        return found

    @classmethod
    def column(cls, name: str) -> Column:
        return next(column for column in cls.columns if column.name == name)

    def label(self, name: str) -> str:
        """A column's name in the user's language, for reasons."""
        try:
            return str(self.model._meta.get_field(name).verbose_name)
        except Exception:  # a column that is not a field of the model
            return self.column(name).header_en

    # -- reading ------------------------------------------------------------
    def read(
        self,
        data: bytes,
        filename: str,
        *,
        max_rows: int | None = MAX_ROWS,
        max_bytes: int | None = MAX_BYTES,
    ) -> Table:
        required = {c.name: c.header_zh for c in self.columns if c.required}
        return read_table(
            data,
            filename,
            self.aliases(),
            required,
            max_rows=max_rows,
            max_bytes=max_bytes,
        )

    def parse_row(
        self, table: Table, cells: list[str], result: RowResult
    ) -> dict[str, Any]:
        """The row's values by column name; bad cells become reasons."""
        values: dict[str, Any] = {}
        present: dict[str, str] = {}
        width = len(cells)
        # A column named twice is read from its first place.
        for index, name, parse in self._parsers(table):
            raw = present[name] = cells[index] if index < width else ""
            try:
                values[name] = parse(raw)
            except parsing.CellError as error:
                result.reject(f"{self.label(name)}: {error}")
        for column in self.required_columns:
            if (
                values.get(column.name) in (None, "")
                and column.name in present
                and not self._has_reason(result, column.name)
            ):
                result.reject(
                    _("%(column)s: this value is required.")
                    % {"column": self.label(column.name)}
                )
        return values

    def _parsers(self, table: Table) -> list[tuple[int, str, Callable[[str], Any]]]:
        """Where each known column of ``table`` is and its parser, worked out
        once per file rather than once per row."""
        if self.cache.get("parsers-of") is not table:
            found, parsers = {}, {column.name: column.parse for column in self.columns}
            for index, name in enumerate(table.columns):
                if name is not None and name not in found:
                    found[name] = (index, name, parsers[name])
            self.cache["parsers-of"] = table
            self.cache["parsers"] = list(found.values())
        return self.cache["parsers"]

    def _has_reason(self, result: RowResult, name: str) -> bool:
        return any(reason.startswith(self.label(name)) for reason in result.reasons)

    # -- the whole file ------------------------------------------------------
    def preview(self, data: bytes, filename: str, **limits) -> Preview:
        """What applying the file would do; nothing is written.

        ``limits``: ``max_rows`` and ``max_bytes`` (None: no limit), passed
        to :meth:`read`.
        """
        return self._run(data, filename, write=False, **limits)

    def apply(self, data: bytes, filename: str, **limits) -> Preview:
        """Check the file again and write it all, or nothing.

        Chunks are written as they pass their checks, in bulk (see
        :mod:`.writing`), inside one transaction; a rejected row anywhere rolls
        everything back, after the rest of the file has been checked so that
        every reason is reported.
        """
        with transaction.atomic():
            preview = self._run(data, filename, write=True, **limits)
            if not preview.can_apply:
                raise ImportRefused(preview)
            if preview.counts[CREATE] or preview.counts[CHANGE]:
                # What a save() does through its post_save signal, once.
                page_cache.record_changed(self.model)
        return preview

    def _run(self, data: bytes, filename: str, *, write: bool, **limits) -> Preview:
        self.seen, self.cache = {}, {}
        table = self.read(data, filename, **limits)
        preview = Preview()
        now = timezone.now()
        while chunk := list(itertools.islice(table.rows, self.chunk_rows)):
            parsed = []
            for number, cells in chunk:
                result = RowResult(number=number, label="")
                parsed.append((result, self.parse_row(table, cells, result)))
            self.check(parsed)
            results = [result for result, _values in parsed]
            clean = not any(result.action == REJECT for result in results)
            if write and clean and not preview.counts[REJECT]:
                write_rows(
                    self,
                    [result for result in results if result.action == CREATE],
                    [result for result in results if result.action == CHANGE],
                    now=now,
                )
            for result in results:
                preview.add(result)
            if self.progress is not None:
                self.progress(preview.total)
        return preview

    def check(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        """Settle a chunk of parsed rows: each gets its action and reasons."""
        raise NotImplementedError

    def before_write(self, created: list[RowResult], changed: list[RowResult]) -> None:
        """Compute what ``save()`` would (derived fields) for a chunk about
        to be written; add derived fields a changed row must write to its
        ``fields``."""

    def after_write(self, created: list[RowResult], changed: list[RowResult]) -> None:
        """Write what depends on the chunk's rows (they have their keys now)."""

    def mark_duplicates(
        self, keyed: dict[Any, list[RowResult]], describe: Callable[[], str]
    ) -> None:
        """Reject rows sharing a key with another row of the file: in this
        chunk, all of them; a key first seen in an earlier chunk names that
        row (already counted then)."""
        for key, rows in keyed.items():
            numbers = [row.number for row in rows]
            first = self.seen.setdefault(key, numbers[0])
            if first != numbers[0]:
                numbers.insert(0, first)
            if len(numbers) < 2:
                continue
            for row in rows:
                others = ", ".join(str(n) for n in numbers if n != row.number)
                row.reject(describe() % {"rows": others})

    def settle(
        self,
        result: RowResult,
        instance: models.Model,
        values: dict[str, Any],
        *,
        existing: bool,
    ) -> None:
        """Put the row's values on the instance, note changes, validate it."""
        for name, value in values.items():
            if value is None or value == "":
                continue  # empty cells never erase a recorded value
            old = getattr(instance, name)
            if existing and (old == value or _shown(old) == _shown(value)):
                continue
            if existing:
                result.changes.append((self.label(name), _shown(old), _shown(value)))
                result.fields.append(name)
            setattr(instance, name, value)
        if result.action == REJECT:
            return
        result.instance = instance
        if existing:
            result.action = CHANGE if result.changes else UNCHANGED
        if result.action in (CREATE, CHANGE):
            given = {name for name, value in values.items() if value not in (None, "")}
            for reason in self._validate(instance, given):
                result.reject(reason)

    def _validate(self, instance: models.Model, given: set[str]) -> list[str]:
        """The model's own checks, minus those that cannot fail or cost a
        query per row for nothing: the slug (made on save), the relation
        resolved from the scope querysets, and constraints on none of the
        fields this row gives (Django builds a query for each constraint, and
        for thousands of rows that is most of the time). The database still
        holds every constraint; apply turns a violation into a refusal."""
        skipped = ["slug", *self.resolved]
        reasons = []
        unique = self._may_fail_unique(skipped)
        exclude = skipped
        if instance._state.adding and not unique:
            exclude = [*skipped, *self._defaults_left(instance, skipped)]
        try:
            instance.full_clean(
                exclude=exclude, validate_unique=unique, validate_constraints=False
            )
        except ValidationError as error:
            reasons.extend(_validation_reasons(self.model, error))
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                fields = constraint.condition.referenced_base_fields
            else:
                fields = set(getattr(constraint, "fields", ()))
            if fields and not fields & given:
                continue
            if isinstance(constraint, models.CheckConstraint):
                holds = condition_holds(constraint.condition, instance)
                if holds is True:
                    continue
                if holds is False:
                    reasons.append(str(constraint.get_violation_error_message()))
                    continue
            try:
                constraint.validate(self.model, instance, exclude=skipped)
            except ValidationError as error:
                reasons.extend(error.messages)
        return reasons

    def _may_fail_unique(self, skipped: list[str]) -> bool:
        """Whether validate_unique can find anything on this model: a unique
        field or set of fields other than the primary key (which it never
        looks up for a new record nor for a stored one). Once per file."""
        if "may-fail-unique" not in self.cache:
            checks, date_checks = self.model()._get_unique_checks(exclude=skipped)
            pk = (self.model._meta.pk.name,)
            self.cache["may-fail-unique"] = bool(date_checks) or any(
                fields != pk for _model, fields in checks
            )
        return self.cache["may-fail-unique"]

    def _defaults_left(self, instance: models.Model, skipped: list[str]) -> list[str]:
        """A new record's fields that still hold a default value that passes
        the field's checks: nothing to check (a new compound has 30 fields
        and a row gives 9; checking the others was a tenth of a preview's
        time). The valid defaults are worked out once per file."""
        if "valid-defaults" not in self.cache:
            blank = self.model()
            valid = []
            for field in self.model._meta.concrete_fields:
                if field.name in skipped:
                    continue
                default = field.get_default()
                try:
                    field.clean(default, blank)
                except ValidationError:
                    continue
                valid.append((field.name, field.attname, default))
            self.cache["valid-defaults"] = valid
        left = []
        for name, attname, default in self.cache["valid-defaults"]:
            value = getattr(instance, attname)
            if value is default or (type(value) is type(default) and value == default):
                left.append(name)
        return left
