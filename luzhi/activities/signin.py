"""Signed sign-in links: the activity id and a last valid day, signed with the server's key."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

SALT = "luzhi.activities.sign-in"
FEED_SALT = "luzhi.activities.calendar-feed"


def sign_in_token(activity_id: int, valid_until: date) -> str:
    """A token for the activity's sign-in link, valid through the given day."""
    return signing.dumps({"a": activity_id, "u": valid_until.isoformat()}, salt=SALT, compress=True)


def default_valid_until(end: date) -> date:
    """A door link stays valid through the day after the activity ends."""
    return end + timedelta(days=1)


def check_token(token: str, *, activity_id: int, today: date | None = None) -> None:
    """Raise ValidationError with a clear Chinese message unless the token opens this activity today."""
    try:
        payload = signing.loads(token, salt=SALT)
        target, until = int(payload["a"]), date.fromisoformat(payload["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError({"detail": "签到链接无效或已被篡改，请扫描现场的签到二维码。"}) from None
    if target != activity_id:
        raise ValidationError({"detail": "这是另一场活动的签到链接，请扫描本场活动的签到二维码。"})
    if (today or timezone.localdate()) > until:
        raise ValidationError({"detail": "签到链接已过期，请联系会务人员。"})


def feed_token(member_id: int) -> str:
    """The private token of a member's calendar feed URL."""
    return signing.dumps(member_id, salt=FEED_SALT)


def feed_member_id(token: str) -> int | None:
    """The member id a feed token names, or None for a forged one."""
    try:
        return int(signing.loads(token, salt=FEED_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
