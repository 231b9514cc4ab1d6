"""The compound register and works items, imported from a spreadsheet.

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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import DEFAULT_TIER, Estate, Tier, Unit, WorksCategory, WorksItem
from . import parsing
from .reading import Table, header_key, read_table

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

    def reject(self, reason: str) -> None:
        self.action = REJECT
        self.reasons.append(reason)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class Preview:
    rows: list[RowResult]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == REJECT]

    @property
    def can_apply(self) -> bool:
        return bool(self.rows) and not self.rejected

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTION_LABELS}


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

    def __init__(self, *, queryset: models.QuerySet, **scopes: models.QuerySet):
        self.queryset = queryset
        self.scopes = scopes

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
    def read(self, data: bytes, filename: str) -> Table:
        required = {c.name: c.header_zh for c in self.columns if c.required}
        return read_table(data, filename, self.aliases(), required)

    def parse_row(
        self, table: Table, cells: list[str], result: RowResult
    ) -> dict[str, Any]:
        """The row's values by column name; bad cells become reasons."""
        values: dict[str, Any] = {}
        present: dict[str, str] = {}
        for index, name in enumerate(table.columns):
            if name is None or name in present:
                continue
            present[name] = cells[index] if index < len(cells) else ""
        for name, raw in present.items():
            try:
                values[name] = self.column(name).parse(raw)
            except parsing.CellError as error:
                result.reject(f"{self.label(name)}: {error}")
        for column in self.columns:
            if (
                column.required
                and column.name not in self.own_messages
                and values.get(column.name) in (None, "")
                and column.name in present
                and not self._has_reason(result, column.name)
            ):
                result.reject(
                    _("%(column)s: this value is required.")
                    % {"column": self.label(column.name)}
                )
        return values

    def _has_reason(self, result: RowResult, name: str) -> bool:
        return any(reason.startswith(self.label(name)) for reason in result.reasons)

    # -- the whole file ------------------------------------------------------
    def preview(self, data: bytes, filename: str) -> Preview:
        table = self.read(data, filename)
        parsed = []
        for number, cells in table.rows:
            result = RowResult(number=number, label="")
            parsed.append((result, self.parse_row(table, cells, result)))
        self.check(parsed)
        return Preview(rows=[result for result, _values in parsed])

    def check(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def mark_duplicates(
        self, keyed: dict[Any, list[RowResult]], describe: Callable[[], str]
    ) -> None:
        for rows in keyed.values():
            if len(rows) < 2:
                continue
            numbers = [row.number for row in rows]
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
        try:
            instance.full_clean(exclude=skipped, validate_constraints=False)
        except ValidationError as error:
            reasons.extend(_validation_reasons(self.model, error))
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                fields = constraint.condition.referenced_base_fields
            else:
                fields = set(getattr(constraint, "fields", ()))
            if fields and not fields & given:
                continue
            try:
                constraint.validate(self.model, instance, exclude=skipped)
            except ValidationError as error:
                reasons.extend(error.messages)
        return reasons

    def apply(self, data: bytes, filename: str) -> Preview:
        """Check the file again and write it all, or nothing."""
        with transaction.atomic():
            preview = self.preview(data, filename)
            if not preview.can_apply:
                raise ImportRefused(preview)
            for row in preview.rows:
                if row.action not in (CREATE, CHANGE):
                    continue
                try:
                    with transaction.atomic():
                        row.instance.save()
                except IntegrityError:
                    row.reject(_("The database refused this row."))
                    raise ImportRefused(preview) from None
        return preview


def _estate_columns() -> list[Column]:
    return [
        Column("name_zh_hans", "小区名称", "Compound name",
               ("小区", "名称", "中文名称", "name", "compound", "chinese name"),
               required=True),
        Column("community", "所属社区", "Community", ("社区",), required=True),
        Column("name_en", "英文名称", "English name", ("英文名",)),
        Column("aliases", "别名", "Aliases", ("俗称", "其他名称")),
        Column("address_zh_hans", "地址", "Address", ("小区地址", "详细地址")),
        Column("year_built", "建成年份", "Year built", ("建成年代", "建成时间"),
               parsing.year),
        Column("buildings", "楼栋数", "Buildings", ("楼栋", "栋数"), parsing.integer),
        Column("households", "户数", "Households", ("住户数", "总户数"),
               parsing.integer),
        Column("floor_area_m2", "改造面积（平方米）", "Renovated floor area (m²)",
               ("改造面积", "建筑面积", "floor area"), parsing.decimal_number),
        Column("renovation_batch", "改造批次", "Renovation batch", ("批次",)),
        Column("renovation_year", "改造年份", "Renovation year",
               ("改造年度", "改造时间"), parsing.year),
        Column("latitude", "纬度", "Latitude", (), parsing.decimal_number),
        Column("longitude", "经度", "Longitude", (), parsing.decimal_number),
    ]  # fmt: skip


def _community_key(text: str) -> str:
    return header_key(text)


class EstateImporter(Importer):
    """The compound register: one row per compound.

    Scopes: ``queryset`` (estates that may be matched and changed) and
    ``communities`` (communities a compound may be put in).
    """

    model = Estate
    kind = "estates"
    columns = _estate_columns()
    own_messages = {"name_zh_hans", "community"}
    resolved = {"community"}

    def _communities(self) -> dict[str, list]:
        """Every community in scope by its Chinese name, English name (any
        case, full-width or not) and slug: one query, and a subdistrict has
        tens of communities, a city hundreds."""
        found: dict[str, list] = defaultdict(list)
        scope = self.scopes["communities"].order_by()
        for community in scope.only("pk", "name_zh_hans", "name_en", "slug"):
            keys = {community.name_zh_hans, community.slug, community.name_en}
            for key in {_community_key(k) for k in keys if k}:
                found[key].append(community)
        return found

    def check(self, parsed):
        communities = self._communities()
        resolved = []
        for result, values in parsed:
            name = values.pop("name_zh_hans", "") or ""
            result.label = name
            raw = values.pop("community", "") or ""
            community = None
            if not name:
                result.reject(_("The Chinese name is missing."))
            if not raw:
                result.reject(_("The community is missing."))
            else:
                found = communities.get(_community_key(raw), [])
                if not found:
                    result.reject(_("Unknown community “%(name)s”.") % {"name": raw})
                elif len(found) > 1:
                    result.reject(
                        _("Several communities are called “%(name)s”.") % {"name": raw}
                    )
                else:
                    community = found[0]
            resolved.append((result, values, name, community))

        keyed = defaultdict(list)
        for result, _values, name, community in resolved:
            if name and community:
                keyed[(community.pk, name)].append(result)
        self.mark_duplicates(
            keyed, lambda: _("The same compound is also in row %(rows)s.")
        )

        existing = defaultdict(list)
        wanted = {name for _r, _v, name, c in resolved if name and c}
        community_ids = {c.pk for _r, _v, _n, c in resolved if c}
        if wanted:
            for estate in self.queryset.filter(
                community_id__in=community_ids, name_zh_hans__in=wanted
            ).order_by():
                existing[(estate.community_id, estate.name_zh_hans)].append(estate)

        for result, values, name, community in resolved:
            if community is None or not name:
                continue
            matches = existing.get((community.pk, name), [])
            if len(matches) > 1:
                result.reject(
                    _("The community already has several compounds called this.")
                )
                continue
            if matches:
                self.settle(result, matches[0], values, existing=True)
            else:
                estate = Estate(community=community, name_zh_hans=name)
                self.settle(result, estate, values, existing=False)


UNIT_ALIASES = {
    "米": Unit.METRE,
    "延米": Unit.METRE,
    "平方米": Unit.SQUARE_METRE,
    "平米": Unit.SQUARE_METRE,
    "㎡": Unit.SQUARE_METRE,
    "个": Unit.ITEM,
    "项": Unit.ITEM,
    "套": Unit.ITEM,
    "车位": Unit.SPACE,
    "个车位": Unit.SPACE,
    "处": Unit.POINT,
    "点": Unit.POINT,
    "盏": Unit.LAMP,
    "栋": Unit.BUILDING,
    "幢": Unit.BUILDING,
}


def _works_columns() -> list[Column]:
    categories = parsing.choice_lookup(WorksCategory)
    tiers = parsing.choice_lookup(
        Tier, {"基础类": Tier.BASIC, "完善类": Tier.IMPROVEMENT, "提升类": Tier.UPGRADE}
    )
    units = parsing.choice_lookup(Unit, UNIT_ALIASES)
    return [
        Column("estate", "小区名称", "Compound name",
               ("小区", "compound", "name"), required=True),
        Column("community", "所属社区", "Community", ("社区",)),
        Column("category", "改造内容", "Category",
               ("改造类别", "类别", "改造项目", "works"),
               lambda t: parsing.choice(t, categories), required=True),
        Column("tier", "类型", "Tier", ("层级", "改造类型"),
               lambda t: parsing.choice(t, tiers)),
        Column("unit", "单位", "Unit", ("计量单位",),
               lambda t: parsing.choice(t, units), required=True),
        Column("planned_quantity", "计划量", "Planned quantity",
               ("计划数量", "计划工程量"), parsing.decimal_number),
        Column("done_quantity", "完成量", "Done quantity",
               ("完成数量", "已完成"), parsing.decimal_number),
        Column("description_zh_hans", "说明", "Description",
               ("具体内容", "描述", "备注")),
    ]  # fmt: skip


class WorksItemImporter(Importer):
    """Works items: one row per compound and category.

    Scopes: ``queryset`` (works items that may be matched and changed) and
    ``estates`` (compounds an item may be added to). The community column is
    needed only when two compounds in scope share a name.
    """

    model = WorksItem
    kind = "works"
    columns = _works_columns()
    own_messages = {"estate"}
    resolved = {"estate"}

    def label(self, name: str) -> str:
        if name == "community":
            return str(Estate._meta.get_field("community").verbose_name)
        return super().label(name)

    def check(self, parsed):
        names = {values.get("estate") or "" for _r, values in parsed} - {""}
        estates = defaultdict(list)
        for estate in (
            self.scopes["estates"]
            .filter(name_zh_hans__in=names)
            .select_related("community")
            .order_by()
        ):
            estates[estate.name_zh_hans].append(estate)

        resolved = []
        for result, values in parsed:
            name = values.pop("estate", "") or ""
            raw_community = values.pop("community", "") or ""
            result.label = name
            estate = None
            if not name:
                result.reject(_("The compound's Chinese name is missing."))
            else:
                found = estates.get(name, [])
                if raw_community:
                    key = _community_key(raw_community)
                    found = [
                        e
                        for e in found
                        if key
                        in {
                            _community_key(e.community.name_zh_hans),
                            _community_key(e.community.name_en or ""),
                            e.community.slug,
                        }
                    ]
                if not found:
                    result.reject(_("Unknown compound “%(name)s”.") % {"name": name})
                elif len(found) > 1:
                    result.reject(
                        _(
                            "Several compounds are called “%(name)s”: give the "
                            "community."
                        )
                        % {"name": name}
                    )
                else:
                    estate = found[0]
            resolved.append((result, values, estate))

        keyed = defaultdict(list)
        for result, values, estate in resolved:
            if estate and values.get("category"):
                keyed[(estate.pk, values["category"])].append(result)
        self.mark_duplicates(
            keyed,
            lambda: _("The same compound and category are also in row %(rows)s."),
        )

        existing = defaultdict(list)
        estate_ids = {estate.pk for _r, _v, estate in resolved if estate}
        for item in self.queryset.filter(estate_id__in=estate_ids).order_by():
            existing[(item.estate_id, item.category)].append(item)

        for result, values, estate in resolved:
            if estate is None or not values.get("category"):
                continue
            matches = existing.get((estate.pk, values["category"]), [])
            if len(matches) > 1:
                result.reject(
                    _("The compound already has several works items of this category.")
                )
                continue
            if matches:
                self.settle(result, matches[0], values, existing=True)
                continue
            item = WorksItem(estate=estate)
            if not values.get("tier"):
                values["tier"] = next(
                    (t for c, t in DEFAULT_TIER.items() if c == values["category"]),
                    Tier.BASIC,
                )
            self.settle(result, item, values, existing=False)


IMPORTERS: dict[str, type[Importer]] = {
    EstateImporter.kind: EstateImporter,
    WorksItemImporter.kind: WorksItemImporter,
}
