"""Search keys for Chinese names: 汉字, full pinyin and pinyin initials.

A resident types a compound's name as they say it: 幸福里, ``xingfuli``,
``xing fu li``, ``Xìngfúlǐ`` or ``xfl``. Names are turned into keys when a record
is saved and queries are normalised the same way, so matching is a plain
substring test on indexed columns.

Pitfalls handled here (see STYLE.md "Known traps"): initials use
``Style.FIRST_LETTER`` (``Style.INITIALS`` drops y/w syllables); polyphonic
characters keep every reading (``heteronym=True``), with the reading chosen in
context first, so a name is found however a resident reads it; a readable
slug that pypinyin's first reading gets wrong is typed by staff or given in
the data pack.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, pinyin

# Keys are joined with this separator so that a query never matches across two
# different names or readings.
SEPARATOR = "|"
# A name with many polyphonic characters has a product of readings; keep the
# first ones (the in-context reading comes first) so keys stay small.
MAX_READINGS = 16

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_KEY = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalize(text: str) -> str:
    """Fold a name or query to its matching form.

    Full-width to half-width (NFKC), tone marks removed (ǔ → u, ü → v as typed on
    a phone keyboard), lower case, spaces and punctuation dropped.
    """
    text = unicodedata.normalize("NFKC", text or "")
    decomposed = unicodedata.normalize("NFD", text)
    # ü (with or without a tone) is typed as v on a phone keyboard.
    decomposed = decomposed.replace("u\u0308", "v").replace("U\u0308", "v")
    text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    text = unicodedata.normalize("NFC", text).lower()
    return _NOT_KEY.sub("", text)


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


_TOKEN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)


# Kept for the names of the last few thousand records: an import computes a
# compound's keys and then its slug from the same name (issue 7).
@lru_cache(maxsize=4096)
def _readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Per character (or run of non-Chinese text), its readings, in-context first.

    The in-context reading comes from pypinyin's phrase dictionary; the others
    are every reading of the character on its own, because a resident may say
    a polyphonic character either way.
    """
    tokens = _TOKEN.findall(name)
    contextual = pinyin(name, style=Style.NORMAL, errors="default")
    if len(contextual) != len(tokens):
        contextual = [
            pinyin(t, style=Style.NORMAL, errors="default")[0] for t in tokens
        ]
    readings = []
    for token, best in zip(tokens, contextual, strict=True):
        ordered = _token_readings(token, best[0])
        if ordered:
            readings.append(ordered)
    return tuple(readings)


# A token is one character (a few thousand are in use) or a run of other text;
# the same ones come back in name after name, so an import of 250,000 names
# converts each character once instead of once per name (issue 7).
@lru_cache(maxsize=16384)
def _token_readings(token: str, best: str) -> tuple[str, ...]:
    """The keys of ``token``'s readings: ``best`` (its reading in context)
    first, then every reading of it on its own, each with its ü-less variant."""
    every = pinyin(token, style=Style.NORMAL, heteronym=True, errors="default")[0]
    ordered: list[str] = []
    for reading in [best, *every]:
        key = normalize(reading)
        # Keyboards without ü: accept lv and lu alike.
        for variant in (key, key.replace("v", "u")) if has_han(token) else (key,):
            if variant and variant not in ordered:
                ordered.append(variant)
    return tuple(ordered)


def _spellings(name: str) -> tuple[list[str], list[str]]:
    readings = _readings(name)
    full, initials = [], []
    for combination in itertools.islice(itertools.product(*readings), MAX_READINGS):
        full.append("".join(combination))
        initials.append("".join(part[0] for part in combination))
    return _unique(full), _unique(initials)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def slug_pinyin(name: str) -> str:
    """The readable pinyin slug of a Chinese name: 幸福里 → ``xingfuli``."""
    readings = _readings(name)
    return "".join(r[0] for r in readings)[:80]


def search_keys(names: Iterable[str], english: Iterable[str] = ()) -> dict[str, str]:
    """Keys for a record known by ``names`` (Chinese name and aliases).

    Returns ``hanzi`` (normalised Chinese), ``pinyin`` (every full reading),
    ``initials`` (every initials reading) and ``latin`` (English names), each a
    ``|``-separated string with a leading and trailing separator so a query can
    be anchored to the start of a name for ranking.
    """
    names = [n for n in names if n and n.strip()]
    hanzi, full, initials = [], [], []
    for name in names:
        hanzi.append(normalize(name))
        f, i = _spellings(name)
        full.extend(f)
        initials.extend(i)
    latin = [normalize(e) for e in english if e and e.strip()]
    return {
        "hanzi": _join(hanzi),
        "pinyin": _join(full),
        "initials": _join(initials),
        "latin": _join(latin),
    }


def _join(items: Iterable[str]) -> str:
    items = _unique(items)
    return f"{SEPARATOR}{SEPARATOR.join(items)}{SEPARATOR}" if items else ""


def split_aliases(text: str) -> list[str]:
    """Aliases are typed one per line, or separated by commas (either width)."""
    return [a.strip() for a in re.split(r"[\n,，、;；]+", text or "") if a.strip()]


# ---------------------------------------------------------------------------
# Index grams: what lets the database find a substring without a table scan
# ---------------------------------------------------------------------------

# A key (or an address) is cut into character bigrams where it holds Chinese
# and trigrams where it does not. A query contains a key's gram wherever the
# key contains the query, so looking up one or two of the query's grams in an
# ordinary B-tree index narrows the candidates before the LIKE test. Two Chinese
# characters are a whole query (九大); three letters are a useful one (jdy).
# pg_trgm does not serve 1-2 character Chinese queries (STYLE.md "Known traps").
HAN_GRAM = 2
LATIN_GRAM = 3


# Keys repeat from record to record (a name's pinyin, a road's name): an
# import of 250,000 compounds cuts each distinct key once (issue 7).
@lru_cache(maxsize=16384)
def _grams(text: str) -> tuple[str, ...]:
    han = [bool(_HAN.match(ch)) for ch in text]
    grams = []
    for i in range(len(text) - HAN_GRAM + 1):
        if any(han[i : i + HAN_GRAM]):
            grams.append(text[i : i + HAN_GRAM])
    for i in range(len(text) - LATIN_GRAM + 1):
        if not any(han[i : i + LATIN_GRAM]):
            grams.append(text[i : i + LATIN_GRAM])
    return tuple(grams)


def search_grams(texts: Iterable[str]) -> set[str]:
    """Every gram of ``texts``: ``|``-joined keys from :func:`search_keys`, or
    normalised free text such as an address. A gram never spans two keys."""
    grams: set[str] = set()
    for text in texts:
        for key in (text or "").split(SEPARATOR):
            grams.update(_grams(key))
    return grams


# How many of a long query's grams are weighed against each other (spread
# over the query), and up to how many rows each is counted.
GRAM_CANDIDATES = 8


def candidate_grams(text: str) -> list[str]:
    """The distinct grams of a normalised query worth weighing, in query order:
    all of them, or ``GRAM_CANDIDATES`` spread over a long query."""
    grams = list(dict.fromkeys(_grams(text)))
    if len(grams) <= GRAM_CANDIDATES:
        return grams
    step = len(grams) / GRAM_CANDIDATES
    return [grams[int(i * step)] for i in range(GRAM_CANDIDATES)]
