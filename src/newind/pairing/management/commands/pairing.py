"""`newind pairing import FILE [--apply]`: the office's pairing list (包联名单) from XLSX or CSV;
`newind pairing gaps [--month 2017-12] [--format json]`: the month's gaps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from newind.accounts.access import COMMAND_LINE, pairings_in_scope
from newind.audit.commands import AuditedCommand
from newind.core.errors import AppError
from newind.pairing import calc, queries
from newind.pairing.services import PairingPreview, flag_key_firm, import_pairing_file


def preview_text(preview: PairingPreview, limit: int = 30) -> list[str]:
    lines = [f"文件：{preview.file_name}（sha256 {preview.sha256[:12]}…）", preview.summary()]
    lines += [f"说明：{n}" for n in preview.notes]
    for a in preview.added[:limit]:
        lines.append(f"  新增：{a['official']}（{a['phone']}）→ {a['credit_code']}，自 {a['start_date']}")
    for c in preview.changes[:limit]:
        lines.append(f"  变更：包联 #{c['pairing_id']} {c['field']}：{c['old']} → {c['new']}")
    return lines


class Command(AuditedCommand):
    help = "包联走访：import 导入包联名单（XLSX 或 CSV，先预览，加 --apply 才整体写入）；gaps 某月走访缺口。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入包联名单：包联干部、干部单位、联系电话、企业名称、统一社会信用代码、开始日期")
        imp.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        imp.add_argument("--apply", action="store_true", help="写入（不加只预览，不写入）")
        key = sub.add_parser("key-firm", help="标记（或 --off 取消标记）办公室认定的重点企业")
        key.add_argument("credit_code", help="企业的统一社会信用代码")
        key.add_argument("--reason", default="", help="原因，如 重大项目配套企业")
        key.add_argument("--off", action="store_true", help="取消标记")
        gaps = sub.add_parser("gaps", help="某月未达走访要求的干部和企业、无人包联的重点企业")
        gaps.add_argument("--month", default="", help="月份，如 2017-12（默认本月）")
        gaps.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "gaps":
            self._gaps(opts)
            return
        if opts["action"] == "key-firm":
            self._key_firm(opts)
            return
        preview, batch = import_pairing_file(Path(opts["file"]), COMMAND_LINE, apply=opts["apply"])
        for line in preview_text(preview):
            self.stdout.write(line)
        if not opts["apply"]:
            self.stdout.write("预览：未写入任何内容（加 --apply 写入）。")
        elif batch is None:
            self.stdout.write("包联名单均未变化，未写入任何内容。")
        else:
            self.stdout.write(f"已写入：包联名单批次 #{batch.pk}，新增 {batch.added} 对，变更 {batch.changed} 对。")

    def _key_firm(self, opts: dict[str, Any]) -> None:
        from newind.enterprises.models import EnterpriseProfile

        code = opts["credit_code"].strip().upper()
        unit_id = EnterpriseProfile.objects.filter(credit_code=code).values_list("unit_id", flat=True).first()
        if unit_id is None:
            raise AppError(f"企业档案中没有统一社会信用代码为「{code}」的企业：请核对代码。")
        flag_key_firm(COMMAND_LINE, unit_id, reason=opts["reason"], on=not opts["off"])
        self.stdout.write(f"已{'取消' if opts['off'] else ''}标记重点企业：{code}。")

    def _gaps(self, opts: dict[str, Any]) -> None:
        try:
            year, month = calc.parse_month(opts["month"], timezone.localdate())
        except ValueError as error:
            raise AppError(str(error)) from None
        found = queries.month_gaps(pairings_in_scope(COMMAND_LINE), year, month)
        if opts["format"] == "json":
            self.stdout.write(json.dumps({"month": f"{year}-{month:02d}", "counts": found.counts}, ensure_ascii=False))
            return
        c = found.counts
        self.stdout.write(f"{found.label}：在包联 {c['pairings']} 对，未达要求 {c['pairings_short']} 对；"
                          f"干部 {c['officials_short']} 人、企业 {c['firms_short']} 家未达要求；"
                          f"无人包联的重点企业 {c['key_firms_unpaired']} 家。")
