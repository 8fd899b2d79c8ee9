"""manage.py otp_reset USERNAME — remove an account's TOTP devices (an administrator who lost theirs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luzhi.accounts.models import User
from luzhi.accounts.twofactor import otp_device_remove


class Command(BaseCommand):
    help = "重置账号的动态口令（删除其全部设备）；管理员账号丢失手机时只能用本命令重置，下次登录后须重新绑定。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="要重置的用户名")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的账号。")
        removed = otp_device_remove(actor=None, user=user)
        self.stdout.write(f"已重置账号“{username}”的动态口令（删除 {removed} 个设备）。")
