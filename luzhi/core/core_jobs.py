"""Core's own jobs: delivering notifications over the enabled channels."""

from __future__ import annotations

from luzhi.core.jobs import job
from luzhi.core.notifications import deliver_pending


@job(
    "send_notifications",
    description="通过邮件、Webhook 发送尚未发送的通知，每条每个渠道只发一次。",
    schedule={"minute": "*/10"},
)
def send_notifications(*, limit: int = 1000) -> dict[str, dict[str, int]]:
    return deliver_pending(limit=limit)
