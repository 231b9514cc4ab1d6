"""Made-up Chinese names for synthetic records, built from syllables.

Names combine common name characters with a kind word (苑, 小区, 家属院 …), the
way compounds and places are named, so search and sorting behave as with real
data. The character pool for places leaves out the first characters of every
real province's name, so no synthetic province is a real one; compound names
repeat across the country, as real ones do.
"""

from __future__ import annotations

import random
from functools import lru_cache

from renovation_portal.search import slug_pinyin

# Mostly single-reading characters, plus a few polyphonic ones (乐, 长, 和)
# so that the search keys carry several readings as real names do.
NAME_CHARS = (
    "安康泰宁福祥瑞华兴盛春秋光明清松柏梅兰竹菊桂枫翠锦绣金银玉宝丰裕嘉美"
    "欣悦怡雅静景文博新园林泉溪湖月星晨曦阳乐长和"
)
# No first character of a real province, region or municipality name (北 天
# 河 山 内 辽 吉 黑 上 江 浙 安 福 湖 广 海 重 四 贵 云 西 陕 甘 青 宁 新 香 澳 台).
PLACE_CHARS = "澄岚泓霁琅璟瑜珂昀崇邕沅湄汀蔚荟芷岑峻溆临晏曜泽柘"

# (Chinese, English) kind words of a compound's name.
ESTATE_KINDS = (
    ("苑", "Court"),
    ("园", "Garden"),
    ("小区", "Estate"),
    ("家属院", "Staff Quarters"),
    ("花园", "Gardens"),
    ("新村", "New Village"),
    ("家园", "Homes"),
    ("公寓", "Apartments"),
    ("雅居", "Residence"),
    ("里", "Lane"),
)


def two_chars(rng: random.Random, pool: str) -> str:
    first = rng.choice(pool)
    second = rng.choice(pool.replace(first, ""))
    return first + second


@lru_cache(maxsize=8192)
def pinyin_title(chinese: str) -> str:
    """和乐 → "Hele", for English names."""
    return slug_pinyin(chinese).capitalize()


def estate_name(rng: random.Random) -> tuple[str, str, str]:
    """(Chinese name, English name, alias or "")."""
    base = two_chars(rng, NAME_CHARS)
    kind_zh, kind_en = rng.choice(ESTATE_KINDS)
    alias = ""
    if rng.random() < 0.1:
        alias = base + ("大院" if kind_zh != "家属院" else "小区")
    return base + kind_zh, f"{pinyin_title(base)} {kind_en}", alias


def place_name(rng: random.Random, kind_zh: str, kind_en: str) -> tuple[str, str]:
    base = two_chars(rng, PLACE_CHARS)
    return base + kind_zh, f"{pinyin_title(base)} {kind_en}"


def road_name(rng: random.Random) -> str:
    return two_chars(rng, NAME_CHARS) + rng.choice("路街道")
