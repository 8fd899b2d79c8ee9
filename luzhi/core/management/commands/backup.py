"""manage.py backup [--output PATH] — the database and every uploaded file in one checksummed archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luzhi.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份：数据库（每张表）与全部上传文件打成一个 tar.gz，附每个文件的 SHA-256 与每张表的行数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="备份文件路径（默认 var/backups/luzhi-YYYYmmdd-HHMMSS.tar.gz）；是目录时在其中按时间命名",
        )

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"luzhi-{stamp}.tar.gz"
        if output is None:
            path = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "backups" / name
        else:
            path = Path(output)
            if path.is_dir() or output.endswith(("/", "\\")):
                path = path / name
        verbose = options["verbosity"] > 1
        try:
            manifest = create_backup(path, progress=self.stdout.write if verbose else None)
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份 {len(manifest['tables'])} 张表共 {rows:,} 行、{manifest['media_files']} 个上传文件到 {path}"
            )
        )
