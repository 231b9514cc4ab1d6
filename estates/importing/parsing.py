"""Cell parsers: text from a spreadsheet cell → a field value, or a reason why not.

Each parser takes normalised text (full-width digits already folded, see
:func:`estates.importing.reading.normalize_text`) and returns the value, None
for "not disclosed", or raises :class:`CellError` with a reason in the user's
language.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from .reading import header_key

# What offices type for "not known": the cell is read as empty (NULL).
EMPTY_MARKERS = {"", "-", "--", "—", "/", "无", "未公开", "不详", "n/a", "na", "null"}
# Units typed after a number in the cell: "120户", "3,500㎡" (NFKC: "m2").
UNIT_SUFFIX = re.compile(
    r"\s*(户|栋|幢|座|个|处|年|平方米|平米|m2|m|米|元|万元)$", re.I
)


# Patterns compiled once: a large file parses hundreds of thousands of cells.
_SEPARATORS = re.compile(r"[,\s]")
_SPACE = re.compile(r"\s")
_DIGITS = re.compile(r"\d+")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_YEAR = re.compile(r"\d{4}年?")


class CellError(ValueError):
    pass


def is_empty(text: str) -> bool:
    return text.strip().lower() in EMPTY_MARKERS


def _number_text(text: str) -> str:
    return UNIT_SUFFIX.sub("", _SEPARATORS.sub("", text))


def integer(text: str) -> int | None:
    if is_empty(text):
        return None
    cleaned = _number_text(text)
    if not _DIGITS.fullmatch(cleaned):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    return int(cleaned)


def decimal_number(text: str) -> Decimal | None:
    if is_empty(text):
        return None
    cleaned = _number_text(text)
    if not _DECIMAL.fullmatch(cleaned):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover (the pattern guards it)
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from error


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?"
)


def year(text: str) -> int | None:
    """A year: "2019", "2019年", or a date whose year is taken ("2019-05-01",
    "2019年5月"); an impossible date is refused."""
    if is_empty(text):
        return None
    cleaned = _SPACE.sub("", text)
    if _YEAR.fullmatch(cleaned):
        return int(cleaned[:4])
    match = _DATE.fullmatch(cleaned)
    if match:
        y, m, d = (int(part) if part else 1 for part in match.groups())
        try:
            return datetime.date(y, m, d).year
        except ValueError:
            pass
    raise CellError(_("“%(value)s” is not a valid year or date.") % {"value": text})


def text(text: str) -> str:
    """One line: a cell's line breaks read as spaces."""
    return "" if is_empty(text) else text.replace("\n", " ")


def lines(text: str) -> str:
    """One value per line, as a clerk types several in one cell (aliases)."""
    return "" if is_empty(text) else text


def choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Every way a clerk may write a choice: its code, its Chinese label, its
    English label (whatever language the page is in), and ``extra`` aliases."""
    lookup = {}
    for value, label in choices.choices:
        lookup[header_key(value)] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[header_key(str(label))] = value
    for alias, value in (extra or {}).items():
        lookup[header_key(alias)] = value
    return lookup


def choice(text: str, lookup: dict[str, str]) -> str | None:
    if is_empty(text):
        return None
    try:
        return lookup[header_key(text)]
    except KeyError:
        raise CellError(
            _("“%(value)s” is not one of the accepted values.") % {"value": text}
        ) from None


CHINESE_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九十")}
YEAR_CELL = re.compile(r"^(?:year:)?(\d{4})(?:年)?(?:批次|度)?$", re.I)
PHASE_CELL = re.compile(
    r"^(?:phase:?|第)?([0-9]{1,2}|[一二三四五六七八九十])(?:期)?$", re.I
)


def programme_batch(text: str, batches):
    """The batch of ``batches`` a cell names: a year (2019, 2019年, 2019年批次)
    or a phase (第1期, 一期, 1期, phase 1); None when it names none of them."""
    key = re.sub(r"\s", "", text)
    year = YEAR_CELL.match(key)
    phase = None if year else PHASE_CELL.match(key)
    for batch in batches:
        if year and batch.kind == "year" and batch.year == int(year.group(1)):
            return batch
        if phase and batch.kind == "phase":
            digits = phase.group(1)
            number = int(digits) if digits.isdigit() else CHINESE_DIGITS[digits]
            if batch.number == number:
                return batch
    return None


# The coordinate systems a register's latitude and longitude may be in
# (issue 19): WGS-84 as GPS and Tianditu give it (CGCS2000 is the same within
# a metre), or GCJ-02 as AMap, Tencent and most Chinese map apps give it.
WGS84, GCJ02 = "wgs84", "gcj02"
_COORDINATE_SYSTEMS = {
    "wgs84": WGS84,
    "gps": WGS84,
    "cgcs2000": WGS84,
    "2000": WGS84,
    "天地图": WGS84,
    "gcj02": GCJ02,
    "国测局": GCJ02,
    "火星": GCJ02,
    "高德": GCJ02,
    "腾讯": GCJ02,
}
_NOT_IN_NAMES = re.compile(r"[\s_\-‐–—]|坐标系$|坐标$")


def coordinate_system(text: str) -> str | None:
    """``wgs84`` or ``gcj02`` from "WGS-84", "GPS", "CGCS2000", "GCJ-02",
    "国测局坐标", "火星坐标", "高德"…; empty means WGS-84 (what the portal
    stores)."""
    if is_empty(text):
        return None
    found = _COORDINATE_SYSTEMS.get(_NOT_IN_NAMES.sub("", text).lower())
    if found is None:
        raise CellError(
            _("“%(value)s” is not a coordinate system: give WGS-84 or GCJ-02.")
            % {"value": text}
        )
    return found
