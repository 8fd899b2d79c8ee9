"""Deliver the stored notifications over the enabled channels (mail, webhook): cron runs it, e.g. every 10 minutes."""

from typing import Any

from django.core.management.base import BaseCommand

from luzhi.core import jobs


class Command(BaseCommand):
    help = "通过邮件、Webhook 发送尚未发送的通知，每条每个渠道只发一次。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="每个渠道本次最多发送的条数")

    def handle(self, *args: Any, limit: int = 1000, **options: Any) -> None:
        report = jobs.call("send_notifications", limit=limit)
        if not report:
            self.stdout.write("没有启用的发送渠道（LUZHI_NOTIFY_EMAIL、LUZHI_NOTIFY_WEBHOOK_URL）。")
        for channel, figures in report.items():
            self.stdout.write(
                f"{channel}: 发送 {figures['sent']}，跳过 {figures['skipped']}，失败 {figures['failed']}（下次重试）"
            )
