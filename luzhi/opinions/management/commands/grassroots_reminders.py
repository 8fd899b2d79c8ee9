"""manage.py grassroots_reminders — run daily from cron: remind about grassroots records due and overdue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luzhi.core import jobs


class Command(BaseCommand):
    help = "提醒委员回应即将到期的民情记录，并把逾期未回应的记录告知委员和办公室（每条每类只提醒一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="提前几天提醒（默认3天）。")

    def handle(self, *args: Any, days: int = 3, **options: Any) -> None:
        counts = jobs.call("grassroots_reminders", days=days)
        self.stdout.write(f"即将到期 {counts['due']} 条，已逾期 {counts['overdue']} 条。")
