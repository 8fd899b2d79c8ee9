"""manage.py restore PATH [--force] — put a backup's database and uploaded files back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luzhi.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从 backup 生成的备份文件恢复数据库与上传文件。先校验全部校验和，损坏则不写入任何内容；"
        "数据库已有数据时拒绝，除非加 --force（清空后恢复）。数据库在一个事务中恢复。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="数据库已有数据时也恢复：先清空全部表")

    def handle(self, *args: Any, path: str, force: bool = False, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            result = restore_backup(path, force=force, progress=self.stdout.write if verbose else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(f"已恢复 {len(result.tables)} 张表共 {rows:,} 行、{result.files} 个上传文件。")
        )
