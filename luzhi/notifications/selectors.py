"""Reads of notifications: each scoped to its viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from luzhi.core.scoping import visible_to
from luzhi.notifications.models import Delivery, GroupChannel, Notification


def inbox(*, viewer: Any, read: bool | None = None) -> QuerySet[Any]:
    """The viewer's own messages, newest first (read=False: unread only)."""
    qs = Notification.objects.filter(user_id=viewer.pk).order_by("-created_at", "-id")
    if read is not None:
        qs = qs.filter(read_at__isnull=not read)
    return qs


def delivery_list(*, viewer: Any, status: str = "", channel: str = "") -> QuerySet[Any]:
    """The delivery records of the viewer's committee, newest first."""
    qs = visible_to(Delivery.objects.all(), viewer).select_related("user", "group_channel")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def channel_list(*, viewer: Any) -> QuerySet[Any]:
    """The viewer's committee's group channels."""
    return visible_to(GroupChannel.objects.all(), viewer).order_by("id")
