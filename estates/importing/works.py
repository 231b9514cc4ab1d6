"""Works items: one row per compound and category."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import DEFAULT_TIER, Estate, Tier, Unit, WorksCategory, WorksItem
from . import parsing
from .base import Column, Importer
from .reading import header_key

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
                    key = header_key(raw_community)
                    found = [
                        e
                        for e in found
                        if key
                        in {
                            header_key(e.community.name_zh_hans),
                            header_key(e.community.name_en or ""),
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
