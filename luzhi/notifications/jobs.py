"""Notifications' background and scheduled work (see luzhi/core/jobs.py)."""

from __future__ import annotations

from luzhi.core.jobs import job


@job(
    "send_notifications",
    description="发送到期的通知（短信、邮件、企业微信、钉钉、群聊渠道），失败的按间隔重试，并在每日汇总时间发出汇总。",
    schedule={"minute": "*"},
)
def send_notifications(*, limit: int = 500) -> dict[str, int]:
    from luzhi.notifications.dispatch import sweep

    return sweep(limit=limit)


@job(
    "activity_reminders",
    description="会议活动前一天提醒尚未请假的受邀委员。",
    schedule={"hour": 9, "minute": 0},
)
def activity_reminders() -> int:
    from luzhi.notifications.reminders import activity_remind_tomorrow

    return activity_remind_tomorrow()
