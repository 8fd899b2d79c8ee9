"""manage.py demo_data — load the demo committee (示例县政协) and print its logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luzhi.org.demo import demo_data_load, demo_data_present, demo_logins
from luzhi.org.models import Committee


class Command(BaseCommand):
    help = "载入示例政协（示例县政协及其上级），可重复运行：已有的记录不会重复创建或被修改。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有任何政协时什么也不做（make run 用它保留已有数据）。",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Committee.objects.exists():
            self.stdout.write("数据库中已有政协，未载入示例数据（--if-empty）。")
        else:
            started = time.monotonic()
            result = demo_data_load()
            seconds = time.monotonic() - started
            if result.total:
                counts = "，".join(f"{label} {n}" for label, n in sorted(result.created.items()))
                self.stdout.write(self.style.SUCCESS(f"示例数据已载入（{seconds:.1f} 秒）：{counts}"))
            else:
                self.stdout.write("示例数据已存在，没有新增任何记录。")
        if demo_data_present():
            self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("\n示例账号（密码相同）：")
        for role, username, password, first_try in demo_logins():
            self.stdout.write(f"  {_pad(role, 14)}{username:<17}{password}  先试：{first_try}")
        self.stdout.write("管理员账号（系统管理员、安全管理员、安全审计员）首次登录需用手机验证器应用绑定动态口令。")


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width, counting a Chinese character as two columns."""
    used = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(width - used, 1)
