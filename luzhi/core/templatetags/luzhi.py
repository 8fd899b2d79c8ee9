"""Template filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def cn_date(value: date | datetime | None, with_time: bool = False) -> str:
    """Show a date as 2023年5月1日 (`|cn_date:True` adds the local time, 2023年5月1日 14:05)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        text = f"{local.year}年{local.month}月{local.day}日"
        return f"{text} {local:%H:%M}" if with_time else text
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)
