"""The Excel template of a unit's monthly project progress (岳新工办统2表) and reading it back.

One row per project, Chinese headers found again by name (a unit that inserts a row above the table or
moves a column still uploads fine), project codes written as text. No database access here: the services
pass plain data in and get plain data out (like submissions/xlsx.py, whose layout of labels it follows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from newind.core.errors import Problem
from newind.core.xlsx import column_letter, put_cell, workbook_bytes
from newind.projects.calc import PROGRESS_FIELDS, PROGRESS_TEXT_FIELDS

# The identity cells and their reading are the monthly report's (the same labels, one reader).
from newind.submissions.xlsx import LABEL_FILLED_BY, LABEL_PERIOD_KEY, LABEL_UNIT_CODE, right_of, text_of

SHEET = "项目进度"
CODE_HEADER = "项目编号"
# The columns in order: (header, key); key None for columns shown only (never read back).
COLUMNS: list[tuple[str, str | None]] = [
    ("序号", None), (CODE_HEADER, "code"), ("项目名称", None), ("当前阶段", None), ("总投资（万元）", None),
    ("年度计划投资（万元）", None),
    *[(f"{label}（万元）", key) for key, label in PROGRESS_FIELDS.items()],
    *[(label, key) for key, label in PROGRESS_TEXT_FIELDS.items()],
]
HEADER_KEYS = {header: key for header, key in COLUMNS if key}
EDITABLE = set(PROGRESS_FIELDS) | set(PROGRESS_TEXT_FIELDS)


@dataclass(frozen=True)
class TemplateRow:
    code: str
    name: str
    stage: str
    total_investment: float | None
    year_plan: float | None
    values: dict[str, object]  # PROGRESS_FIELDS and PROGRESS_TEXT_FIELDS keys → the draft's value


@dataclass(frozen=True)
class TemplateContext:
    title: str
    form_number: str
    issuer: str
    unit_name: str
    unit_code: str
    period_label: str
    period_key: str
    deadline: str
    share_bound_pct: str
    rows: list[TemplateRow]
    filled_by: str = ""


def build_template(ctx: TemplateContext) -> bytes:
    """Write the template: identity labels, one row per project (only the yellow cells open), protected."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)
    fill = PatternFill("solid", fgColor="FFF6CC")
    width = len(COLUMNS)

    def label(row: int, col: int, text: str) -> None:
        put_cell(ws, row, col, text).font = Font(bold=True)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    put_cell(ws, 1, 1, ctx.title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    label(2, 1, "表号：")
    put_cell(ws, 2, 2, ctx.form_number, text=True)
    label(2, 4, "制定机关：")
    put_cell(ws, 2, 5, ctx.issuer)
    label(3, 1, "填报单位：")
    put_cell(ws, 3, 2, ctx.unit_name)
    label(3, 4, LABEL_UNIT_CODE)
    put_cell(ws, 3, 5, ctx.unit_code, text=True)
    label(4, 1, "报告期：")
    put_cell(ws, 4, 2, ctx.period_label)
    label(4, 4, LABEL_PERIOD_KEY)
    put_cell(ws, 4, 5, ctx.period_key, text=True)
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=width)
    put_cell(ws, 5, 1, "填报说明：每个项目一行，只填写黄色单元格；金额单位为万元；年初至报告期累计为1—N月累计（1—2月合并，"
                       f"无1月）；当月完成投资超过年度计划投资的{ctx.share_bound_pct}%须在「说明」栏写明原因；"
                       f"整份文件通过校验才会写入。截止日期：{ctx.deadline}。")
    ws.cell(row=5, column=1).alignment = Alignment(wrap_text=True)
    ws.row_dimensions[5].height = 45
    header_row = 6
    for col, (title, _key) in enumerate(COLUMNS, start=1):
        cell = put_cell(ws, header_row, col, title)
        cell.font, cell.border = Font(bold=True), border
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True)
    validation = DataValidation(type="decimal", operator="between", formula1="0", formula2="1000000000",
                                allow_blank=True, showErrorMessage=True, errorTitle="数值有误",
                                error="请填写不小于 0 的数字（单位：万元，不要带单位或文字）。")
    ws.add_data_validation(validation)
    row = header_row
    for i, item in enumerate(ctx.rows, start=1):
        row = header_row + i
        shown: dict[str, object] = {"code": item.code}
        cells = [i, item.code, item.name, item.stage, item.total_investment, item.year_plan]
        for col, (_title, key) in enumerate(COLUMNS, start=1):
            value = cells[col - 1] if col <= len(cells) else item.values.get(key or "")
            put_cell(ws, row, col, shown.get(key or "", value), text=key == "code")
            ws.cell(row=row, column=col).border = border
            if key in EDITABLE:
                ws.cell(row=row, column=col).protection = unlocked
                ws.cell(row=row, column=col).fill = fill
                if key in PROGRESS_FIELDS:
                    validation.add(ws.cell(row=row, column=col))
    sign_row = row + 2
    label(sign_row, 1, LABEL_FILLED_BY)
    put_cell(ws, sign_row, 2, ctx.filled_by)
    ws.cell(row=sign_row, column=2).protection = unlocked
    ws.cell(row=sign_row, column=2).fill = fill
    for col, w in enumerate((6, 16, 30, 10, 14, 14, 14, 14, 14, 14, 30, 30, 30), start=1):
        ws.column_dimensions[column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=header_row + 1, column=4)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return workbook_bytes(wb)


