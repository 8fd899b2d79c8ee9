"""Calendar periods of a year: ISO weeks, months, quarters, half-years and the year itself.

A week is an ISO week (Monday to Sunday) and belongs to the year of its Thursday, so the
weeks of a year may start in late December of the year before and end in early January
of the year after. Every other period lies inside its calendar year.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError

PeriodKind = Literal["week", "month", "quarter", "half_year", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter", "half_year", "year")
PERIOD_LABELS: dict[str, str] = {"week": "周", "month": "月", "quarter": "季度", "half_year": "半年", "year": "年"}
_MONTHS_PER = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


@dataclass(frozen=True)
class Period:
    """One period: its kind, year, 1-based index within the year and its first and last day."""

    kind: str
    year: int
    index: int
    start: date
    end: date

    @property
    def label(self) -> str:
        return {
            "week": f"第{self.index}周",
            "month": f"{self.index}月",
            "quarter": f"第{self.index}季度",
            "half_year": "上半年" if self.index == 1 else "下半年",
            "year": f"{self.year}年",
        }[self.kind]

    def days_overlap(self, start: date, end: date) -> int:
        """How many days of [start, end] fall inside this period."""
        return max(0, (min(end, self.end) - max(start, self.start)).days + 1)


def _check(kind: str) -> None:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period kind {kind!r}")


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December is always the year's last."""
    return date(year, 12, 28).isocalendar().week


def period(kind: str, year: int, index: int) -> Period:
    """The index-th period of the kind in the year."""
    _check(kind)
    if kind == "week":
        if not 1 <= index <= weeks_in_year(year):
            raise ValueError(f"{year} has no week {index}")
        monday = date.fromisocalendar(year, index, 1)
        return Period(kind, year, index, monday, monday + timedelta(days=6))
    months = _MONTHS_PER[kind]
    if not 1 <= index <= 12 // months:
        raise ValueError(f"{year} has no {kind} {index}")
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Period(kind, year, index, date(year, first_month, 1), end)


def periods_of_year(kind: str, year: int) -> list[Period]:
    """Every period of the kind in the year, in order."""
    _check(kind)
    count = weeks_in_year(year) if kind == "week" else 12 // _MONTHS_PER[kind]
    return [period(kind, year, i) for i in range(1, count + 1)]


def period_of(kind: str, day: date) -> Period:
    """The period of the kind that the day falls in (a week may belong to the next or last year)."""
    _check(kind)
    if kind == "week":
        iso = day.isocalendar()
        return period(kind, iso.year, iso.week)
    return period(kind, day.year, (day.month - 1) // _MONTHS_PER[kind] + 1)


def year_span(kind: str, year: int) -> tuple[date, date]:
    """The first and last day covered by the year's periods of this kind."""
    periods = periods_of_year(kind, year)
    return periods[0].start, periods[-1].end


YEAR_MIN, YEAR_MAX = 1900, 2999
YEAR_INVALID = f"年份无效（{YEAR_MIN}—{YEAR_MAX}）。"


def year_of_request(request: Any, *, default: int | None) -> int:
    """The request's ?year= as a year: `default` when absent (None: required); a bad one raises ValidationError."""
    raw = request.GET.get("year")
    if default is None:
        if raw is None or not str(raw).strip():
            raise ValidationError({"year": ["请提供年份，如 2026。"]})
        default = 0
    return parse_year(raw, default=default)


def parse_year(value: Any, *, default: int, field: str = "year") -> int:
    """The value as a year of 1900..2999, the default when empty; anything else raises ValidationError."""
    text = "" if value is None else str(value).strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) == 4 and YEAR_MIN <= int(text) <= YEAR_MAX):
        raise ValidationError({field: [YEAR_INVALID]})
    return int(text)
