"""Chinese working days (工作日): public holidays and make-up workdays (调休) from `chinesecalendar`.

The package knows the State Council's published calendar for the years in `KNOWN_YEARS`
(2004 up to the newest year it ships). For a date outside those years nobody knows the
holidays yet, so this module counts Monday to Friday as working days there — a clear,
predictable rule instead of an error in the middle of a workflow — and
`calendar_known(d)` tells a caller (or a page) when that fallback applied. Updating the
pinned `chinesecalendar` release each December extends the known years.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

KNOWN_YEARS: range = range(
    min(chinese_calendar.holidays).year,
    max(max(chinese_calendar.holidays), max(chinese_calendar.workdays)).year + 1,
)


def calendar_known(d: dt.date) -> bool:
    """Return whether the official holiday calendar of d's year is known."""
    return d.year in KNOWN_YEARS


@lru_cache(maxsize=8192)
def is_workday(d: dt.date) -> bool:
    """Return whether d is a working day (Mon–Fri fallback outside KNOWN_YEARS)."""
    if isinstance(d, dt.datetime):
        d = d.date()
    if not calendar_known(d):
        return d.weekday() < 5
    return bool(chinese_calendar.is_workday(d))


def add_workdays(d: dt.date, n: int) -> dt.date:
    """Return the date n working days after d (before d when n < 0); n = 0 gives d itself."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    current = d
    while remaining:
        current += dt.timedelta(days=step)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Count the working days after a up to and including b (negative when b is before a)."""
    if b < a:
        return -workdays_between(b, a)
    return sum(1 for i in range(1, (b - a).days + 1) if is_workday(a + dt.timedelta(days=i)))
