"""List filters shared by every app's filter sets: a year is 1900..2999 or a 400 with one message."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field

from luzhi.core.periods import YEAR_INVALID, YEAR_MAX, YEAR_MIN, parse_year


class YearField(forms.Field):
    """A form field for a year of 1900..2999; `1e9`, `0`, `-1` or full-width digits are invalid."""

    def to_python(self, value: Any) -> int | None:
        if value is None or not str(value).strip():
            return None
        try:
            return parse_year(value, default=0)
        except ValidationError:
            raise forms.ValidationError(YEAR_INVALID, code="invalid") from None


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(django_filters.Filter):
    """Filter by a year (a year column, or `lookup_expr="year"` on a date)."""

    field_class = YearField
