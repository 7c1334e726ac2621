"""`newind remind [--date YYYY-MM-DD]`: record the reminders due that day and push them to the webhook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from newind.audit.commands import AuditedCommand
from newind.core.errors import AppError
from newind.submissions.services import send_reminders


class Command(AuditedCommand):
    help = ("记录当天到期的催报提醒（截止前2个工作日、截止次日），配置了 NEWIND_WEBHOOK_URL 时推送到"
            "企业微信/钉钉机器人。同一天重复运行不会重复提醒。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天计算提醒，格式 YYYY-MM-DD，默认今天")
        parser.add_argument("--lead", type=int, default=2, help="截止前几个工作日提醒，默认 2")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise AppError(f"日期「{options['date']}」格式不对：请写成 YYYY-MM-DD，例如 2018-01-04。") from None
        else:
            today = timezone.localdate()
        made = send_reminders(today, lead_workdays=options["lead"])
        for reminder in made:
            self.stdout.write(f"{reminder.message}（{reminder.get_webhook_status_display()}）")
        failed = sum(1 for r in made if r.webhook_status == "failed")
        self.stdout.write(f"{today:%Y-%m-%d}：记录催报提醒 {len(made)} 条" + (f"，其中推送失败 {failed} 条。" if failed else "。"))
