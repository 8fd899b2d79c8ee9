"""Template filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from luzhi.core import clock

register = template.Library()


@register.filter
def cn_date(value: date | datetime | str | None, with_time: bool = False) -> str:
    """Show a date as 2023年5月1日 (`|cn_date:True` adds the local time, 2023年5月1日 14:05): `clock.cn_date`."""
    return clock.cn_date(value, with_time)
