"""Validators for what a date field records: a day that has already come (a birth, a report, a reading).

A model field uses `PastDate("出生日期")`; its message names the field, so a page, the API and an
import all say which date is wrong. "Today" is `core.clock.today()`, so tests can move it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from luzhi.core import clock
from luzhi.core.periods import YEAR_MIN


@deconstructible
class PastDate:
    """Refuse a date after today or before 1900: the field records a day that has happened."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, value: date | None) -> None:
        if value is None:
            return
        if value.year < YEAR_MIN:
            raise ValidationError(f"{self.label}不能早于{YEAR_MIN}年。", code="too_early")
        if value > clock.today():
            raise ValidationError(f"{self.label}不能晚于今天。", code="future")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PastDate) and other.label == self.label

    def __hash__(self) -> int:
        return hash(self.label)
