"""Dates of events in the reader's language, with the day of the week."""

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()

# Django's locale formats carry no date-with-weekday format, so these extend
# each language's own order (zh_Hans DATE_FORMAT "Y年n月j日"; British English
# day-month-year). Weekday and month names still come from Django's catalogues:
# "2026年11月28日 星期六", "Saturday 28 November 2026". Other languages get their
# DATE_FORMAT.
WEEKDAY_DATE_FORMATS = {"zh-hans": "Y年n月j日 l", "en": "l j F Y"}


@register.filter
def weekday_date(value: datetime.date | None) -> str:
    if value is None:
        return ""
    language = get_language() or ""
    return date_format(value, WEEKDAY_DATE_FORMATS.get(language, "DATE_FORMAT"))
