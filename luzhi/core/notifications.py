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
