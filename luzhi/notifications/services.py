"""The one notification interface.

`notify` tells people something that concerns each of them (an invitation, a decision, a
deadline): one inbox row per person, once per key, and a delivery over each of the person's
own channels (see channels.py and their settings). `broadcast` tells a committee's group
channels committee news (events.COMMITTEE_EVENTS): it never writes to anyone's inbox, and
`notify` never reaches a group. Both act after the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from luzhi.core.audit import delete_as
from luzhi.core.services import object_create, object_update
from luzhi.notifications import dispatch
from luzhi.notifications.channels import PERSON_CHANNELS
from luzhi.notifications.events import COMMITTEE_EVENTS
from luzhi.notifications.models import Delivery, GroupChannel, Notification, NotificationSettings

SETTING_FIELDS = ("sms", "email", "wecom", "dingtalk", "digest")


def notify(*, users: Iterable[Any], kind: str, title: str, body: str = "", link: str = "", key: str) -> None:
    """Queue one message to each user, on commit; a (user, key) already sent is skipped."""
    user_ids = sorted({u.pk if hasattr(u, "pk") else int(u) for u in users if u is not None})
    if not user_ids:
        return

    def _store() -> None:
        with transaction.atomic():
            Notification.objects.bulk_create(
                [
                    Notification(user_id=uid, kind=kind, title=title[:200], body=body, link=link[:300], key=key[:200])
                    for uid in user_ids
                ],
                ignore_conflicts=True,
            )
            planned = _plan_person_deliveries(user_ids=user_ids, key=key[:200])
        if planned:
            dispatch.kick()

    transaction.on_commit(_store)


def settings_of(user: Any) -> NotificationSettings:
    """The person's settings (unsaved defaults when they never changed them)."""
    try:
        result: NotificationSettings = user.notification_settings
        return result
    except ObjectDoesNotExist:
        return NotificationSettings(user=user)


def _plan_person_deliveries(*, user_ids: list[int], key: str) -> int:
    channels = [c for c in PERSON_CHANNELS.values() if c.configured()]
    if not channels:
        return 0
    now = timezone.now()
    rows = []
    notes = Notification.objects.filter(user_id__in=user_ids, key=key, user__is_active=True).select_related(
        "user__member", "user__notification_settings"
    )
    for note in notes:
        prefs = settings_of(note.user)
        held = prefs.digest == NotificationSettings.Digest.DAILY
        for channel in channels:
            target = channel.target(note.user) if getattr(prefs, channel.name) else ""
            if not target:
                continue
            rows.append(
                Delivery(
                    committee_id=note.user.committee_id,
                    notification=note,
                    user_id=note.user_id,
                    channel=channel.name,
                    key=f"n:{note.pk}:{channel.name}",
                    target=target[:200],
                    kind=note.kind,
                    title=note.title,
                    body=note.body,
                    link=note.link,
                    status=Delivery.Status.HELD if held else Delivery.Status.PENDING,
                    next_attempt_at=None if held else now,
                )
            )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def broadcast(*, committee: Any, kind: str, title: str, body: str = "", link: str = "", key: str) -> None:
    """Post committee news to that committee's group channels that carry `kind`, on commit; once per key."""
    if kind not in COMMITTEE_EVENTS:
        raise ValueError(f"{kind!r} is not a committee-level event (see notifications.events)")
    committee_id = committee.pk if hasattr(committee, "pk") else int(committee)

    def _store() -> None:
        now = timezone.now()
        rows = [
            Delivery(
                committee_id=committee_id,
                group_channel=channel,
                channel=channel.kind,
                key=f"g:{channel.pk}:{key}"[:250],
                target=_host(channel.url),
                kind=kind,
                title=title[:200],
                body=body,
                link=link[:300],
                next_attempt_at=now,
            )
            for channel in GroupChannel.objects.filter(committee_id=committee_id, active=True)
            if kind in channel.events
        ]
        if rows:
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            dispatch.kick()

    transaction.on_commit(_store)


def _host(url: str) -> str:
    """What the office sees of a robot's address: its host, never the key in the query."""
    try:
        return urlsplit(url).netloc[:200]
    except ValueError:
        return ""


def unread_count(user: Any) -> int:
    """How many messages the user has not read yet."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_read(*, user: Any, notification_id: Any) -> Notification | None:
    """Mark one of the user's own messages read; None when it is not theirs (or does not exist)."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        return None
    notification = Notification.objects.filter(user=user, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: Any) -> int:
    """Mark every unread message of the user read; return how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_settings_update(*, user: Any, data: dict[str, Any]) -> NotificationSettings:
    """Save the person's own channel settings (fields not given keep their value)."""
    prefs = settings_of(user)
    for name in SETTING_FIELDS:
        if name in data:
            setattr(prefs, name, data[name])
    prefs.full_clean()
    prefs.save()
    if prefs.digest == NotificationSettings.Digest.INSTANT:
        # Messages held for a digest go out now rather than waiting for a digest nobody wants.
        Delivery.objects.filter(user=user, status=Delivery.Status.HELD).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
        )
    return prefs


def group_channel_create(*, actor: Any, committee: Any, data: dict[str, Any]) -> GroupChannel:
    """Add a group channel to the committee."""
    return object_create(actor=actor, model=GroupChannel, data={**data, "committee": committee})


def group_channel_update(*, actor: Any, channel: GroupChannel, data: dict[str, Any]) -> GroupChannel:
    """Change a group channel."""
    return object_update(actor=actor, instance=channel, data=data)


@transaction.atomic
def group_channel_delete(*, actor: Any, channel: GroupChannel) -> None:
    """Remove a group channel; its delivery records stay (without the channel)."""
    delete_as(channel, actor=actor)


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Send a failed delivery again (the office asks), with a fresh count of attempts."""
    if delivery.status != Delivery.Status.FAILED:
        from luzhi.core.errors import WorkflowError

        raise WorkflowError("只能重新发送失败的记录。")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    delivery.refresh_from_db()
    transaction.on_commit(dispatch.kick)
    return delivery
