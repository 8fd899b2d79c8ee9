"""manage.py admin_account create|reset|deactivate — the three administrators' accounts (三员分立).

The pages and the API refuse to create or change the accounts of the system administrator, the
security administrator and the security auditor; whoever runs commands on the server does it
here, and each run is in the audit log with the door "命令".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luzhi.accounts.models import User
from luzhi.accounts.services import admin_account_create, admin_account_reset, admin_password_generate
from luzhi.core.roles import ADMINS
from luzhi.org.models import Committee


class Command(BaseCommand):
    help = (
        "三员账号（系统管理员、安全管理员、安全审计员）的创建、重置密码与停用。"
        "未指定 --password-file 或 --password-stdin 时生成一次性随机密码并只显示这一次。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        create = sub.add_parser("create", help="创建三员账号")
        create.add_argument("--role", required=True, choices=sorted(ADMINS), help="角色")
        create.add_argument("--committee", required=True, type=int, help="所属政协编号")
        reset = sub.add_parser("reset", help="重置三员账号的密码（并启用、解锁，注销其全部登录设备）")
        deactivate = sub.add_parser("deactivate", help="停用三员账号（注销其全部登录设备）")
        for command in (create, reset, deactivate):
            command.add_argument("--username", required=True, help="用户名")
        for command in (create, reset):
            source = command.add_mutually_exclusive_group()
            source.add_argument("--password-file", help="从文件第一行读取密码")
            source.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取密码")

    def handle(self, *args: Any, operation: str, username: str, **options: Any) -> None:
        try:
            if operation == "create":
                self._create(username, options)
            else:
                self._reset(username, options, active=operation == "reset")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc

    def _create(self, username: str, options: dict[str, Any]) -> None:
        committee = Committee.objects.filter(pk=options["committee"]).first()
        if committee is None:
            raise CommandError(f"所属政协 {options['committee']} 不存在。")
        password, generated = self._password(options)
        user = admin_account_create(role=options["role"], username=username, committee=committee, password=password)
        self.stdout.write(self.style.SUCCESS(f"已创建{user.get_role_display()}账号“{user.username}”（{committee}）。"))
        self._show(password, generated)

    def _reset(self, username: str, options: dict[str, Any], *, active: bool) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号“{username}”不存在。")
        if not active:
            admin_account_reset(user=user, active=False)
            self.stdout.write(self.style.SUCCESS(f"已停用账号“{username}”，其全部登录设备已注销。"))
            return
        password, generated = self._password(options)
        admin_account_reset(user=user, password=password)
        self.stdout.write(self.style.SUCCESS(f"已重置账号“{username}”的密码，其全部登录设备已注销。"))
        self._show(password, generated)

    def _password(self, options: dict[str, Any]) -> tuple[str, bool]:
        if options.get("password_file"):
            try:
                lines = Path(options["password_file"]).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"无法读取密码文件：{exc}") from exc
            return (lines[0] if lines else ""), False
        if options.get("password_stdin"):
            return sys.stdin.readline().rstrip("\r\n"), False
        return admin_password_generate(), True

    def _show(self, password: str, generated: bool) -> None:
        if generated:
            self.stdout.write(f"一次性密码（只显示这一次，请当面交给本人并尽快妥善保管）：{password}")