@dataclass
class UploadedRow:
    row: int  # 1-based, as Excel numbers it
    code: str
    code_column: str
    cells: dict[str, object]  # key → raw cell
    columns: dict[str, str]  # key → column letter


@dataclass
class ParsedTemplate:
    unit_code: str | None = None
    unit_code_row: int | None = None
    period_key: str | None = None
    period_key_row: int | None = None
    filled_by: str = ""
    rows: list[UploadedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_template(rows: list[list[object]]) -> ParsedTemplate:
    """Read the identity cells, the header (by name) and one row per project code from a sheet's cells."""
    parsed = ParsedTemplate()
    columns: dict[str, int] | None = None
    for index, cells in enumerate(rows, start=1):
        if columns is None:
            for label_text, attr in ((LABEL_UNIT_CODE, "unit_code"), (LABEL_PERIOD_KEY, "period_key")):
                found = right_of(cells, label_text)
                if found is not None and getattr(parsed, attr) is None:
                    setattr(parsed, attr, found)
                    setattr(parsed, f"{attr}_row", index)
            texts = [text_of(c) for c in cells]
            if CODE_HEADER in texts:
                columns = {HEADER_KEYS[t]: j for j, t in enumerate(texts) if t in HEADER_KEYS}
                missing = [h for h, k in HEADER_KEYS.items() if k not in columns]
                if missing:
                    parsed.problems.append(Problem(f"表头缺少「{'」「'.join(missing)}」列：请使用从平台下载的填报模板，"
                                                   "不要删除或改名表头。", sheet=SHEET, row=index))
            continue
        filled_by = right_of(cells, LABEL_FILLED_BY)
        if filled_by is not None:
            parsed.filled_by = filled_by
            break
        code_col = columns["code"]
        code = text_of(cells[code_col]) if len(cells) > code_col else ""
        if not code:
            continue
        parsed.rows.append(UploadedRow(
            row=index, code=code, code_column=column_letter(code_col + 1),
            cells={k: (cells[j] if len(cells) > j else None) for k, j in columns.items() if k != "code"},
            columns={k: column_letter(j + 1) for k, j in columns.items() if k != "code"}))
    if parsed.unit_code is None:
        parsed.problems.append(Problem(f"找不到「{LABEL_UNIT_CODE}」：请使用从平台下载的本单位填报模板。", sheet=SHEET))
    if parsed.period_key is None:
        parsed.problems.append(Problem(f"找不到「{LABEL_PERIOD_KEY}」：请使用从平台下载的本期填报模板。", sheet=SHEET))
    if columns is None:
        parsed.problems.append(Problem(f"找不到表头「{CODE_HEADER}」：请使用从平台下载的填报模板，不要删除表头行。",
                                       sheet=SHEET))
    return parsed
