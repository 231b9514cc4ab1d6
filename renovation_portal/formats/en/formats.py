"""English dates and times in one form on every page and in the admin (issue
16, item 5): day, month and year as the portal's other English dates are
written ("Saturday 5 December 2026", lanes/templatetags/lane_dates.py), and
the 24-hour clock the Chinese pages use, instead of Django's American
defaults ("Dec. 3, 2026, 1:41 p.m."). Chinese keeps Django's own zh_Hans
formats (2026年12月3日 13:41), which already agree.

https://docs.djangoproject.com/en/5.2/topics/i18n/formatting/#creating-custom-format-files
"""

DATE_FORMAT = "j F Y"  # 3 December 2026
TIME_FORMAT = "H:i"  # 13:41
DATETIME_FORMAT = "j F Y, H:i"  # 3 December 2026, 13:41
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 3 December
SHORT_DATE_FORMAT = "j M Y"  # 3 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 3 Dec 2026, 13:41
