"""Send the notifications that are due (cron runs it every minute when neither Celery nor the web process sweeps)."""

from typing import Any

from django.core.management.base import BaseCommand

from luzhi.core import jobs


class Command(BaseCommand):
    help = "发送到期的通知（短信、邮件、企业微信、钉钉、群聊渠道），失败的按间隔重试。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="本次最多发送的条数")

    def handle(self, *args: Any, limit: int = 500, **options: Any) -> None:
        figures = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "digests": 0}
        figures.update(jobs.call("send_notifications", limit=limit) or {})
        self.stdout.write(
            f"发送 {figures['sent']}，稍后重试 {figures['retry']}，失败 {figures['failed']}，"
            f"未发送 {figures['skipped']}，每日汇总 {figures['digests']}"
        )
