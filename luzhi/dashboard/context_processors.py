"""The top bar's unread badge: one indexed COUNT per page, only for a signed-in user."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from luzhi.notifications.services import unread_count


def inbox_url() -> str:
    return reverse("notifications:inbox")


def person_name(user: Any) -> str:
    """How a person is greeted and credited: the member's real name, a unit's name, else the account's name."""
    if getattr(user, "member_id", None) and user.member is not None:
        return user.member.name
    if getattr(user, "unit_id", None) and user.unit is not None:
        return user.unit.name
    return user.get_full_name() or user.username


def unread(request: HttpRequest) -> dict[str, Any]:
    """nav_unread (counted when a template first uses it, once per request), nav_inbox_url and nav_person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"lz_css_bundle": settings.LUZHI_CSS_BUNDLE}
    if not hasattr(request, "_lz_unread"):
        request._lz_unread = SimpleLazyObject(lambda: unread_count(user))  # type: ignore[attr-defined]  # per request
    return {
        "nav_unread": request._lz_unread,  # type: ignore[attr-defined]
        "nav_inbox_url": SimpleLazyObject(inbox_url),
        "nav_person": SimpleLazyObject(lambda: person_name(user)),
        "lz_css_bundle": settings.LUZHI_CSS_BUNDLE,
    }
