"""Dates as newsrooms write them, read into ``datetime.date``."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_PREFIX = r"^\s*(?:(?:published|updated|posted|first published)(?:\s+on)?:?\s+)?" + _WEEKDAY
# A time or zone after the date ("10:32 GMT", "at 3 pm", "| 14:00 UTC") is allowed and ignored.
_SUFFIX = r"(?:\s*(?:[,|·•-]|at)?\s*\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5}(?:[+-]\d{1,2})?)?)?(?:\s*[|·•]?\s*(?:last\s+)?updated\b.{0,40})?\s*$"

_DAY_MONTH_YEAR = re.compile(_PREFIX + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})" + _SUFFIX, re.I)
_MONTH_DAY_YEAR = re.compile(_PREFIX + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _SUFFIX, re.I)
_ISO = re.compile(_PREFIX + r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:T[\d:.]+(?:Z|[+-][\d:]+)?)?" + _SUFFIX, re.I)
_NUMERIC = re.compile(_PREFIX + r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})" + _SUFFIX, re.I)


def parse_date(text: str, *, day_first: bool = True) -> date | None:
    """The date a whole line states, or None if the line is not just a date.

    ``day_first`` decides how an all-numeric date such as 03/11/2031 is read.
    """
    if len(text) > 80:
        return None
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.match(text)
        if match:
            month = MONTHS.get(match["month"].lower())
            return _safe_date(int(match["year"]), month, int(match["day"]))
    match = _ISO.match(text)
    if match:
        return _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    match = _NUMERIC.match(text)
    if match:
        first, second = int(match["a"]), int(match["b"])
        day, month = (first, second) if day_first else (second, first)
        return _safe_date(int(match["year"]), month, day)
    return None


def _safe_date(year: int, month: int | None, day: int) -> date | None:
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
