"""`newind restore FILE [--yes]`: replace the database with a backup, then check it against its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newind.core.errors import AppError


class Command(BaseCommand):
    help = ("用备份替换当前数据库的全部数据：先核对备份文件，自动另存当前数据，恢复后逐表核对清单并校验审计链。"
            "请先停止 Web 服务与后台任务。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="newind backup 生成的 .tar.gz 备份文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        from newind.backup.services import restore_backup

        path = Path(options["file"])
        if not options["yes"]:
            self.stdout.write(f"将用备份「{path.name}」替换当前数据库的全部数据（恢复前会自动另存当前数据）。")
            try:
                answer = input("确认恢复请输入 yes：")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise AppError("未确认恢复，数据库未做任何改动。")
        result = restore_backup(path, actor="命令行")
        obs, audit = result.manifest["observations"], result.manifest["audit"]
        self.stdout.write(f"已从 {path.name} 恢复：各表行数、观测值（{obs['count']} 条）与审计链（{audit['count']} 条，"
                          f"末条 #{audit['last_id'] or '—'}）均与清单一致，审计链校验完整（{result.checked_entries} 条）。")
        if result.saved_before:
            self.stdout.write(f"恢复前的数据已另存为 {result.saved_before}。")
        self.stdout.write("所有用户需要重新登录。")
