"""Synthetic data at national scale (issue 7): places, compounds and all that
hangs off them, every row marked ``is_synthetic``.

The site-level app does this because it may know all three apps. Rows
are streamed in batches of compounds, each batch in its own transaction, so
memory stays bounded whatever the number of compounds; see RowWriter for how
rows reach the database.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from estates.models import (
    BatchKind,
    City,
    Community,
    District,
    Estate,
    Measure,
    Precision,
    Procedure,
    Programme,
    ProgrammeBatch,
    ProgrammeFigure,
    ProgrammeMembership,
    ProgrammeSource,
    PropertyCompany,
    Province,
    Subdistrict,
)
from governance.models import (
    Council,
    CouncilLevel,
    Meeting,
    MeetingKind,
)
from lanes.models import Event, Recurrence
from renovation_portal.bulk import RowWriter
from renovation_portal.search import slug_pinyin

from . import names, synthetic_data_changed
from .compounds import estate_batch, placeholder_photo

MAX_ESTATES = 250_000
DEFAULT_BATCH_SIZE = 2_000

# How many of each level one level up holds, roughly as in China: about 5
# compounds per community, 5 communities per subdistrict, 4 subdistricts per
# district, 8 districts per city, 10 cities per province.
ESTATES_PER_COMMUNITY = 5
COMMUNITIES_PER_SUBDISTRICT = 5
SUBDISTRICTS_PER_DISTRICT = 4
DISTRICTS_PER_CITY = 8
CITIES_PER_PROVINCE = 10
ESTATES_PER_PROPERTY_COMPANY = 250
MEETINGS_PER_COUNCIL = 3

MEETING_TOPICS = (
    ("改造方案意见征集", "收集居民对改造方案的意见", "形成意见清单，提交街道"),
    ("停车秩序协调", "讨论院内停车位划分", "重新划线，设立临时停车区"),
    ("施工进度通报", "通报本月施工进度和下月计划", "督促施工单位按期完工"),
    ("长效管理评议", "评议物业服务和环境卫生", "每月开展一次联合检查"),
)


class SyntheticDataError(Exception):
    """A request the generator refuses, with a message for the user."""


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a run of ``estates`` compounds creates."""

    estates: int

    @property
    def communities(self) -> int:
        return math.ceil(self.estates / ESTATES_PER_COMMUNITY)

    @property
    def subdistricts(self) -> int:
        return math.ceil(self.communities / COMMUNITIES_PER_SUBDISTRICT)

    @property
    def districts(self) -> int:
        return math.ceil(self.subdistricts / SUBDISTRICTS_PER_DISTRICT)

    @property
    def cities(self) -> int:
        return math.ceil(self.districts / DISTRICTS_PER_CITY)

    @property
    def provinces(self) -> int:
        return math.ceil(self.cities / CITIES_PER_PROVINCE)

    @property
    def property_companies(self) -> int:
        return math.ceil(self.estates / ESTATES_PER_PROPERTY_COMPANY)


def synthetic_estate_count() -> int:
    return Estate.objects.filter(is_synthetic=True).count()


def synthetic_data_exists() -> bool:
    return (
        Province.objects.filter(is_synthetic=True).exists()
        or Estate.objects.filter(is_synthetic=True).exists()
    )


def _parents(rng: random.Random, children: int, parents: list[int]) -> list[int]:
    """A parent for each child: every parent gets one, the rest at random."""
    chosen = list(parents[:children])
    chosen += [rng.choice(parents) for _ in range(children - len(chosen))]
    return chosen


