"""`newind cases due --profile P --received T [--format json|table]`: every stage deadline of an SLA profile."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from newind.audit.commands import AuditedCommand
from newind.cases.sla import Condition, format_deadline, load_profile, parse_received, profile_codes


class Command(AuditedCommand):
    help = "事项办理：按时限方案计算各环节的办结时限（工作日按国务院公布的节假日和调休安排计算）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        due = sub.add_parser("due", help="列出一个受理时间在某时限方案下各环节的时限")
        due.add_argument("--profile", required=True, help=f"时限方案代码：{'、'.join(profile_codes())}")
        due.add_argument("--received", required=True, help="受理时间，例如 2017-09-29T17:00（北京时间）")
        due.add_argument("--format", choices=["json", "table"], default="table", help="输出格式，默认 table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "due":
            self._due(options)

    def _due(self, options: dict[str, Any]) -> None:
        profile = load_profile(options["profile"])
        received = parse_received(options["received"])
        deadlines = profile.deadlines(received)
        if options["format"] == "json":
            body = {"profile": profile.code, "received": received.isoformat(),
                    "deadlines": {code: moment.isoformat() for code, moment in deadlines.items()}}
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        self.stdout.write(f"时限方案：{profile.name}（{profile.code}）")
        self.stdout.write(f"受理时间：{received:%Y-%m-%d %H:%M}（北京时间）；工作时间 {profile.office_day.label()}")
        self.stdout.write("环节\t时限\t截止时间")
        for stage in profile.stages:
            condition = f"（{Condition.LABELS[stage.condition]}）" if stage.condition else ""
            self.stdout.write(f"{stage.name}{condition}\t{stage.limit.label()}\t{format_deadline(deadlines[stage.code])}")
        self.stdout.write("注：「24:00」指当日结束（即次日 00:00）；工作日已计入法定节假日和调休。")
