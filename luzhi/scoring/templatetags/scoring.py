"""Template filters of scoring."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """A score without trailing zeros: 7.5, 119, −5 (empty for None)."""
    if value is None or value == "":
        return ""
    return f"{float(value):g}"
