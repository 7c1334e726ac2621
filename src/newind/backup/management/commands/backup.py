"""`newind backup [--to DIR]`: back up the database with its manifest (safe while the server runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = ("备份数据库：SQLite 用在线备份（服务运行时也一致），PostgreSQL 用 pg_dump；备份文件附清单"
            "（各表行数、观测值与审计链的校验和）。默认放在 NEWIND_BACKUP_DIR（var/backups）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", help="备份目录，默认 NEWIND_BACKUP_DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        from newind.backup.services import create_backup

        result = create_backup(Path(options["to"]) if options["to"] else None, trigger="command", actor="命令行")
        obs, audit = result.manifest["observations"], result.manifest["audit"]
        self.stdout.write(f"已备份到 {result.path}（{result.path.stat().st_size / 1048576:.1f} MB）：观测值 {obs['count']} 条，"
                          f"审计记录 {audit['count']} 条（末条 #{audit['last_id'] or '—'}）。")