def bulk_session() -> None:
    """For the current transaction: no statement timeout, no wait for the
    commit's flush (the data is regenerated if a crash loses the last batch)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A batch's COPY may outlast the web's statement timeout (settings).
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET LOCAL synchronous_commit = off")


class Generator:
    def __init__(
        self,
        *,
        estates: int,
        seed: int,
        batch_size: int,
        progress: Callable[[str], None],
    ) -> None:
        self.plan = Plan(estates)
        self.rng = random.Random(seed)
        self.seed = seed
        self.batch_size = batch_size
        self.progress = progress
        self.writer = RowWriter()
        self.today = timezone.localdate()
        self.started = time.monotonic()

    # -- places ------------------------------------------------------------

    def _level(self, model, count, kind, parent_field=None, parents=None, extra=None):
        """Create ``count`` places of one level; return [(id, name), ...]."""
        rng, created = self.rng, []
        parent_ids = _parents(rng, count, [pk for pk, _n in parents]) if parents else []
        for start in range(0, count, self.batch_size):
            rows = []
            for i in range(start, min(count, start + self.batch_size)):
                name_zh, name_en = names.place_name(rng, *kind)
                row = {
                    "name_zh_hans": name_zh,
                    "name_en": name_en,
                    "slug": f"{slug_pinyin(name_zh)}-s{i + 1}",
                    "is_synthetic": True,
                }
                if parent_field:
                    row[parent_field] = parent_ids[i]
                if extra:
                    row.update(extra(rng, i, name_zh))
                rows.append(row)
            with transaction.atomic():
                bulk_session()
                ids = self.writer.insert(model, rows, returning=True)
            created.extend(
                (pk, row["name_zh_hans"]) for pk, row in zip(ids, rows, strict=True)
            )
        self.progress(
            _("%(model)s: %(count)d created.")
            % {"model": model._meta.verbose_name_plural, "count": count}
        )
        return created

    def places(self) -> None:
        plan = self.plan
        provinces = self._level(Province, plan.provinces, ("省", "Province"))
        cities = self._level(
            City, plan.cities, ("市", "City"), "province_id", provinces
        )
        districts = self._level(
            District, plan.districts, ("区", "District"), "city_id", cities
        )
        subdistricts = self._level(
            Subdistrict,
            plan.subdistricts,
            ("街道", "Subdistrict"),
            "district_id",
            districts,
        )
        self.subdistricts = subdistricts
        self.communities = self._level(
            Community,
            plan.communities,
            ("社区", "Community"),
            "subdistrict_id",
            subdistricts,
        )
        # Each community's subdistrict, for its council.
        self.community_subdistrict = dict(
            Community.objects.filter(is_synthetic=True).values_list(
                "id", "subdistrict_id"
            )
        )

    def property_companies(self) -> None:
        rows = []
        for i in range(self.plan.property_companies):
            base = names.two_chars(self.rng, names.NAME_CHARS)
            rows.append(
                {
                    "name_zh_hans": f"{base}物业服务有限公司",
                    "name_en": f"{names.pinyin_title(base)} Property Services Co.",
                    "slug": f"{slug_pinyin(base)}-wuye-s{i + 1}",
                    "is_synthetic": True,
                }
            )
        with transaction.atomic():
            self.company_ids = self.writer.insert(PropertyCompany, rows, returning=True)

    # -- governance and events ---------------------------------------------

    def councils(self) -> None:
        """A community-level council in every synthetic community, with meetings."""
        rng, self.council_of = self.rng, {}
        for start in range(0, len(self.communities), self.batch_size):
            chunk = self.communities[start : start + self.batch_size]
            rows = [
                {
                    "name_zh_hans": f"{name}居民议事会",
                    "name_en": "",
                    "slug": f"council-s{start + i + 1}",
                    "level": CouncilLevel.COMMUNITY,
                    "subdistrict_id": self.community_subdistrict[pk],
                    "community_id": pk,
                    "is_synthetic": True,
                }
                for i, (pk, name) in enumerate(chunk)
            ]
            meetings = []
            with transaction.atomic():
                bulk_session()
                ids = self.writer.insert(Council, rows, returning=True)
                for (community_id, _name), council_id in zip(chunk, ids, strict=True):
                    self.council_of[community_id] = council_id
                    for m in range(MEETINGS_PER_COUNCIL):
                        title, agenda, decisions = rng.choice(MEETING_TOPICS)
                        meetings.append(
                            {
                                "council_id": council_id,
                                "kind": (
                                    MeetingKind.MONTHLY_COORDINATION,
                                    MeetingKind.WEEKLY_TALK,
                                    MeetingKind.QUARTERLY_EVALUATION,
                                )[m],
                                "held_on": self.today
                                - datetime.timedelta(days=rng.randrange(1, 365)),
                                "title_zh_hans": title,
                                "agenda_zh_hans": agenda,
                                "decisions_zh_hans": decisions,
                                "attendees_count": rng.randrange(8, 40),
                                "is_synthetic": True,
                            }
                        )
                self.writer.insert(Meeting, meetings)
        self.progress(
            _("Councils: %(count)d created, with their meetings.")
            % {"count": len(self.communities)}
        )

    def events(self) -> None:
        """A monthly residents' day in every synthetic subdistrict."""
        for start in range(0, len(self.subdistricts), self.batch_size):
            chunk = self.subdistricts[start : start + self.batch_size]
            rows = [
                {
                    "title_zh_hans": f"{name}邻里议事日",
                    "title_en": "",
                    "slug": f"event-s{start + i + 1}",
                    "subdistrict_id": pk,
                    "recurrence": Recurrence.MONTHLY,
                    "day_of_month": self.rng.randrange(1, 29),
                    "start_time": datetime.time(9, 0),
                    "end_time": datetime.time(11, 0),
                    "is_synthetic": True,
                }
                for i, (pk, name) in enumerate(chunk)
            ]
            with transaction.atomic():
                self.writer.insert(Event, rows)

    # -- programmes ------------------------------------------------------

    def programmes(self) -> None:
        """A district-level programme in every synthetic district (hundreds
        to thousands of programmes at national scale), each with one source,
        two years' batches, its figures and its compounds as members."""
        members = dict(
            Estate.objects.filter(is_synthetic=True)
            .order_by()
            .values_list("community__subdistrict__district")
            .annotate(n=Count("pk"))
            .values_list("community__subdistrict__district", "n")
        )
        districts = list(
            District.objects.filter(is_synthetic=True)
            .order_by("pk")
            .values_list(
                "pk", "name_zh_hans", "name_en", "city_id", "city__province_id"
            )
        )
        year = self.today.year - 1
        batch_of: dict[int, tuple[int, list[int]]] = {}
        for start in range(0, len(districts), self.batch_size):
            chunk = districts[start : start + self.batch_size]
            programmes = [
                {
                    "name_zh_hans": f"{name_zh}老旧小区改造（合成数据）",
                    "name_en": f"Old compound renovation in {name_en} (synthetic)",
                    "short_name_zh_hans": name_zh,
                    "short_name_en": name_en,
                    "slug": f"programme-s{start + i + 1}",
                    "district_id": pk,
                    "city_id": city_id,
                    "province_id": province_id,
                    "start_year": year - 1,
                    "end_year": year,
                    "position": 1000,
                    "is_synthetic": True,
                }
                for i, (pk, name_zh, name_en, city_id, province_id) in enumerate(chunk)
            ]
            with transaction.atomic():
                bulk_session()
                ids = self.writer.insert(Programme, programmes, returning=True)
                sources = self.writer.insert(
                    ProgrammeSource,
                    [
                        {
                            "programme_id": programme_id,
                            "key": "s1",
                            "title_zh_hans": "合成数据（规模测试用，非真实来源）",
                            "title_en": "Synthetic data (for scale tests; not a "
                            "real source)",
                            "is_synthetic": True,
                        }
                        for programme_id in ids
                    ],
                    returning=True,
                )
                batches = self.writer.insert(
                    ProgrammeBatch,
                    [
                        {
                            "programme_id": programme_id,
                            "kind": BatchKind.YEAR,
                            "year": batch_year,
                            "is_synthetic": True,
                        }
                        for programme_id in ids
                        for batch_year in (year - 1, year)
                    ],
                    returning=True,
                )
                figures = []
                for (district_id, *_rest), programme_id, source_id in zip(
                    chunk, ids, sources, strict=True
                ):
                    count = members.get(district_id, 0)
                    figures += self._figures(programme_id, source_id, count)
                self.writer.insert(ProgrammeFigure, figures)
            for index, (district_id, *_rest) in enumerate(chunk):
                batch_of[district_id] = (ids[index], batches[2 * index : 2 * index + 2])
        self.programme_of = batch_of
        self.progress(
            _("Programmes: %(count)d created, with their figures.")
            % {"count": len(districts)}
        )

    def _figures(self, programme_id: int, source_id: int, count: int) -> list[dict]:
        """Made-up figures of three kinds of precision: the compounds (exact,
        the members' count), households (at least) and floor area (about)."""
        households = count * self.rng.randrange(80, 400)
        return [
            {
                "programme_id": programme_id,
                "source_id": source_id,
                "key": key,
                "measure": measure,
                "label_zh_hans": label_zh,
                "label_en": label_en,
                "value": value,
                "precision": precision,
                "position": position,
                "is_synthetic": True,
            }
            for position, (key, measure, label_zh, label_en, value, precision) in (
                (10, ("compounds", Measure.COMPOUNDS, "改造小区", "Compounds", count,
                      Precision.EXACT)),
                (20, ("households", Measure.HOUSEHOLDS, "惠及户数", "Households",
                      households // 100 * 100, Precision.AT_LEAST)),
                (30, ("floor-area", Measure.FLOOR_AREA, "改造面积", "Floor area",
                      households * 70 // 1000 * 1000, Precision.ABOUT)),
            )
        ]  # fmt: skip

    def memberships(self) -> None:
        """Every synthetic compound in its district's programme, in one of its
        two batches."""
        estates = (
            Estate.objects.filter(is_synthetic=True)
            .order_by("pk")
            .values_list("pk", "community__subdistrict__district")
        )
        rows = []
        for estate_id, district_id in estates.iterator(chunk_size=self.batch_size):
            programme_id, batches = self.programme_of[district_id]
            rows.append((programme_id, estate_id, batches[estate_id % 2], True))
            if len(rows) >= self.batch_size * 5:
                self._write_memberships(rows)
                rows = []
        self._write_memberships(rows)

    def _write_memberships(self, rows: list[tuple]) -> None:
        with transaction.atomic():
            bulk_session()
            self.writer.insert(
                ProgrammeMembership,
                rows,
                fields=("programme_id", "estate_id", "batch_id", "is_synthetic"),
            )

    def vacuum(self) -> None:
        """Fresh statistics and visibility maps for the tables just filled.

        Without them PostgreSQL misjudges the new rows and reads the search
        grams from the table rather than from the index alone (measured: 300
        rather than 30 ms for a pinyin search at 250,000 compounds).
        """
        if not self.writer.postgresql:
            return
        from django.apps import apps

        # VACUUM cannot run inside a transaction (a caller's, or a test's).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for label in self.writer.counts:
                table = apps.get_model(label)._meta.db_table
                cursor.execute(f"{command} {connection.ops.quote_name(table)}")
        self.progress(
            _("Statistics refreshed (%(seconds)d s).")
            % {"seconds": time.monotonic() - self.started}
        )

    # -- compounds ---------------------------------------------------------

    def estates(self, templates: list[tuple[int, str, int]]) -> None:
        total = self.plan.estates
        community_ids = _parents(self.rng, total, [pk for pk, _n in self.communities])
        for start in range(0, total, self.batch_size):
            stop = min(total, start + self.batch_size)
            with transaction.atomic():
                bulk_session()
                estate_batch(self, range(start, stop), community_ids, templates)
            self.progress(
                _("Compounds: %(done)d of %(total)d (%(seconds)d s).")
                % {
                    "done": stop,
                    "total": total,
                    "seconds": time.monotonic() - self.started,
                }
            )


def synthetic_generate(
    *,
    estates: int,
    seed: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[str], None] = lambda message: None,
) -> RowWriter:
    """Create ``estates`` synthetic compounds and everything around them.

    Refuses (SyntheticDataError) when synthetic data already exists or the
    default step template is missing; returns the writer, which counts rows
    and seconds spent writing them per model label.
    """
    if not 1 <= estates <= MAX_ESTATES:
        raise SyntheticDataError(
            _("The number of compounds must be between 1 and %(max)d.")
            % {"max": MAX_ESTATES}
        )
    if batch_size < 1:
        raise SyntheticDataError(_("The batch size must be at least 1."))
    if synthetic_data_exists():
        raise SyntheticDataError(
            _(
                "Synthetic data already exists. Run remove_synthetic first, "
                "then generate again."
            )
        )
    procedure = Procedure.objects.filter(is_default_template=True).first()
    templates = (
        list(procedure.steps.order_by("number").values_list("id", "stage", "number"))
        if procedure
        else []
    )
    if not templates:
        raise SyntheticDataError(
            _("The default step template is missing: run load_source_data first.")
        )
    generator = Generator(
        estates=estates, seed=seed, batch_size=batch_size, progress=progress
    )
    synthetic_data_changed()  # also when a batch fails after others committed
    placeholder_photo()
    generator.places()
    generator.property_companies()
    generator.councils()
    generator.events()
    try:
        generator.estates(templates)
        generator.programmes()
        generator.memberships()
    finally:
        synthetic_data_changed()
    generator.vacuum()
    return generator.writer
