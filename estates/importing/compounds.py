"""The compound register: one row per compound, matched by community and
Chinese name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from renovation_portal.bulk import RowWriter
from renovation_portal.geo import gcj02_to_wgs84

from ..models import Estate, EstateSearchGram, Programme, ProgrammeMembership
from ..selectors.programmes import programme_subdistricts
from . import parsing
from .base import CHANGE, REJECT, UNCHANGED, Column, Importer
from .derived import Deriver, copy_grams, source_of
from .reading import header_key


def _estate_columns() -> list[Column]:
    return [
        Column("name_zh_hans", "小区名称", "Compound name",
               ("小区", "名称", "中文名称", "name", "compound", "chinese name"),
               required=True),
        Column("community", "所属社区", "Community", ("社区",), required=True),
        Column("name_en", "英文名称", "English name", ("英文名",)),
        Column("aliases", "别名", "Aliases", ("俗称", "其他名称"), parsing.lines),
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
        # What the two above are in: WGS-84 (empty) or GCJ-02, stored as
        # WGS-84 (issue 19).
        Column("coordinate_system", "坐标系", "Coordinate system",
               ("坐标系统", "crs", "datum"), parsing.coordinate_system),
        # Not fields of the compound: the programme (and its batch or phase)
        # to put it in (issue 15).
        Column("programme", "改造计划", "Programme", ("计划", "program")),
        Column("programme_batch", "计划批次（年份或期）", "Programme batch or phase",
               ("计划批次", "批次或期", "期次", "batch or phase", "phase")),
    ]  # fmt: skip


# Changing these changes a compound's search keys and grams (see Estate.save).
SEARCH_SOURCES = {"name_zh_hans", "name_en", "aliases"}
GRAM_SOURCES = SEARCH_SOURCES | {"address_zh_hans"}
SEARCH_KEYS = ["search_hanzi", "search_pinyin", "search_initials", "search_latin"]


# Slugs looked up in one query: this many prefixes at a time (SQLite refuses
# an expression tree deeper than 1,000).
SLUG_PREFIXES_PER_QUERY = 500
# Existing compounds loaded this many at a time (SQLite's parameter limit).
IDS_PER_QUERY = 500


def _slugs_taken(bases: set[str]) -> dict[str, set[str]]:
    """Per base, the slugs already stored that unique_slug would step over:
    the base itself and ``base-<n>``. A few queries for a whole chunk, where
    unique_slug makes one per name (issue 7: that was most of an import's
    time once names repeat)."""
    taken: dict[str, set[str]] = {base: set() for base in bases}
    for slug in _slugs_from(sorted(bases)):
        base, _dash, number = slug.rpartition("-")
        if slug in taken:
            taken[slug].add(slug)
        if number.isdigit() and base in taken:
            taken[base].add(slug)
    return taken


def _slugs_from(bases: list[str]) -> Iterator[str]:
    """The stored slugs that start with one of ``bases`` (at least those that
    are a base or a base followed by "-")."""
    if connection.vendor == "postgresql":
        # One index range per base, joined to the bases as an array: a slug
        # is "base" or "base-…", which lie in [base, base + ".") byte by byte
        # ("." follows "-"; the pattern operators compare bytes whatever the
        # collation, and the slug's varchar_pattern_ops index serves them).
        # 500 OR'ed LIKEs took about 200 ms to plan and run, this 10 ms
        # (issue 17: a quarter of an apply of 20,000 rows).
        table = connection.ops.quote_name(Estate._meta.db_table)
        slug = connection.ops.quote_name(Estate._meta.get_field("slug").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.{slug} FROM unnest(%s::text[]) AS b(base) "
                f"JOIN {table} e ON e.{slug} ~>=~ b.base "
                f"AND e.{slug} ~<~ (b.base || '.')",
                [bases],
            )
            yield from (row[0] for row in cursor.fetchall())
        return
    for start in range(0, len(bases), SLUG_PREFIXES_PER_QUERY):
        batch = bases[start : start + SLUG_PREFIXES_PER_QUERY]
        prefixes = Q(*(Q(slug__startswith=base) for base in batch), _connector=Q.OR)
        yield from Estate.objects.filter(prefixes).values_list("slug", flat=True)


def _ids_of_pairs(pairs: set[tuple[int, str]]) -> list[int]:
    """On PostgreSQL, the ids of the compounds with exactly these (community
    id, Chinese name) pairs: the pairs as two arrays, each looked up in the
    (community, name) index. The two lists of names and communities found,
    as the file went on, the compounds the file had already written under its
    names in other communities of each chunk: the apply of 250,000 rows spent
    28 s there against 13 s in its preview (issue 17)."""
    ordered = sorted(pairs)
    quote = connection.ops.quote_name
    meta = Estate._meta
    table = quote(meta.db_table)
    community = quote(meta.get_field("community").column)
    name = quote(meta.get_field("name_zh_hans").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.{quote(meta.pk.column)} "
            "FROM unnest(%s::bigint[], %s::text[]) AS p(community, name) "
            f"JOIN {table} e ON e.{community} = p.community AND e.{name} = p.name",
            [[pk for pk, _n in ordered], [n for _pk, n in ordered]],
        )
        return [row[0] for row in cursor.fetchall()]


def _to_wgs84(result, values) -> None:
    """The row's coordinates in WGS-84, as the portal stores them: converted
    when its coordinate-system cell says GCJ-02 (a few hundred metres)."""
    system = values.pop("coordinate_system", None)
    if system != parsing.GCJ02:
        return
    lat, lng = values.get("latitude"), values.get("longitude")
    if lat is None or lng is None:
        if lat is not None or lng is not None:
            result.reject(_("GCJ-02 coordinates need both a latitude and a longitude."))
        return
    wgs_lat, wgs_lng = gcj02_to_wgs84(float(lat), float(lng))
    values["latitude"] = Decimal(f"{wgs_lat:.6f}")
    values["longitude"] = Decimal(f"{wgs_lng:.6f}")


class _Community(NamedTuple):
    pk: int
    subdistrict_id: int | None


class EstateImporter(Importer):
    """The compound register: one row per compound.

    Scopes: ``queryset`` (estates that may be matched and changed) and
    ``communities`` (communities a compound may be put in). ``worker``:
    compute new compounds' keys and grams in a second process (see .derived;
    the command-line import does, the admin does not fork its web worker).
    """

    model = Estate
    kind = "estates"
    columns = _estate_columns()
    own_messages = {"name_zh_hans", "community"}
    resolved = {"community"}
    # Columns that are not the compound's own fields.
    extra = {"programme", "programme_batch", "coordinate_system"}

    def __init__(self, *, worker: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.worker = worker
        self.deriver = Deriver(worker=False)
        # The grams of the chunk being written, from before_write to after_write.
        self.new_grams: list[tuple[str, ...]] = []

    def _run(self, data, filename, *, write, **limits):
        self.deriver = Deriver(worker=self.worker and write)
        try:
            return super()._run(data, filename, write=write, **limits)
        finally:
            self.deriver.close()

    def _communities(self) -> dict[str, list[_Community]]:
        """Every community in scope by its Chinese name, English name (any
        case, full-width or not) and slug: one query, and a subdistrict has
        tens of communities, a city hundreds (the benchmark's database 50,000:
        read as tuples, not model instances, which took 2 s each run)."""
        found: dict[str, list[_Community]] = defaultdict(list)
        scope = self.scopes["communities"].order_by()
        for pk, subdistrict_id, *names in scope.values_list(
            "pk", "subdistrict_id", "name_zh_hans", "name_en", "slug"
        ):
            community = _Community(pk, subdistrict_id)
            for key in {header_key(name) for name in names if name}:
                found[key].append(community)
        return found

    def _programme(self, raw: str):
        """The programme a cell names (its slug, Chinese or English name or
        short name; any case, full-width or not), with its batches; None when
        none or several match. Looked up once per distinct cell in a file."""
        found = self.cache.setdefault("programmes", {})
        key = header_key(raw)
        if key not in found:
            scope = self.scopes.get("programmes") or Programme.objects.all()
            named = (
                Q(slug__iexact=raw)
                | Q(name_zh_hans=raw)
                | Q(short_name_zh_hans=raw)
                | Q(name_en__iexact=raw)
                | Q(short_name_en__iexact=raw)
            )
            found[key] = list(scope.filter(named).prefetch_related("batches")[:2])
        return found[key]

    def _membership(self, result, values):
        """Resolve the row's programme and batch cells into what the row
        asks for: (programme, batch or None), or None; bad cells are reasons."""
        raw = values.pop("programme", "") or ""
        raw_batch = values.pop("programme_batch", "") or ""
        if not raw:
            if raw_batch:
                result.reject(_("A batch or phase is given without a programme."))
            return None
        matches = self._programme(raw)
        if not matches:
            result.reject(_("Unknown programme “%(name)s”.") % {"name": raw})
            return None
        if len(matches) > 1:
            result.reject(
                _("Several programmes are called “%(name)s”.") % {"name": raw}
            )
            return None
        programme = matches[0]
        if not raw_batch:
            return programme, None
        batch = parsing.programme_batch(raw_batch, programme.batches.all())
        if batch is None:
            result.reject(
                _("The programme “%(programme)s” has no batch or phase “%(batch)s”.")
                % {"programme": programme.short_name, "batch": raw_batch}
            )
            return None
        return programme, batch

    def check(self, parsed):
        if "communities" not in self.cache:
            self.cache["communities"] = self._communities()
        communities = self.cache["communities"]
        wanted = {}
        for result, values in parsed:
            _to_wgs84(result, values)
            membership = self._membership(result, values)
            if membership is not None:
                wanted[result.number] = membership
        if len(parsed) == self.chunk_rows:  # more may follow: worth the worker
            self.deriver.submit(
                [
                    (result.number, _source(values))
                    for result, values in parsed
                    if values.get("name_zh_hans")
                ]
            )
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
                found = communities.get(header_key(raw), [])
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

        existing = self._existing(
            {(c.pk, name) for _r, _v, name, c in resolved if name and c}
        )

        held = self._memberships(
            [matches[0].pk for matches in existing.values() if len(matches) == 1]
        )
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
                estate = Estate(community_id=community.pk, name_zh_hans=name)
                self.settle(result, estate, values, existing=False)
            self._settle_membership(result, wanted.get(result.number), held)

    def _subdistrict_of(self, community_id: int) -> int | None:
        """A community's subdistrict, from the communities read for the file
        (every row's community is among them)."""
        known = self.cache.get("community-subdistricts")
        if known is None:
            known = self.cache["community-subdistricts"] = {
                community.pk: community.subdistrict_id
                for found in self.cache["communities"].values()
                for community in found
            }
        return known.get(community_id)

    def _area(self, programme) -> set[int]:
        """The subdistricts the programme covers, once per file."""
        areas = self.cache.setdefault("programme-areas", {})
        if programme.pk not in areas:
            areas[programme.pk] = set(
                programme_subdistricts(programme).values_list("pk", flat=True)
            )
        return areas[programme.pk]

    def _memberships(self, estate_ids: list[int]) -> dict[tuple[int, int], object]:
        """The programmes these compounds are in: (estate, programme) → the
        membership, one query for the chunk."""
        if not estate_ids:
            return {}
        return {
            (m.estate_id, m.programme_id): m
            for m in ProgrammeMembership.objects.filter(estate_id__in=estate_ids)
        }

    def _settle_membership(self, result, wanted, held) -> None:
        """A row asking for a programme (and batch) the compound is not in yet
        (or in another batch of) is a change, shown in the preview; the
        membership is written with the compound (after_write)."""
        result.membership = None
        if wanted is None or result.action == REJECT:
            return
        programme, batch = wanted
        estate = result.instance
        if self._subdistrict_of(estate.community_id) not in self._area(programme):
            result.reject(
                _("The compound lies outside the places “%(programme)s” covers.")
                % {"programme": programme.short_name}
            )
            return
        current = held.get((estate.pk, programme.pk)) if estate.pk else None
        if current is not None and (batch is None or current.batch_id == batch.pk):
            return
        old = _membership_text(programme, current.batch) if current else ""
        new = _membership_text(programme, batch)
        result.changes.append((_("Programme"), old, new))
        result.membership = (programme, batch, current)
        if result.action == UNCHANGED:
            result.action = CHANGE

    def _existing(self, pairs: set[tuple[int, str]]) -> dict[tuple, list[Estate]]:
        """The compounds in scope by (community id, Chinese name), for these
        pairs only. On PostgreSQL the pairs are looked up as such
        (:func:`_ids_of_pairs`); elsewhere names and communities are looked up
        as two lists (what their indexes serve), which also finds a name of
        the chunk in another community of the chunk: only ids are read for
        those, and only the compounds of the pairs are loaded (issue 7: a
        file of 250,000 compounds over 400 communities loaded a million, a
        third of its apply's time, as each chunk met the names of the chunks
        before)."""
        if not pairs:
            return {}
        if connection.vendor == "postgresql":
            ids = _ids_of_pairs(pairs)
        else:
            candidates = self.queryset.filter(
                community_id__in={pk for pk, _name in pairs},
                name_zh_hans__in={name for _pk, name in pairs},
            ).order_by()
            ids = [
                pk
                for pk, community_id, name in candidates.values_list(
                    "pk", "community_id", "name_zh_hans"
                )
                if (community_id, name) in pairs
            ]
        # Loaded through the scope: a compound out of it stays unknown.
        existing = defaultdict(list)
        for start in range(0, len(ids), IDS_PER_QUERY):
            batch = ids[start : start + IDS_PER_QUERY]
            for estate in self.queryset.filter(pk__in=batch).order_by():
                existing[(estate.community_id, estate.name_zh_hans)].append(estate)
        return existing

    # -- writing in bulk (see .writing): what Estate.save() derives -----------
    def before_write(self, created, changed):
        derived = [
            self.deriver.get(row.number, source_of(row.instance)) for row in created
        ]
        for row, values in zip(created, derived, strict=True):
            estate = row.instance
            (
                estate.search_hanzi,
                estate.search_pinyin,
                estate.search_initials,
                estate.search_latin,
            ) = values.keys
        self._give_slugs(
            [
                (row.instance, values.slug_base)
                for row, values in zip(created, derived, strict=True)
                if not row.instance.slug
            ]
        )
        self.new_grams = [values.grams for values in derived]
        for row in changed:
            if SEARCH_SOURCES & set(row.fields):
                row.instance.refresh_search_keys()
                row.fields.extend(SEARCH_KEYS)

    def _give_slugs(self, estates: list[tuple[Estate, str]]) -> None:
        """The slug save() would give each (see SlugFromNameMixin and
        unique_slug): its pinyin base, or the base with the first free
        ``-<n>`` among those stored and those this import gave.

        A base's slugs are looked up once per file and then kept with the
        ones given (names repeat: a register of 250,000 compounds has tens of
        thousands of distinct names). The slug's unique constraint stays the
        final word should someone else take one meanwhile."""
        known: dict[str, set[str]] = self.cache.setdefault("slugs", {})
        known.update(_slugs_taken({base for _e, base in estates if base not in known}))
        for estate, base in estates:
            used = known[base]
            slug, n = base, 2
            while slug in used:
                slug, n = f"{base}-{n}", n + 1
            used.add(slug)
            estate.slug = slug

    def after_write(self, created, changed):
        _write_memberships(created + changed)
        regrammed = [row.instance for row in changed if GRAM_SOURCES & set(row.fields)]
        if regrammed:
            EstateSearchGram.objects.filter(estate__in=regrammed).delete()
        grams = [
            (row.instance.pk, values)
            for row, values in zip(created, self.new_grams, strict=True)
        ]
        grams += [
            (estate.pk, tuple(sorted(estate.search_gram_values())))
            for estate in regrammed
        ]
        # Tens of grams per compound: COPY on PostgreSQL.
        if connection.vendor == "postgresql" and copy_grams(grams):
            return
        RowWriter().insert(
            EstateSearchGram,
            ((pk, gram) for pk, values in grams for gram in values),
            fields=("estate_id", "gram"),
        )


def _membership_text(programme, batch) -> str:
    if batch is None:
        return str(programme.short_name)
    return f"{programme.short_name} · {batch.label}"


def _write_memberships(rows) -> None:
    """Put the chunk's compounds into the programmes their rows name: new
    memberships in bulk, a changed batch saved with its history."""
    new, moved = [], []
    for row in rows:
        wanted = getattr(row, "membership", None)
        if wanted is None:
            continue
        programme, batch, current = wanted
        if current is None:
            new.append(
                ProgrammeMembership(
                    programme=programme, estate=row.instance, batch=batch
                )
            )
        else:
            current.batch = batch
            moved.append(current)
    if new:
        bulk_create_with_history(new, ProgrammeMembership)
    for membership in moved:
        membership.full_clean()
        membership.save()


def _source(values: dict) -> tuple[str, str, str, str]:
    """A parsed row's texts, as a new compound would hold them."""
    return tuple(
        values.get(name) or ""
        for name in ("name_zh_hans", "aliases", "name_en", "address_zh_hans")
    )
