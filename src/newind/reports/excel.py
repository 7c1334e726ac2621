"""The report's attached tables as an Excel workbook (openpyxl): one sheet per table.

Each sheet: a title row naming the table and period, a styled header (units in the headers), numbers as
numbers with their display format, codes as text, and a footer row with the period, sources and 示例数据.
Every text cell goes through `safe_cell`, so a name such as "=SUM(…)" is never read as a formula.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from newind.core.xlsx import column_letter, safe_cell, workbook_bytes, write_text_cell
from newind.reports import calc
from newind.reports.content import ReportContent, Table

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
LIGHT_FILLS = {"red": "F4CCCC", "yellow": "FFF2CC", "green": "D9EAD3"}


def _sheet(wb: Workbook, table: Table, content: ReportContent) -> None:
    ws = wb.create_sheet(table.key[:31])
    ncols = len(table.columns)
    ws.cell(row=1, column=1, value=safe_cell(table.title)).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(row=2, column=j, value=safe_cell(col.title))
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = max(8, min(28, len(col.title) * 2 + 2))
        ws.column_dimensions[column_letter(j)].width = width
    for i, row in enumerate(table.rows, start=3):
        for j, (col, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            if col.kind == "number" and isinstance(value, str):  # a rate target: "差 2.6 个百分点"
                cell = ws.cell(row=i, column=j, value=safe_cell(value))
            elif col.kind == "number":
                cell = ws.cell(row=i, column=j, value=value if isinstance(value, int | float) else None)
                decimals = table.decimals(i - 3, col)
                cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
            elif col.kind == "code":
                cell = write_text_cell(ws, i, j, "" if value is None else value)  # 430602 stays text
            elif col.kind == "light":
                cell = ws.cell(row=i, column=j, value=calc.LIGHT_LABELS.get(str(value), "—") if value else "—")
                if value in LIGHT_FILLS:
                    cell.fill = PatternFill("solid", fgColor=LIGHT_FILLS[str(value)])
            else:
                cell = ws.cell(row=i, column=j, value=safe_cell("—" if value is None else str(value)))
            cell.border = BORDER
    footer = len(table.rows) + 4
    ws.cell(row=footer, column=1, value=safe_cell("注：" + table.note)).font = Font(italic=True, size=9)
    ws.cell(row=footer + 1, column=1, value=safe_cell("  ".join(
        t for t in (content.issuer, content.doc_number, content.date_text) if t))).font = Font(size=9)
    ws.freeze_panes = "A3"


def _sources_sheet(wb: Workbook, content: ReportContent) -> None:
    """数据来源: each source's Chinese label, its note, and the text stored with the figures (provenance)."""
    ws = wb.create_sheet("数据来源")
    for j, (title, width) in enumerate((("来源", 36), ("说明", 60), ("原始记录", 60)), start=1):
        cell = ws.cell(row=1, column=j, value=title)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BORDER
        ws.column_dimensions[column_letter(j)].width = width
    for i, source in enumerate(content.sources, start=2):
        for j, value in enumerate((source.label, source.note, "；".join(source.texts)), start=1):
            cell = ws.cell(row=i, column=j, value=safe_cell(value))
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def render_xlsx(content: ReportContent) -> bytes:
    """The attached tables as .xlsx bytes (one sheet each), and the sources sheet."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for table in content.tables:
        _sheet(wb, table, content)
    if content.sources:
        _sources_sheet(wb, content)
    wb.properties.title = content.title
    wb.properties.creator = content.issuer
    return workbook_bytes(wb)
