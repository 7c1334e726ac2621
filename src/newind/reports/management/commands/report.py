"""`newind report monthly --period 2017-03 --out FILE.docx|.pdf|.xlsx`: the monthly dispatch report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from newind.accounts.access import COMMAND_LINE, report_for
from newind.audit.commands import AuditedCommand
from newind.reports.calc import doc_number_text, issue_date
from newind.reports.content import build_content
from newind.reports.queries import monthly_overview, overview_period
from newind.reports.services import format_from_path, monthly_report, record_export


class Command(AuditedCommand):
    help = "生成报告。monthly：月度调度通报（Word/PDF/Excel，按 --out 的扩展名）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        monthly = sub.add_parser("monthly", help="月度调度通报")
        monthly.add_argument("--period", help="时期，如 2017-03（1—3月累计）；默认最新一期")
        monthly.add_argument("--out", required=True, action="append",
                             help="输出文件 .docx/.pdf/.xlsx；可重复以同时输出多种格式")
        monthly.add_argument("--date", help="成文日期 YYYY-MM-DD，默认今天")
        monthly.add_argument("--doc-number", default="", help="发文字号，如 岳新工办〔2017〕12号；默认不印")

    def handle(self, *args: Any, **options: Any) -> None:
        report_for(COMMAND_LINE)
        period = overview_period(options.get("period"))
        issued = issue_date(options.get("date"), timezone.localdate())
        doc_number = doc_number_text(options.get("doc_number"))
        outs = [Path(p) for p in options["out"]]
        formats = [format_from_path(p) for p in outs]  # check every name before writing any file
        started = time.perf_counter()
        overview = monthly_overview(period)
        # One content (charts drawn once) for every format asked for.
        content = build_content(overview, issued=issued, with_charts=any(f != "xlsx" for f in formats),
                                doc_number=doc_number)
        for path, fmt in zip(outs, formats, strict=True):
            report = monthly_report(period, fmt, overview=overview, content=content)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(report.data)
            # A report written to disk leaves the platform as a download does: audited as the CLI's export.
            record_export(None, None, period, fmt, path.name, content)
            self.stdout.write(f"已生成{period.label}月度调度通报：{path}（{len(report.data) // 1024} KB，"
                              f"累计用时 {time.perf_counter() - started:.2f} 秒）")
