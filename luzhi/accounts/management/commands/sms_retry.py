"""Resend failed text messages (each at most three sends in all): `manage.py sms_retry`, e.g. from cron."""

from typing import Any

from django.core.management.base import BaseCommand

from luzhi.core import jobs


class Command(BaseCommand):
    help = "重发发送失败的短信（每条最多共发送3次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = jobs.call("sms_retry")
        self.stdout.write(f"重发成功 {counts['sent']} 条，仍失败 {counts['failed']} 条。")
