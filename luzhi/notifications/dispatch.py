"""Sending what is due: retries with backoff, the daily digest, and who runs it when.

A delivery row is claimed (its next attempt pushed past a lease) before it is sent, so two
sweepers never send it twice; a failure keeps it pending with a later next attempt until
MAX_ATTEMPTS, then it is `failed` (the office sees it and may send it again).

Who sweeps: with LUZHI_CELERY=1 the `send_notifications` job in a worker (queued on every
new delivery, and by beat every minute). Without Celery (`make run`), a debounced
background thread in the web process, woken on commit of every new delivery, plus a
sweeper thread every LUZHI_NOTIFY_SWEEP_SECONDS (20) started by gunicorn's worker hook, so
retries and anything left by a restart leave within 30 seconds. LUZHI_NOTIFY_DISPATCH:
`thread` (default), `inline` (send in the committing request), `off` (tests: call
`sweep()` yourselves).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from luzhi.notifications.channels import PERSON_CHANNELS, DeliveryError, Message, send_group, setting
from luzhi.notifications.models import Delivery

log = logging.getLogger("luzhi.notifications")

MAX_ATTEMPTS = 4
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))  # after attempt 1, 2, 3
LEASE = timedelta(minutes=5)  # a claimed row is left alone this long (a sender that died is retried)
GROUP_KINDS = {"wecom_robot", "dingtalk_robot", "webhook"}


def _send(delivery: Delivery) -> str:
    """Send one delivery; return "" when sent or why it was not (skipped); raise DeliveryError on failure."""
    message = Message(title=delivery.title, body=delivery.body, link=delivery.link)
    if delivery.channel in GROUP_KINDS:
        channel = delivery.group_channel
        if channel is None:
            return "群聊渠道已删除"
        if not channel.active:
            return "群聊渠道已停用"
        send_group(
            kind=channel.kind,
            url=channel.url,
            secret=channel.secret,
            message=message,
            event=delivery.kind,
            key=delivery.key,
            committee=delivery.committee_id,
        )
        return ""
    person = PERSON_CHANNELS.get(delivery.channel)
    if person is None or not person.configured():
        return "该渠道未配置"
    person.send(delivery.target, message)
    return ""


def deliver_due(*, limit: int = 500, now: datetime | None = None) -> dict[str, int]:
    """Send every pending delivery whose time has come; record each attempt."""
    now = now or timezone.now()
    figures = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .select_related("group_channel")
        .order_by("next_attempt_at", "id")[:limit]
    )
    for delivery in due:
        claimed = Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.PENDING, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=now + LEASE, last_attempt_at=now, attempts=F("attempts") + 1)
        if not claimed:
            continue  # another sweeper has it
        attempts = delivery.attempts + 1
        try:
            skipped = _send(delivery)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried, never raised
            error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
            final = attempts >= MAX_ATTEMPTS
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED if final else Delivery.Status.PENDING,
                error=error[:500],
                next_attempt_at=None if final else now + BACKOFF[min(attempts, len(BACKOFF)) - 1],
            )
            figures["failed" if final else "retry"] += 1
            log.warning("%s delivery %s failed (attempt %s): %s", delivery.channel, delivery.pk, attempts, error)
            continue
        if skipped:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SKIPPED, error=skipped[:500], next_attempt_at=None
            )
            figures["skipped"] += 1
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, error="", next_attempt_at=None, sent_at=timezone.now()
            )
            figures["sent"] += 1
    return figures


def digest_hour() -> int:
    return int(setting("LUZHI_NOTIFY_DIGEST_HOUR", 18))


def digest_due(*, now: datetime | None = None) -> int:
    """Once the day's digest hour has passed: one message per person and channel with what was held."""
    now = timezone.localtime(now or timezone.now())
    cutoff = now.replace(hour=digest_hour(), minute=0, second=0, microsecond=0)
    if now < cutoff:
        return 0
    held = list(
        Delivery.objects.filter(status=Delivery.Status.HELD, created_at__lt=cutoff)
        .order_by("user_id", "channel", "created_at", "id")
        .values("id", "user_id", "committee_id", "channel", "target", "title")
    )
    groups: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
    for row in held:
        groups[(row["user_id"], row["channel"], row["target"])].append(row)
    day = cutoff.date().isoformat()
    digests = [
        Delivery(
            committee_id=rows[0]["committee_id"],
            user_id=user_id,
            channel=channel,
            key=f"digest:{user_id}:{channel}:{day}",
            target=target,
            kind="digest",
            title=f"履职平台今日消息（{len(rows)}条）",
            body="\n".join(f"{n}. {r['title']}" for n, r in enumerate(rows[:20], 1))
            + (f"\n……另有{len(rows) - 20}条" if len(rows) > 20 else "")
            + "\n详见平台“消息”。",
            link=reverse("notifications:inbox"),
            next_attempt_at=now,
        )
        for (user_id, channel, target), rows in groups.items()
    ]
    with transaction.atomic():
        Delivery.objects.bulk_create(digests, ignore_conflicts=True)
        Delivery.objects.filter(pk__in=[r["id"] for r in held], status=Delivery.Status.HELD).update(
            status=Delivery.Status.DIGESTED
        )
    return len(digests)


def sweep(*, limit: int = 500) -> dict[str, int]:
    """One pass: build due digests, then send what is due."""
    digests = digest_due()
    figures = deliver_due(limit=limit)
    figures["digests"] = digests
    return figures


# ---- who runs the sweep ------------------------------------------------------------------


class _Kicker:
    """One background sweeper thread per process, woken by kick(); kicks while it runs are merged."""

    lock = threading.Lock()
    thread: threading.Thread | None = None
    again = False

    @classmethod
    def kick(cls) -> None:
        with cls.lock:
            cls.again = True
            if cls.thread is not None and cls.thread.is_alive():
                return
            cls.thread = threading.Thread(target=cls._run, name="luzhi-notify", daemon=True)
            cls.thread.start()

    @classmethod
    def _run(cls) -> None:
        try:
            while True:
                time.sleep(float(setting("LUZHI_NOTIFY_DEBOUNCE_SECONDS", 1)))
                with cls.lock:
                    if not cls.again:
                        cls.thread = None
                        return
                    cls.again = False
                _sweep_quietly()
        finally:
            connections.close_all()


def _sweep_quietly() -> None:
    close_old_connections()
    try:
        sweep()
    except Exception:  # noqa: BLE001 - a background sweep must never kill its thread
        log.exception("notification sweep failed")


def kick() -> None:
    """New deliveries are waiting: have them sent soon, by whoever sends in this deployment."""
    from luzhi.core import jobs

    if jobs.celery_enabled():
        jobs.run("send_notifications")
        return
    mode = str(setting("LUZHI_NOTIFY_DISPATCH", "thread"))
    if mode == "inline":
        sweep()
    elif mode == "thread":
        _Kicker.kick()


_sweeper_started = False


def start_sweeper() -> None:
    """Sweep every LUZHI_NOTIFY_SWEEP_SECONDS in this process (web workers without Celery): retries and leftovers."""
    global _sweeper_started
    from luzhi.core import jobs

    if _sweeper_started or jobs.celery_enabled() or str(setting("LUZHI_NOTIFY_DISPATCH", "thread")) != "thread":
        return
    _sweeper_started = True
    interval = float(setting("LUZHI_NOTIFY_SWEEP_SECONDS", 20))

    def loop() -> None:
        while True:
            time.sleep(interval)
            _sweep_quietly()
            connections.close_all()

    threading.Thread(target=loop, name="luzhi-notify-sweeper", daemon=True).start()
