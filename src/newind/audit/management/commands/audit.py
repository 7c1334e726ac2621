"""`newind audit verify` checks the hash chain; `newind audit purge --before YYYY-MM-DD` removes old entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newind.audit.services import purge_before, retention_days, verify_chain
from newind.core.errors import AppError


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链；purge --before 日期 清理保留期（默认 180 天）之前的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计链，发现断点时以非零状态退出并指出第一条问题记录。")
        purge = sub.add_parser("purge", help=f"清理指定日期之前的审计记录（不能晚于 {retention_days()} 天前）。")
        purge.add_argument("--before", required=True, help="日期，格式 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = verify_chain()
            if not result.ok:
                # Exit status 1: the chain is broken (CommandError prints to stderr).
                raise CommandError(f"审计链校验失败：{result.message}（此前 {result.checked} 条正常）", returncode=1)
            self.stdout.write(result.message)
            return
        try:
            before = dt.date.fromisoformat(options["before"])
        except ValueError:
            raise AppError(f"日期「{options['before']}」格式不对：请写成 YYYY-MM-DD，例如 2026-01-01。") from None
        count = purge_before(before, actor="命令行")
        self.stdout.write(f"已清理 {before:%Y-%m-%d} 之前的审计记录 {count} 条；清理操作本身已记入审计日志，哈希链从锚点继续可校验。")
