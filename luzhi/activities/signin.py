"""Sign-in codes shown at the door, and the private token of a member's calendar feed.

The door screen shows a six-digit code (and its QR) that changes every minute: it is derived
from the server's key, the activity and the minute, so nothing is stored and every app server
agrees. A code is accepted in its own minute and for GRACE seconds into the next one (a member
who scanned just before it changed is not turned away). A photo of the screen is useless a
minute later, and signing in is possible only around the meeting (services.attendance_sign_in).
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

CODE_SALT = "luzhi.activities.sign-in-code"
FEED_SALT = "luzhi.activities.calendar-feed"
PERIOD = 60  # seconds a code is shown
GRACE = 15  # seconds the previous code is still accepted
OPENS_BEFORE = timedelta(minutes=60)  # sign-in opens this long before the start


def _window(at: datetime) -> int:
    return int(at.timestamp()) // PERIOD


def _code(activity_id: int, window: int) -> str:
    digest = salted_hmac(CODE_SALT, f"{activity_id}:{window}", algorithm="sha256").hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def current_code(activity_id: int, now: datetime | None = None) -> tuple[str, datetime]:
    """The code the door screen shows now, and when it stops being shown."""
    now = now or timezone.now()
    window = _window(now)
    expires = datetime.fromtimestamp((window + 1) * PERIOD, tz=now.tzinfo or timezone.get_current_timezone())
    return _code(activity_id, window), expires


def code_is_valid(code: str, activity_id: int, now: datetime | None = None) -> bool:
    """Whether `code` is the one shown now, or the previous one within GRACE seconds of the change."""
    now = now or timezone.now()
    code = (code or "").strip()
    window = _window(now)
    if hmac.compare_digest(code, _code(activity_id, window)):
        return True
    into = int(now.timestamp()) - window * PERIOD
    return into < GRACE and hmac.compare_digest(code, _code(activity_id, window - 1))


def feed_token(member_id: int, key: str = "") -> str:
    """The private token of a member's calendar feed URL; `key` is the member's current feed key."""
    return signing.dumps([member_id, key], salt=FEED_SALT)


def feed_claim(token: str) -> tuple[int, str] | None:
    """The (member id, feed key) a feed token names, or None for a forged one.

    Links made before keys existed carry the member id alone; they hold the empty key, so
    they stop working once the member renews the link.
    """
    try:
        payload = signing.loads(token, salt=FEED_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if isinstance(payload, int):
        return payload, ""
    if isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int):
        return payload[0], str(payload[1])
    return None
