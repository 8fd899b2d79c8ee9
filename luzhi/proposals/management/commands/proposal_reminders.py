"""manage.py proposal_reminders — run daily from cron: remind units of cases due within 7 days and overdue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from luzhi.core import jobs


class Command(BaseCommand):
    help = "提醒承办单位7天内到期的提案，并把逾期未答复的提案告知承办单位和办公室（每件每类只提醒一次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = jobs.call("proposal_reminders")
        self.stdout.write(f"即将到期 {counts['due']} 件，已逾期 {counts['overdue']} 件。")
