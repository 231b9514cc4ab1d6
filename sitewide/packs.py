"""Data packs: the programmes the portal ships with, as data (issue 15).

A pack is a folder of TOML files (``packs/<name>/*.toml``, read in name
order) holding the records of one programme as its sources give them: its
places, sources, batches, reported figures, compounds, case study, lanes,
organisations … Each record is an entry of an array of tables named after
its kind::

    [[programme]]
    slug = "example"
    name = { zh = "某某街道老旧小区改造", en = "Old compound renovation in …" }
    subdistrict = "example-subdistrict"      # a label of a record in this pack

    [[figure]]
    programme = "example"
    key = "compounds"
    measure = "compounds"
    value = 12
    source = "s1"

One generic loader reads every pack: it knows, for each kind, the model and
the natural key that finds its row (:data:`KINDS`), and nothing about any
programme. Rules:

- A bilingual field takes ``{ zh = "…", en = "…" }`` (or a string: Chinese
  only, and the English is emptied).
- A foreign key or many-to-many field names other records of the same pack
  by label: a record's ``id``, else its ``slug``, else its ``key``; a batch
  is labelled ``year:2019`` or ``phase:1``.
- A figure the source names but does not give is listed in the record's
  ``undisclosed = ["value"]`` and stored as NULL ("not disclosed"); a figure
  must either give its value or say so. Nothing is ever guessed.
- Loading is idempotent: each record is found by its natural key, created
  when missing, and only the fields the pack gives are written, so a second
  load leaves the same rows (``updated_at`` included) and fields staff keep
  that the pack is silent on are left alone. Many-to-many lists are set
  exactly.
- All packs load in one transaction: an error anywhere (a record the admin
  would refuse, an unknown field or label) names the file, the record and
  the field, and nothing is written.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from translated_fields import TranslatedField

from estates.services import estates_refresh_stages
from renovation_portal.loading import UNCHANGED, UPDATED, Tally, upsert


@dataclass(frozen=True)
class Kind:
    """One kind of record a pack may hold: its table name in the pack, its
    model and the fields (after the languages are spread over their columns)
    that find its row."""

    name: str
    model: str
    key: tuple[str, ...]
    # Fields a record must give, or list as undisclosed.
    disclose: tuple[str, ...] = ()

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


# In loading order: a record may only name records of earlier kinds (or of
# its own kind, earlier in the pack).
KINDS: tuple[Kind, ...] = (
    Kind("province", "estates.Province", ("slug",)),
    Kind("city", "estates.City", ("province", "slug")),
    Kind("district", "estates.District", ("city", "slug")),
    Kind("subdistrict", "estates.Subdistrict", ("district", "slug")),
    Kind("community", "estates.Community", ("slug",)),
    Kind("property_company", "estates.PropertyCompany", ("slug",)),
    Kind("programme", "estates.Programme", ("slug",)),
    Kind("source", "estates.ProgrammeSource", ("programme", "key")),
    Kind("batch", "estates.ProgrammeBatch", ("programme", "kind", "year", "number")),
    Kind("figure", "estates.ProgrammeFigure", ("programme", "key"), ("value",)),
    Kind("pillar", "estates.ProgrammePillar", ("programme", "key")),
    Kind("section", "estates.CaseStudySection", ("programme", "anchor")),
    Kind("courtyard", "estates.MergedCourtyard", ("slug",)),
    Kind("compound", "estates.Estate", ("slug",)),
    Kind("membership", "estates.ProgrammeMembership", ("programme", "estate")),
    Kind("honour", "estates.Honour", ("subdistrict", "title_zh_hans")),
    Kind("facility", "estates.Facility", ("slug",)),
    Kind("lane", "lanes.Lane", ("slug",)),
    Kind("lane_feature", "lanes.LaneFeature", ("lane", "name_zh_hans")),
    Kind("lane_tenant", "lanes.LaneTenant", ("lane", "name_zh_hans")),
    Kind("lane_honour", "lanes.LaneHonour", ("lane", "title_zh_hans")),
    Kind("event", "lanes.Event", ("slug",)),
    Kind("organisation", "governance.Organisation", ("slug",)),
    Kind("award", "governance.Award", ("subdistrict", "name_zh_hans")),
    Kind("practice", "governance.Practice", ("subdistrict", "name_zh_hans")),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}
# Keys of a record that are not fields of its model.
META_KEYS = {"id", "undisclosed"}
LANGUAGE_KEYS = {"zh": "zh_hans", "en": "en"}


class PackError(Exception):
    """A pack that cannot be loaded as it is; the message says where."""


@dataclass
class Pack:
    name: str
    path: Path
    records: dict[str, list[tuple[Path, int, dict]]] = field(default_factory=dict)


def packs_dir() -> Path:
    return Path(settings.DATA_PACKS_DIR)


def discover(root: Path | None = None) -> list[Path]:
    """Every pack folder under ``root`` (default ``DATA_PACKS_DIR``), by name."""
    root = root or packs_dir()
    return sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.toml")))


def read(path: Path) -> Pack:
    """Parse a pack folder's TOML files; refuse kinds it does not know."""
    pack = Pack(name=path.name, path=path)
    for file in sorted(path.glob("*.toml")):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise PackError(f"{file}: not valid TOML: {error}") from None
        for name, entries in data.items():
            if name == "pack":
                continue  # what the pack is, for people reading it
            if name not in KINDS_BY_NAME:
                known = ", ".join(KINDS_BY_NAME)
                raise PackError(
                    f"{file}: unknown kind of record [[{name}]] (known: {known})"
                )
            if not isinstance(entries, list):
                raise PackError(f"{file}: {name} must be an array of tables [[{name}]]")
            for number, entry in enumerate(entries, start=1):
                pack.records.setdefault(name, []).append((file, number, entry))
    return pack


