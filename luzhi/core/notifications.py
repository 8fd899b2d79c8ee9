"""The one notification interface: `notify` stores a message per user, once per key.

Every feature that must tell somebody something (an invitation, a leave decision, a
proposal deadline, a record due) calls `notify` — after its transaction commits — and
never sends mail itself. Delivery channels beyond the in-app inbox (mail, webhook) read
the stored rows, so a message is never sent twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from luzhi.core.models import Notification


def notify(*, users: Iterable[Any], kind: str, title: str, body: str = "", link: str = "", key: str) -> None:
    """Queue one message to each user, on commit; a (user, key) already sent is skipped."""
    user_ids = sorted({u.pk if hasattr(u, "pk") else int(u) for u in users if u is not None})

    def _store() -> None:
        Notification.objects.bulk_create(
            [
                Notification(user_id=uid, kind=kind, title=title[:200], body=body, link=link[:300], key=key[:200])
                for uid in user_ids
            ],
            ignore_conflicts=True,
        )

    if user_ids:
        transaction.on_commit(_store)


def unread_count(user: Any) -> int:
    """How many messages the user has not read yet."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# ---- delivery channels --------------------------------------------------------------------
# The inbox is the stored row itself. Other channels deliver the same rows, each row at most
# once per channel: a delivery is claimed (a unique row) before it is sent and the claim is
# dropped only when sending fails, so a later run retries what did not go out and never
# repeats what did. Settings (or the environment):
#   LUZHI_NOTIFY_EMAIL=1                  send by Django's mail backend to users with an e-mail
#   LUZHI_NOTIFY_WEBHOOK_URL=https://…    POST each message as JSON (office robots' text format)
#   LUZHI_NOTIFY_SINCE_DAYS=7             only messages this recent (turning a channel on does
#                                         not replay the whole history)


def _setting(name: str, default: Any = None) -> Any:
    import os

    from django.conf import settings

    return getattr(settings, name, None) or os.environ.get(name) or default


class Channel:
    """One way to deliver a stored message beyond the inbox."""

    name = ""

    def enabled(self) -> bool:
        raise NotImplementedError

    def send(self, notification: Notification) -> str:
        """Deliver one message; return "" when sent or why it was skipped; raise when it failed."""
        raise NotImplementedError


class MailChannel(Channel):
    name = "mail"

    def enabled(self) -> bool:
        return str(_setting("LUZHI_NOTIFY_EMAIL", "")).lower() in {"1", "true", "yes", "on"}

    def send(self, notification: Notification) -> str:
        from django.core.mail import send_mail
        from django.utils import timezone

        address = (notification.user.email or "").strip()
        if not address:
            return "用户没有邮箱"
        body = notification.body + (f"\n\n{notification.link}" if notification.link else "")
        send_mail(notification.title, body, None, [address], fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        return ""


class WebhookChannel(Channel):
    name = "webhook"

    def enabled(self) -> bool:
        return bool(_setting("LUZHI_NOTIFY_WEBHOOK_URL"))

    def send(self, notification: Notification) -> str:
        import json
        import urllib.request

        from django.core.serializers.json import DjangoJSONEncoder

        user = notification.user
        payload = {
            # The text message format that office messaging robots (企业微信/钉钉 群机器人) take.
            "msgtype": "text",
            "text": {"content": f"{notification.title}\n{notification.body}".strip()},
            "luzhi": {
                "id": notification.pk,
                "kind": notification.kind,
                "title": notification.title,
                "body": notification.body,
                "link": notification.link,
                "user": user.username,
                "committee": user.committee_id,
                "created_at": notification.created_at,
            },
        }
        request = urllib.request.Request(
            str(_setting("LUZHI_NOTIFY_WEBHOOK_URL")),
            data=json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        timeout = float(_setting("LUZHI_NOTIFY_WEBHOOK_TIMEOUT", 10))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the office's own URL
            if not 200 <= response.status < 300:
                raise OSError(f"webhook answered {response.status}")
        return ""


CHANNELS: list[Channel] = [MailChannel(), WebhookChannel()]


def deliver_pending(*, channels: list[Channel] | None = None, limit: int = 1000) -> dict[str, dict[str, int]]:
    """Send each stored message not yet delivered over each enabled channel; never one twice."""
    from datetime import timedelta

    from django.db import IntegrityError
    from django.utils import timezone

    # The delivery record lives in the scoring app for now (core's models have another owner).
    from luzhi.scoring.models import NotificationDelivery

    since = timezone.now() - timedelta(days=int(_setting("LUZHI_NOTIFY_SINCE_DAYS", 7)))
    report: dict[str, dict[str, int]] = {}
    for channel in channels if channels is not None else CHANNELS:
        if not channel.enabled():
            continue
        figures = {"sent": 0, "skipped": 0, "failed": 0}
        pending = (
            Notification.objects.filter(created_at__gte=since)
            .exclude(deliveries__channel=channel.name)
            .select_related("user")
            .order_by("id")[:limit]
        )
        for notification in pending:
            try:
                with transaction.atomic():
                    claim = NotificationDelivery.objects.create(notification=notification, channel=channel.name)
            except IntegrityError:
                continue  # another run claimed it
            try:
                skipped = channel.send(notification)
            except Exception as exc:  # noqa: BLE001 - any failure: drop the claim so a later run retries
                claim.delete()
                figures["failed"] += 1
                import logging

                logging.getLogger("luzhi.notifications").warning(
                    "%s delivery of notification %s failed: %s", channel.name, notification.pk, exc
                )
                continue
            if skipped:
                NotificationDelivery.objects.filter(pk=claim.pk).update(ok=False, error=skipped[:300])
                figures["skipped"] += 1
            else:
                figures["sent"] += 1
        report[channel.name] = figures
    return report
