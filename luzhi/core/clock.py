"""Today's date in the committee's time zone, and how a day is written — one function each.

Call today as `clock.today()` (import the module, not the name), so that a test patching
`luzhi.core.clock.today` moves today for every caller. Every page, message and document writes
a day as `cn_date` does (2026年12月3日); only the API and the files meant for machines keep ISO.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def today() -> date:
    """Return today's date in the committee's time zone."""
    return timezone.localdate()


def cn_date(value: date | datetime | str | None, with_time: bool = False) -> str:
    """Write a day as 2026年12月3日 (no leading zeros); with_time adds the local time, 2026年12月3日 14:05.

    An ISO text ("2026-12-03", as JSON fields keep dates) is read first; other text is returned as it is.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
        value = day
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        text = f"{local.year}年{local.month}月{local.day}日"
        return f"{text} {local:%H:%M}" if with_time else text
    return f"{value.year}年{value.month}月{value.day}日"
