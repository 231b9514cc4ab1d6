"""The compounds of a synthetic run and what hangs off each (issue 7): steps,
works, photo records, search grams, council links and residents' feedback.

Split from generate.py, which makes the places, councils and events around
them and runs the batches (STYLE.md: modules of about 400 lines at most).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from estates.models import (
    DEFAULT_TIER,
    Estate,
    EstateSearchGram,
    Photo,
    PhotoKind,
    Stage,
    Step,
    StepStatus,
    Tier,
    Unit,
    WorksCategory,
    WorksItem,
)
from governance.models import Council, Feedback, FeedbackCategory, FeedbackStatus
from governance.models.participation import REFERENCE_ALPHABET, REFERENCE_LENGTH
from renovation_portal.search import normalize, search_grams

from . import names

if TYPE_CHECKING:
    from .generate import Generator

PLACEHOLDER_PHOTO = "synthetic/placeholder.jpg"
STEP_FIELDS = (
    "estate_id",
    "template_id",
    "stage",
    "number",
    "status",
    "done_on",
    "is_synthetic",
)
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


def placeholder_photo() -> None:
    """One small grey picture that every synthetic photo row points at."""
    if default_storage.exists(PLACEHOLDER_PHOTO):
        return
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (320, 240), (200, 200, 200)).save(buffer, "JPEG", quality=60)
    default_storage.save(PLACEHOLDER_PHOTO, ContentFile(buffer.getvalue()))


def estate_batch(generator: Generator, numbers, community_ids, templates) -> None:
    """Write the compounds ``numbers`` and all that hangs off each."""
    rng, rows, plans = generator.rng, [], []
    for i in numbers:
        name, name_en, alias = names.estate_name(rng)
        keys, grams, slug = _estate_keys(name, alias, name_en)
        address = f"{names.road_name(rng)}{rng.randrange(1, 300)}号"
        done = rng.choice((0, 3, 8, 14, 20, 26, 30, len(templates)))
        done = min(done, len(templates))
        stage = templates[done][1] if done < len(templates) else Stage.MANAGEMENT
        buildings = rng.randrange(1, 30)
        households = buildings * rng.randrange(12, 60)
        year = rng.randrange(2019, generator.today.year + 1)
        started = generator.today - datetime.timedelta(days=rng.randrange(60, 1500))
        # The stage its steps reached, on the day the last done step was done.
        reached_on = started + datetime.timedelta(days=7 * (done - 1)) if done else None
        rows.append(
            {
                "name_zh_hans": name,
                "name_en": name_en,
                "slug": f"{slug}-s{i + 1}",
                "aliases": alias,
                "community_id": community_ids[i],
                "address_zh_hans": address,
                "latitude": Decimal(rng.randrange(22_000_000, 45_000_000)) / 10**6,
                "longitude": Decimal(rng.randrange(100_000_000, 125_000_000)) / 10**6,
                "year_built": rng.randrange(1960, 2001),
                "buildings": buildings,
                "households": households,
                "floor_area_m2": Decimal(households * rng.randrange(50, 90)),
                "renovation_batch": f"{year}年第{rng.randrange(1, 4)}批",
                "renovation_year": year,
                "stage": stage,
                "stage_reached_on": reached_on,
                "property_company_id": (
                    rng.choice(generator.company_ids) if rng.random() < 0.7 else None
                ),
                "is_synthetic": True,
                **keys,
            }
        )
        plans.append((done, started, grams | search_grams([normalize(address)])))
    ids = generator.writer.insert(Estate, rows, returning=True)

    steps, works, photos, grams, links, feedback = [], [], [], [], [], []
    for estate_id, row, (done, started, estate_grams) in zip(
        ids, rows, plans, strict=True
    ):
        for position, (template_id, stage, number) in enumerate(templates):
            if position < done:
                status, done_on = (
                    StepStatus.DONE,
                    started + datetime.timedelta(days=7 * position),
                )
            else:
                status = (
                    StepStatus.IN_PROGRESS if position == done else StepStatus.PENDING
                )
                done_on = None
            steps.append((estate_id, template_id, stage, number, status, done_on, True))
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
        links.append((generator.council_of[row["community_id"]], estate_id))
        if rng.random() < FEEDBACK_SHARE:
            category, text = rng.choice(FEEDBACK_TEXTS)
            status = rng.choice(FeedbackStatus.values)
            closed = status in (FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED)
            feedback.append(
                {
                    "reference": _reference(estate_id, generator.seed),
                    "estate_id": estate_id,
                    "category": category,
                    "text": text.format(n=rng.randrange(1, row["buildings"] + 1)),
                    "status": status,
                    "closed_at": generator.writer.now if closed else None,
                    "is_synthetic": True,
                }
            )
    generator.writer.insert(Step, steps, fields=STEP_FIELDS)
    generator.writer.insert(WorksItem, works)
    generator.writer.insert(Photo, photos)
    generator.writer.insert(EstateSearchGram, grams, fields=("estate_id", "gram"))
    generator.writer.insert(
        Council.estates.through, links, fields=("council_id", "estate_id")
    )
    generator.writer.insert(Feedback, feedback)
