"""A member's invitations as iCalendar text (RFC 5545), written by hand: all-day events, escaped text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from luzhi.activities.models import Activity
from luzhi.org.models import Member


def escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def calendar_text(*, member: Member, activities: Iterable[Activity]) -> str:
    """The VCALENDAR of the activities, one all-day VEVENT each."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Luzhi//履职活动//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(f'{member.name}的履职活动')}",
    ]
    for activity in activities:
        status = getattr(activity, "mine", None)
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{activity.pk}-member-{member.pk}@luzhi",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{activity.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{activity.end + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(activity.title)}",
            f"CATEGORIES:{escape(activity.get_kind_display())}",
        ]
        if activity.location:
            lines.append(f"LOCATION:{escape(activity.location)}")
        if status:
            lines.append(f"DESCRIPTION:{escape('出席情况：' + status[0].get_status_display())}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
