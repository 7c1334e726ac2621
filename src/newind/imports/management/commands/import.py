"""`newind import FILE [--dry-run] [--indicator CODE] [--period P] [--source TEXT] [--release R]
[--include-hidden]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from newind.accounts.access import COMMAND_LINE
from newind.audit.commands import AuditedCommand
from newind.imports.services import ImportOptions, ImportPreview, import_file

CHANGED_LINES = 20


def preview_text(preview: ImportPreview, limit: int = CHANGED_LINES) -> list[str]:
    """The preview as console lines: counts, conversions and notes, and the changed figures old → new."""
    lines = [f"文件：{preview.file_name}（{preview.kind.upper()}，sha256 {preview.sha256[:12]}…）", preview.summary()]
    lines += [f"说明：{n}" for n in preview.notes]
    lines += [f"提醒：{w}" for w in preview.warnings]
    if preview.hidden:
        lines.append("文件中有隐藏的内容，已按 --include-hidden 一并导入：" if preview.hidden_included
                     else "文件中有隐藏的内容，未导入（如需导入，请加 --include-hidden）：")
        lines += [f"  {h}" for h in preview.hidden]
    changed = preview.changed_lines(limit)
    if changed:
        lines.append(f"变更明细（共{preview.counts['changed']}条，列出前{len(changed)}条）：")
        lines += [f"  {c['unit']} {c['indicator']} {c['period']}（{c['release_label']}）："
                  f"{c['old_text']} → {c['new_text']} {c['measure_unit']}" for c in changed]
    return lines


class Command(AuditedCommand):
    help = "导入 CSV 或 XLSX 文件（长表或宽表），先预览，再整体写入；--dry-run 只预览不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .csv 或 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只显示将新增、变更和不变的数据，不写入")
        parser.add_argument("--indicator", help="宽表（地区×年份）所属指标的代码或名称，如 gdp")
        parser.add_argument("--period", help="宽表（地区×指标）所属时期，如 2017-11 或 2016")
        parser.add_argument("--source", help="数据来源（覆盖文件中的来源）")
        parser.add_argument("--release", help="发布类型：official、first、yearbook、flash、revised、estimate、published")
        parser.add_argument("--include-hidden", action="store_true",
                            help="同时导入隐藏的工作表、行和列（默认不导入，并列出隐藏了哪些内容）")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = ImportOptions(indicator=opts["indicator"], period=opts["period"], source=opts["source"],
                                release=opts["release"], include_hidden=opts["include_hidden"])
        # As the command line: the import service asks accounts.access.require_importer, which lets it import.
        preview, batch = import_file(Path(opts["file"]), options, COMMAND_LINE, dry_run=opts["dry_run"])
        for line in preview_text(preview):
            self.stdout.write(line)
        if opts["dry_run"]:
            self.stdout.write("试运行（--dry-run）：未写入任何数据。")
        elif batch is None:
            self.stdout.write("数据均未变化，未写入任何内容。")
        else:
            self.stdout.write(f"已写入：导入批次 #{batch.pk}，新增 {batch.added} 条，变更 {batch.changed} 条。")
