"""`newind audit verify | anchor | purge --before YYYY-MM-DD`: check the chain, anchor its head, purge old entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser

from newind.accounts.access import COMMAND_LINE, audit_log_for
from newind.audit.commands import AuditedCommand
from newind.audit.services import anchor_chain, purge_before, retention_days, verify_chain
from newind.core.errors import AppError


class Command(AuditedCommand):
    help = ("审计日志：verify 校验哈希链与外部锚点；anchor 把链头写入外部锚点目录；"
            "purge --before 日期 清理保留期（默认 180 天）之前的记录。")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计链和外部锚点，发现问题时以非零状态退出并说明问题所在。")
        sub.add_parser("anchor", help="把审计链的链头（条数、最后编号、校验码）写入外部锚点目录；自上次以来没有新记录时不重复写入。")
        purge = sub.add_parser("purge", help=f"清理指定日期之前的审计记录（不能晚于 {retention_days()} 天前）。")
        purge.add_argument("--before", required=True, help="日期，格式 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        audit_log_for(COMMAND_LINE)  # the command line (the server's operator) reads and anchors the log
        getattr(self, f"_{options['action']}")(options)

    def _verify(self, options: dict[str, Any]) -> None:
        result = verify_chain()
        if not result.ok:
            # Exit status 1: the chain is broken (CommandError prints to stderr).
            raise CommandError(f"审计链校验失败：{result.message}（此前 {result.checked} 条正常）", returncode=1)
        self.stdout.write(result.message)
        for warning in result.warnings:
            self.stdout.write(f"提醒：{warning}")

    def _anchor(self, options: dict[str, Any]) -> None:
        outcome = anchor_chain()  # the actor is the command line (AuditedCommand)
        head = outcome.head
        if outcome.written:
            self.stdout.write(f"已写入外部锚点 {outcome.path}：审计链共 {head.count} 条记录，至第 {head.last_id} 号。")
        else:
            self.stdout.write(f"自上次锚定以来没有新的审计记录，外部锚点 {outcome.path} 仍然有效，未重复写入。")

    def _purge(self, options: dict[str, Any]) -> None:
        try:
            before = dt.date.fromisoformat(options["before"])
        except ValueError:
            raise AppError(f"日期「{options['before']}」格式不对：请写成 YYYY-MM-DD，例如 2026-01-01。") from None
        count = purge_before(before)
        self.stdout.write(f"已清理 {before:%Y-%m-%d} 之前的审计记录 {count} 条；清理操作本身已记入审计日志，哈希链从锚点继续可校验。")