class Loader:
    """Writes one or more packs' records, in :data:`KINDS` order."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.by_kind: dict[str, Tally] = {}
        self.labels: dict[tuple[type[models.Model], str], models.Model] = {}
        # Compounds whose memberships were loaded: their stage may now come
        # from what a programme's source reported.
        self.members: set[int] = set()

    # -- reading a record ---------------------------------------------------

    def _where(self, file: Path, kind: Kind, number: int, entry: dict) -> str:
        label = entry.get("id") or entry.get("slug") or entry.get("key") or ""
        return f"{file}: [[{kind.name}]] #{number}{f' ({label})' if label else ''}"

    def _reference(self, model: type[models.Model], label: Any, where: str, name: str):
        if not isinstance(label, str):
            raise PackError(f"{where}: {name} must name a record by its label")
        try:
            return self.labels[(model, label)]
        except KeyError:
            raise PackError(
                f"{where}: {name} names “{label}”, but no {model._meta.model_name} "
                "of this pack has that label (records can only name records "
                "loaded before them)"
            ) from None

    def _values(self, kind: Kind, entry: dict, where: str):
        model = kind.model_class
        values: dict[str, Any] = {}
        many: dict[str, list] = {}
        undisclosed = entry.get("undisclosed", [])
        for name in kind.disclose:
            if name not in entry and name not in undisclosed:
                raise PackError(
                    f'{where}: give {name}, or list it in undisclosed = ["{name}"] '
                    "when the source does not give it"
                )
        for name, raw in entry.items():
            if name in META_KEYS:
                continue
            translated = getattr(model, name, None)
            if isinstance(translated, TranslatedField):
                values.update(self._languages(name, raw, where))
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                raise PackError(
                    f"{where}: {model.__name__} has no field “{name}”"
                ) from None
            if model_field.many_to_many:
                if not isinstance(raw, list):
                    raise PackError(f"{where}: {name} must be a list of labels")
                target = model_field.related_model
                many[name] = [self._reference(target, x, where, name) for x in raw]
            elif model_field.is_relation:
                values[name] = self._reference(
                    model_field.related_model, raw, where, name
                )
            else:
                values[name] = self._plain(model_field, raw, where, name)
        for name in undisclosed:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                raise PackError(
                    f"{where}: {model.__name__} has no field “{name}”"
                ) from None
            if not model_field.null:
                raise PackError(f"{where}: {name} cannot be undisclosed (not nullable)")
            if name in entry:
                raise PackError(f"{where}: {name} is given and listed as undisclosed")
            values[name] = None
        return values, many

    @staticmethod
    def _languages(name: str, raw: Any, where: str) -> dict[str, str]:
        if isinstance(raw, str):
            raw = {"zh": raw}
        if not isinstance(raw, dict) or not set(raw) <= set(LANGUAGE_KEYS):
            raise PackError(f'{where}: {name} must be text or {{ zh = "…", en = "…" }}')
        return {
            f"{name}_{suffix}": (raw.get(code) or "").strip()
            for code, suffix in LANGUAGE_KEYS.items()
        }

    @staticmethod
    def _plain(model_field: models.Field, raw: Any, where: str, name: str) -> Any:
        if isinstance(model_field, models.DecimalField):
            if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                raise PackError(f"{where}: {name} must be a number")
            try:
                return Decimal(str(raw))
            except InvalidOperation:
                raise PackError(f"{where}: {name} must be a number") from None
        if isinstance(model_field, models.DateField) and not isinstance(
            raw, datetime.date
        ):
            raise PackError(f"{where}: {name} must be a date (YYYY-MM-DD, unquoted)")
        return raw

    # -- writing ------------------------------------------------------------

    def load(self, packs: Iterable[Pack]) -> None:
        packs = list(packs)
        for pack in packs:
            self.labels = {}
            for kind in KINDS:
                for file, number, entry in pack.records.get(kind.name, []):
                    self._load_one(kind, file, number, entry)
        estates_refresh_stages(estate_ids=self.members)

    def _load_one(self, kind: Kind, file: Path, number: int, entry: dict) -> None:
        where = self._where(file, kind, number, entry)
        if not isinstance(entry, dict):
            raise PackError(f"{where}: not a table")
        values, many = self._values(kind, entry, where)
        missing = [name for name in kind.key if name not in values]
        # A batch's key has both year and number; the one it lacks is NULL.
        if kind.name == "batch":
            values.setdefault("year", None)
            values.setdefault("number", None)
            missing = [name for name in missing if name not in {"year", "number"}]
        if missing:
            raise PackError(f"{where}: give {', '.join(missing)}")
        lookup = {name: values.pop(name) for name in kind.key}
        counts = Tally()
        try:
            instance = upsert(
                kind.model_class, lookup=lookup, values=values, tally=counts
            )
            for name, targets in many.items():
                manager = getattr(instance, name)
                if {obj.pk for obj in manager.all()} != {obj.pk for obj in targets}:
                    manager.set(targets)
                    if counts[UNCHANGED]:
                        counts = Tally({UPDATED: 1})
        except ValidationError as error:
            raise PackError(f"{where}: {_messages(error)}") from None
        self.tally.update(counts)
        self.by_kind.setdefault(kind.name, Tally()).update(counts)
        self._label(kind, entry, instance, where)
        if kind.name == "membership":
            self.members.add(instance.estate_id)

    def _label(self, kind: Kind, entry: dict, instance, where: str) -> None:
        labels = [entry.get("id") or entry.get("slug") or entry.get("key")]
        if kind.name == "batch":
            labels.append(instance.ref)
        for label in filter(None, labels):
            slot = (type(instance), str(label))
            held = self.labels.get(slot)
            if held is not None and held.pk != instance.pk:
                raise PackError(f"{where}: the label “{label}” is used twice")
            self.labels[slot] = instance


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def load_packs(paths: Iterable[Path]) -> Loader:
    """Load the packs at ``paths`` in one transaction; return the loader with
    its tallies (created, updated, unchanged per kind)."""
    loader = Loader()
    loader.load(read(Path(path)) for path in paths)
    return loader
