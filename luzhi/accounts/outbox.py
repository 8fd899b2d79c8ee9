"""The SMS outbox: every text the accounts app sends is queued, sent after commit, retried, and shown to the office.

`sms_queue` writes an `SMSMessage` with the office-readable (redacted) text and the real text sealed;
after the transaction commits, the job `sms_send` sends it (at once without Celery, in the worker
with it). A failed message is retried by the job `sms_retry` (every five minutes with Celery beat,
or `manage.py sms_retry` from cron) up to `SMSMessage.MAX_ATTEMPTS` sends in all; a code is not
retried after it expired. After the last attempt, or once sent, the sealed text is erased.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import SMSMessage
from luzhi.accounts.sealing import seal, unseal
from luzhi.core import jobs
from luzhi.core.sms import SMSError, send_sms

CODE_LIFETIME = timedelta(minutes=5)


def _sealed(text: str, template: str, params: dict[str, str]) -> bytes:
    return seal(json.dumps({"text": text, "template": template, "params": params}, ensure_ascii=False).encode())


def sms_queue(
    *,
    to: str,
    text: str,
    redacted: str,
    purpose: str,
    template: str = "",
    params: dict[str, str] | None = None,
    user: Any = None,
    committee_id: int | None = None,
) -> SMSMessage:
    """Queue one message; it leaves after the current transaction commits (nothing is sent if it rolls back).

    `template`/`params`: the provider template and its values (core.sms_providers), sealed with the text.
    """
    message = SMSMessage.objects.create(
        to=to,
        purpose=purpose,
        user=user,
        committee_id=committee_id if committee_id is not None else getattr(user, "committee_id", None),
        text=redacted,
        sealed=_sealed(text, template, params or {}),
    )
    _send_after_commit([message.pk])
    return message


def sms_queue_many(rows: list[dict[str, Any]]) -> list[SMSMessage]:
    """Queue many messages in one insert (bulk accounts): rows of sms_queue's keyword arguments."""
    messages = SMSMessage.objects.bulk_create(
        [
            SMSMessage(
                to=row["to"],
                purpose=row["purpose"],
                user=row.get("user"),
                committee_id=row.get("committee_id") or getattr(row.get("user"), "committee_id", None),
                text=row["redacted"],
                sealed=_sealed(row["text"], row.get("template", ""), row.get("params") or {}),
            )
            for row in rows
        ]
    )
    if messages:
        ids = [m.pk for m in messages]
        if None in ids:  # a backend that does not return ids from a bulk insert
            ids = list(SMSMessage.objects.order_by("-id").values_list("pk", flat=True)[: len(messages)])
        _send_after_commit(ids)
    return messages


def _send_after_commit(ids: list[int]) -> None:
    transaction.on_commit(lambda: jobs.run("sms_send", ids=ids))


def _send_one(message: SMSMessage) -> None:
    """One attempt for one message; its outcome is saved on the row."""
    now = timezone.now()
    raw = unseal(message.sealed)
    payload = json.loads(raw) if raw is not None else None
    message.attempts += 1
    if payload is None:
        message.status = SMSMessage.Status.FAILED
        message.last_error = "原文已不可用（已过期或密钥已更换），无法重发。"
        message.attempts = max(message.attempts, SMSMessage.MAX_ATTEMPTS)
    elif message.purpose == SMSMessage.Purpose.CODE and now - message.created_at > CODE_LIFETIME:
        message.status = SMSMessage.Status.FAILED
        message.last_error = "验证码已过期，不再重发（用户可重新获取）。"
        message.attempts = max(message.attempts, SMSMessage.MAX_ATTEMPTS)
    else:
        try:
            send_sms(message.to, payload["text"], template=payload["template"], params=payload["params"])
        except SMSError as exc:
            message.status = SMSMessage.Status.FAILED
            message.last_error = str(exc)[:500]
        else:
            message.status = SMSMessage.Status.SENT
            message.sent_at = now
            message.last_error = ""
    if message.status == SMSMessage.Status.SENT or message.attempts >= SMSMessage.MAX_ATTEMPTS:
        message.sealed = b""
    message.save(update_fields=["attempts", "status", "sent_at", "last_error", "sealed"])


def sms_send(*, ids: list[int]) -> dict[str, int]:
    """Send the queued or failed messages among `ids` (each attempt counted); return counts by outcome."""
    counts = {"sent": 0, "failed": 0}
    pending = SMSMessage.objects.filter(pk__in=ids, attempts__lt=SMSMessage.MAX_ATTEMPTS).exclude(
        status=SMSMessage.Status.SENT
    )
    for message in pending.order_by("id").iterator(chunk_size=200):
        _send_one(message)
        counts["sent" if message.status == SMSMessage.Status.SENT else "failed"] += 1
    return counts


def sms_retry(*, limit: int = 1000) -> dict[str, int]:
    """Send again the failed messages that have attempts left (oldest first)."""
    ids = list(
        SMSMessage.objects.filter(status=SMSMessage.Status.FAILED, attempts__lt=SMSMessage.MAX_ATTEMPTS)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return sms_send(ids=ids)
