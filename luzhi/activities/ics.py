"""A member's invitations as iCalendar text (RFC 5545), written by hand: timed meetings, all-day activities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from luzhi.activities.models import Activity
from luzhi.org.models import Member


def escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(activity: Activity) -> list[str]:
    """A meeting's start and end times (UTC), or an all-day activity's dates."""
    if activity.starts_at is not None:
        return [f"DTSTART:{_utc(activity.starts_at)}", f"DTEND:{_utc(activity.ends_at or activity.starts_at)}"]
    return [
        f"DTSTART;VALUE=DATE:{activity.start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{activity.end + timedelta(days=1):%Y%m%d}",
    ]


def calendar_text(*, member: Member, activities: Iterable[Activity]) -> str:
    """The VCALENDAR of the activities, one VEVENT each."""
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
            *_when(activity),
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
