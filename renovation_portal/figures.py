"""Reported figures worded as their sources word them, in either language.
Knows no app.

A figure is a value, a precision and a unit. Chinese writes large numbers in
万 and 亿 and puts 余 ("at least") after the number: 9000余户, 76万余平方米,
约1.48万户, 5.02亿元. English writes them with separators and "+":
9,000+ households, about 14,800 households. A figure the source does not give
is "not disclosed" (未公开). Each phrase is one translatable string, so the
word order stays the translator's.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language, override, pgettext

EXACT = "exact"
AT_LEAST = "at_least"
ABOUT = "about"
NEARLY = "nearly"

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 1.4800 → "1.48"."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def chinese_number(value: Decimal) -> str:
    """785800 → "78.58万", 115300000 → "1.153亿", 9000 → "9000", and
    60831 → "60831": 万 and 亿 only where sources use them, for round
    figures (at most two decimals of 万, four of 亿)."""
    value = Decimal(value)
    if abs(value) >= YI and value % 10_000 == 0:
        return f"{_plain(value / YI)}亿"
    if abs(value) >= WAN and value % 100 == 0:
        return f"{_plain(value / WAN)}万"
    return _plain(value)


def english_number(value: Decimal) -> str:
    return intcomma(_plain(Decimal(value)))


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "zh-hans").lower().startswith("zh")


def number_text(value, language: str | None = None, *, large_units: bool = True) -> str:
    """``value`` as the language writes it; ``large_units=False`` keeps a
    Chinese number in plain digits (a rate: 479.82元/平方米, not 万)."""
    if value is None:
        return ""
    if not is_chinese(language):
        return english_number(value)
    return chinese_number(value) if large_units else _plain(Decimal(value))


def figure_text(
    value,
    precision: str = EXACT,
    unit: str = "",
    language: str | None = None,
    *,
    large_units: bool = True,
) -> str:
    """The figure as one phrase in ``language`` (default: the active one);
    "not disclosed" when ``value`` is None."""
    language = language or get_language() or "zh-hans"
    with override(language):
        if value is None:
            return pgettext("figure", "not disclosed")
        number = number_text(value, language, large_units=large_units)
        params = {"number": number, "unit": unit}
        if precision == AT_LEAST:
            text = pgettext("figure", "%(number)s+ %(unit)s") % params
        elif precision == ABOUT:
            text = pgettext("figure", "about %(number)s %(unit)s") % params
        elif precision == NEARLY:
            text = pgettext("figure", "nearly %(number)s %(unit)s") % params
        else:
            text = pgettext("figure", "%(number)s %(unit)s") % params
    return " ".join(text.split())


def ratio(numerator, numerator_precision, denominator, denominator_precision):
    """``numerator / denominator`` and its precision: exact only when both are
    exact; "about" otherwise (a ratio of an "at least" figure is no bound).
    Rounded to a cent below 100, to a whole number above."""
    if numerator is None or denominator in (None, 0):
        return None, None
    value = Decimal(numerator) / Decimal(denominator)
    value = value.quantize(Decimal("0.01") if abs(value) < 100 else Decimal(1))
    exact = numerator_precision == EXACT and denominator_precision == EXACT
    return value, EXACT if exact else ABOUT
