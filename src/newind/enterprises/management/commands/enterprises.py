"""`newind enterprises import FILE [--dry-run]`: the enterprise registry (一企一档) from CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from newind.audit.commands import AuditedCommand
from newind.enterprises.services import RegistryPreview, import_registry_file


def preview_text(preview: RegistryPreview, limit: int = 30) -> list[str]:
    """The preview as console lines: counts, notes and the changed fields old → new."""
    lines = [f"文件：{preview.file_name}（sha256 {preview.sha256[:12]}…）", preview.summary()]
    lines += [f"说明：{n}" for n in preview.notes]
    changes = preview.change_lines(limit)
    if changes:
        lines.append(f"变更明细（共{len(preview.changes)}项，列出前{len(changes)}项）：")
        lines += [f"  {c['name']}（{c['credit_code']}）{c['field']}：{c['old']} → {c['new']}" for c in changes]
    return lines


class Command(AuditedCommand):
    help = "企业档案（一企一档）：import 导入企业名录（CSV 或 XLSX），先预览，再整体写入；--dry-run 只预览不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入企业名录：统一社会信用代码、企业名称、所在县市区、所在园区、规模、行业代码、状态")
        imp.add_argument("file", help="要导入的 .csv 或 .xlsx 文件")
        imp.add_argument("--dry-run", action="store_true", help="只显示将新增、变更和不变的企业，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        preview, batch = import_registry_file(Path(opts["file"]), None, dry_run=opts["dry_run"])
        for line in preview_text(preview):
            self.stdout.write(line)
        if opts["dry_run"]:
            self.stdout.write("试运行（--dry-run）：未写入任何内容。")
        elif batch is None:
            self.stdout.write("企业档案均未变化，未写入任何内容。")
        else:
            self.stdout.write(f"已写入：企业档案批次 #{batch.pk}，新增 {batch.added} 家，变更 {batch.changed} 家。")
