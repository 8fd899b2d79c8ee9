"""Remind invited members of tomorrow's activities (cron: once a day)."""

from typing import Any

from django.core.management.base import BaseCommand

from luzhi.core import jobs


class Command(BaseCommand):
    help = "会议活动前一天提醒尚未请假的受邀委员。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"提醒了 {jobs.call('activity_reminders')} 个活动的受邀委员。")
