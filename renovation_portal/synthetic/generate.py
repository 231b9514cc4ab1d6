"""Synthetic data at national scale (issue 7): places, compounds and all that
hangs off them, every row marked ``is_synthetic``.

The project package does this because only it may know all three apps. Rows
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
from decimal import Decimal
from functools import lru_cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from estates.models import (
    DEFAULT_TIER,
    City,
    Community,
    District,
    Estate,
    EstateSearchGram,
    Photo,
    PhotoKind,
    Procedure,
    PropertyCompany,
    Province,
    Stage,
    Step,
    StepStatus,
    Subdistrict,
    Tier,
    Unit,
    WorksCategory,
    WorksItem,
)
from governance.models import (
    Council,
    CouncilLevel,
    Feedback,
    FeedbackCategory,
    FeedbackStatus,
    Meeting,
    MeetingKind,
)
from governance.models.participation import REFERENCE_ALPHABET, REFERENCE_LENGTH
from lanes.models import Event, Recurrence
from renovation_portal.search import normalize, search_grams, slug_pinyin

from . import names, synthetic_data_changed
from .writer import RowWriter

MAX_ESTATES = 250_000
DEFAULT_BATCH_SIZE = 2_000
PLACEHOLDER_PHOTO = "synthetic/placeholder.jpg"

# How many of each level one level up holds, roughly as in China: about 5
# compounds per community, 5 communities per subdistrict, 4 subdistricts per
# district, 8 districts per city, 10 cities per province.
ESTATES_PER_COMMUNITY = 5
COMMUNITIES_PER_SUBDISTRICT = 5
SUBDISTRICTS_PER_DISTRICT = 4
DISTRICTS_PER_CITY = 8
CITIES_PER_PROVINCE = 10
ESTATES_PER_PROPERTY_COMPANY = 250
STEP_FIELDS = (
    "estate_id",
    "template_id",
    "stage",
    "number",
    "status",
    "done_on",
    "is_synthetic",
)
MEETINGS_PER_COUNCIL = 3
WORKS_PER_ESTATE = 3
FEEDBACK_SHARE = 0.2  # one compound in five has a resident's feedback

WORKS_UNITS = {
    WorksCategory.CABLES_BURIED: Unit.METRE,
    WorksCategory.OVERHEAD_CLEARED: Unit.METRE,
    WorksCategory.RAIN_SEWAGE: Unit.METRE,
    WorksCategory.WATER_GAS_HEATING: Unit.METRE,
    WorksCategory.ROADS: Unit.SQUARE_METRE,
    WorksCategory.LIGHTING: Unit.LAMP,
    WorksCategory.GREENING: Unit.SQUARE_METRE,
    WorksCategory.PARKING: Unit.SPACE,
    WorksCategory.EV_CHARGING: Unit.POINT,
    WorksCategory.ACCESS_CONTROL: Unit.ITEM,
    WorksCategory.SMART_SECURITY: Unit.POINT,
    WorksCategory.FITNESS: Unit.ITEM,
}

# What residents report, without any name or number of a person.
FEEDBACK_TEXTS = (
    (FeedbackCategory.ROADS, "{n}号楼门前路面破损，雨天积水，希望尽快修补。"),
    (FeedbackCategory.PIPES, "{n}号楼下水道经常堵塞，气味很大。"),
    (FeedbackCategory.CABLES, "{n}号楼东侧飞线较多，存在安全隐患。"),
    (FeedbackCategory.LIGHTING, "{n}号楼楼道灯不亮，晚上出行不便。"),
    (FeedbackCategory.GREENING, "{n}号楼旁绿化带杂草多，请安排修剪。"),
    (FeedbackCategory.PARKING, "晚上停车位紧张，{n}号楼前经常堵车。"),
    (FeedbackCategory.CHARGING, "电动车充电桩不够用，建议在{n}号楼旁加装。"),
    (FeedbackCategory.SAFETY, "{n}号楼单元门禁损坏，外来人员随意进出。"),
)
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


@lru_cache(maxsize=65536)
def _estate_keys(name: str, aliases: str, name_en: str) -> tuple[dict, frozenset, str]:
    # The model's own code, on an unsaved instance: bulk inserts skip save().
    estate = Estate(name_zh_hans=name, aliases=aliases, name_en=name_en)
    estate.refresh_search_keys()
    keys = {
        "search_hanzi": estate.search_hanzi,
        "search_pinyin": estate.search_pinyin,
        "search_initials": estate.search_initials,
        "search_latin": estate.search_latin,
    }
    # The first full reading is the in-context one: slug_pinyin(name), for free.
    slug = keys["search_pinyin"].split("|")[1][:60] if keys["search_pinyin"] else ""
    return keys, frozenset(search_grams(keys.values())), slug or "estate"


def _reference(number: int, offset: int) -> str:
    """A feedback reference no other synthetic row has: a permutation of the
    reference space (the multiplier is prime to 31**8)."""
    size = len(REFERENCE_ALPHABET) ** REFERENCE_LENGTH
    value = (number * 2_654_435_761 + offset) % size
    chars = []
    for _position in range(REFERENCE_LENGTH):
        value, digit = divmod(value, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[digit])
    return f"{''.join(chars[:4])}-{''.join(chars[4:])}"


def _placeholder_photo() -> None:
    """One small grey picture that every synthetic photo row points at."""
    if default_storage.exists(PLACEHOLDER_PHOTO):
        return
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (320, 240), (200, 200, 200)).save(buffer, "JPEG", quality=60)
    default_storage.save(PLACEHOLDER_PHOTO, ContentFile(buffer.getvalue()))


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
                self._estate_batch(range(start, stop), community_ids, templates)
            self.progress(
                _("Compounds: %(done)d of %(total)d (%(seconds)d s).")
                % {
                    "done": stop,
                    "total": total,
                    "seconds": time.monotonic() - self.started,
                }
            )

    def _estate_batch(self, numbers, community_ids, templates) -> None:
        rng, rows, plans = self.rng, [], []
        for i in numbers:
            name, name_en, alias = names.estate_name(rng)
            keys, grams, slug = _estate_keys(name, alias, name_en)
            address = f"{names.road_name(rng)}{rng.randrange(1, 300)}号"
            done = rng.choice((0, 3, 8, 14, 20, 26, 30, len(templates)))
            done = min(done, len(templates))
            stage = templates[done][1] if done < len(templates) else Stage.MANAGEMENT
            buildings = rng.randrange(1, 30)
            households = buildings * rng.randrange(12, 60)
            year = rng.randrange(2019, self.today.year + 1)
            rows.append(
                {
                    "name_zh_hans": name,
                    "name_en": name_en,
                    "slug": f"{slug}-s{i + 1}",
                    "aliases": alias,
                    "community_id": community_ids[i],
                    "address_zh_hans": address,
                    "latitude": Decimal(rng.randrange(22_000_000, 45_000_000)) / 10**6,
                    "longitude": Decimal(rng.randrange(100_000_000, 125_000_000))
                    / 10**6,
                    "year_built": rng.randrange(1960, 2001),
                    "buildings": buildings,
                    "households": households,
                    "floor_area_m2": Decimal(households * rng.randrange(50, 90)),
                    "renovation_batch": f"{year}年第{rng.randrange(1, 4)}批",
                    "renovation_year": year,
                    "stage": stage,
                    "property_company_id": (
                        rng.choice(self.company_ids) if rng.random() < 0.7 else None
                    ),
                    "is_synthetic": True,
                    **keys,
                }
            )
            plans.append((done, grams | search_grams([normalize(address)])))
        ids = self.writer.insert(Estate, rows, returning=True)

        steps, works, photos, grams, links, feedback = [], [], [], [], [], []
        for estate_id, row, (done, estate_grams) in zip(ids, rows, plans, strict=True):
            started = self.today - datetime.timedelta(days=rng.randrange(60, 1500))
            for position, (template_id, stage, number) in enumerate(templates):
                if position < done:
                    status, done_on = (
                        StepStatus.DONE,
                        started + datetime.timedelta(days=7 * position),
                    )
                else:
                    status = (
                        StepStatus.IN_PROGRESS
                        if position == done
                        else StepStatus.PENDING
                    )
                    done_on = None
                steps.append(
                    (estate_id, template_id, stage, number, status, done_on, True)
                )
            for category in rng.sample(list(WORKS_UNITS), WORKS_PER_ESTATE):
                planned = Decimal(rng.randrange(10, 2000))
                works.append(
                    {
                        "estate_id": estate_id,
                        "category": category,
                        "tier": DEFAULT_TIER.get(category, Tier.BASIC),
                        "unit": WORKS_UNITS[category],
                        "planned_quantity": planned,
                        "done_quantity": planned if done else Decimal(0),
                        "is_synthetic": True,
                    }
                )
            for kind in (PhotoKind.BEFORE, PhotoKind.AFTER):
                photos.append(
                    {
                        "estate_id": estate_id,
                        "kind": kind,
                        "image": PLACEHOLDER_PHOTO,
                        "thumbnail": PLACEHOLDER_PHOTO,
                        "taken_on": started,
                        "is_synthetic": True,
                    }
                )
            grams.extend((estate_id, gram) for gram in estate_grams)
            links.append((self.council_of[row["community_id"]], estate_id))
            if rng.random() < FEEDBACK_SHARE:
                category, text = rng.choice(FEEDBACK_TEXTS)
                status = rng.choice(FeedbackStatus.values)
                closed = status in (FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED)
                feedback.append(
                    {
                        "reference": _reference(estate_id, self.seed),
                        "estate_id": estate_id,
                        "category": category,
                        "text": text.format(n=rng.randrange(1, row["buildings"] + 1)),
                        "status": status,
                        "closed_at": self.writer.now if closed else None,
                        "is_synthetic": True,
                    }
                )
        self.writer.insert(Step, steps, fields=STEP_FIELDS)
        self.writer.insert(WorksItem, works)
        self.writer.insert(Photo, photos)
        self.writer.insert(EstateSearchGram, grams, fields=("estate_id", "gram"))
        self.writer.insert(
            Council.estates.through, links, fields=("council_id", "estate_id")
        )
        self.writer.insert(Feedback, feedback)


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
    _placeholder_photo()
    generator.places()
    generator.property_companies()
    generator.councils()
    generator.events()
    try:
        generator.estates(templates)
    finally:
        synthetic_data_changed()
    generator.vacuum()
    return generator.writer
