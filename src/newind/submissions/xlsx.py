"""The Excel template of a unit's report (written with openpyxl) and reading it back (python-calamine).

The layout is found again by its labels (「单位代码：」, 「报告期代码：」, the 「指标代码」 header), so a unit
that inserts a row above the table still uploads fine; codes are written as text so 430621 and Z430601
keep their form. The indicator codes sit in column B, hidden and locked: the reporter reads the Chinese
names, the upload reads the codes. No database access here: the services pass plain data in and get plain data out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from newind.core.errors import Problem
from newind.core.xlsx import safe_cell, unsafe_text, workbook_bytes
from newind.submissions.calc import FieldSpec

SHEET = "月报"
HEADERS = ["序号", "指标代码", "指标名称", "计量单位", "上年同期", "本期数值", "说明"]
CODE_COL, VALUE_COL, EXPLAIN_COL = 2, 6, 7  # 1-based columns B (hidden), F, G
INFO_COL = 3  # values beside the labels in column A (表号, 填报单位, 报告期, 填表人): column C, as B is hidden
LABEL_UNIT_CODE = "单位代码："
LABEL_PERIOD_KEY = "报告期代码："
LABEL_FILLED_BY = "填表人："
LABEL_REVIEWER = "审核人："
_LABELS = {"表号：", "制定机关：", "填报单位：", LABEL_UNIT_CODE, "报告期：", LABEL_PERIOD_KEY, LABEL_FILLED_BY,
           LABEL_REVIEWER}


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
    yoy_bound_pct: str
    specs: list[FieldSpec]
    last_year: dict[str, Decimal | None]
    values: dict[str, Decimal | None]
    explanations: dict[str, str]
    filled_by: str = ""
    reviewer: str = ""


def build_template(ctx: TemplateContext) -> bytes:
    """Write the unit's template: title, 表号, unit name and code, period, 填表人/审核人, data validation on
    the value cells and a protected sheet where only the value, explanation and signature cells are open."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)

    def put(row: int, col: int, value: object, *, text: bool = False, bold: bool = False) -> None:
        cell = ws.cell(row=row, column=col, value=safe_cell(value))
        if text:
            cell.number_format = "@"
        if bold:
            cell.font = Font(bold=True)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    put(1, 1, ctx.title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    put(2, 1, "表号：", bold=True)
    put(2, INFO_COL, ctx.form_number, text=True)
    put(2, 4, "制定机关：", bold=True)
    put(2, 5, ctx.issuer)
    put(3, 1, "填报单位：", bold=True)
    put(3, INFO_COL, ctx.unit_name)
    put(3, 4, LABEL_UNIT_CODE, bold=True)
    put(3, 5, ctx.unit_code, text=True)
    put(4, 1, "报告期：", bold=True)
    put(4, INFO_COL, ctx.period_label)
    put(4, 4, LABEL_PERIOD_KEY, bold=True)
    put(4, 5, ctx.period_key, text=True)
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=7)
    put(5, 1, f"填报说明：只填写黄色单元格；数值按「计量单位」列填写，1—N月累计；留空表示不修改已填数值；"
              f"比上年同期变化超过±{ctx.yoy_bound_pct}%须在「说明」栏写明原因。截止日期：{ctx.deadline}。")
    header_row = 6
    for col, title in enumerate(HEADERS, start=1):
        put(header_row, col, title, bold=True)
        ws.cell(row=header_row, column=col).fill = PatternFill("solid", fgColor="DDDDDD")
        ws.cell(row=header_row, column=col).border = border
    fill = PatternFill("solid", fgColor="FFF6CC")
    validation = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000",
                                allow_blank=True, showErrorMessage=True, errorTitle="数值有误",
                                error="请填写数字（不要带单位或文字）。")
    ws.add_data_validation(validation)
    row = header_row
    for i, spec in enumerate(ctx.specs, start=1):
        row = header_row + i
        put(row, 1, i)
        put(row, CODE_COL, spec.code, text=True)
        put(row, 3, spec.name)
        put(row, 4, spec.measure_unit, text=True)
        last = ctx.last_year.get(spec.code)
        put(row, 5, float(last) if last is not None else None)
        value = ctx.values.get(spec.code)
        put(row, VALUE_COL, float(value) if value is not None else None)
        put(row, EXPLAIN_COL, ctx.explanations.get(spec.code, ""))
        for col in (VALUE_COL, EXPLAIN_COL):
            ws.cell(row=row, column=col).protection = unlocked
            ws.cell(row=row, column=col).fill = fill
        for col in range(1, 8):
            ws.cell(row=row, column=col).border = border
        validation.add(ws.cell(row=row, column=VALUE_COL))
    sign_row = row + 2
    put(sign_row, 1, LABEL_FILLED_BY, bold=True)
    put(sign_row, INFO_COL, ctx.filled_by)
    put(sign_row, 4, LABEL_REVIEWER, bold=True)
    put(sign_row, 5, ctx.reviewer)
    for col in (INFO_COL, 5):
        ws.cell(row=sign_row, column=col).protection = unlocked
        ws.cell(row=sign_row, column=col).fill = fill
    for letter, width in zip("ABCDEFG", (10, 34, 28, 10, 14, 14, 40), strict=True):
        ws.column_dimensions[letter].width = width
    # The codes are for the upload, not the reader: hidden, and (with the protected sheet) not unhidden.
    ws.column_dimensions["B"].hidden = True
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    # Locked headers: the structure cannot be edited in Excel (no password: this guards against slips,
    # the server checks everything again on upload).
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = True  # True = protected: the hidden code column stays hidden
    return workbook_bytes(wb)


@dataclass
class UploadedRow:
    row: int  # 1-based row number as Excel shows it
    code: str
    value: object
    explanation: str


@dataclass
class ParsedTemplate:
    unit_code: str | None = None
    unit_code_row: int | None = None
    period_key: str | None = None
    period_key_row: int | None = None
    filled_by: str = ""
    reviewer: str = ""
    rows: list[UploadedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def text_of(value: object) -> str:
    """A cell as text: '' for empty, 12.0 → '12', the apostrophe safe_cell wrote undone (shared with the
    projects' progress template, which has the same identity cells)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the apostrophe that safe_cell put before formula-like text when the template was written.
    return unsafe_text(text)


def right_of(cells: list[object], label: str) -> str | None:
    """The first non-empty cell to the right of a cell holding `label` ("" when the next filled cell is
    another label, e.g. 「审核人：」 after an empty 填表人), or None without the label."""
    for i, cell in enumerate(cells):
        if text_of(cell) == label:
            for other in cells[i + 1:]:
                if text_of(other):
                    return "" if text_of(other) in _LABELS else text_of(other)
            return ""
    return None


def parse_template(rows: list[list[object]]) -> ParsedTemplate:
    """Read the identity cells and the figure rows from a sheet's cells (as lists, row 1 first)."""
    parsed = ParsedTemplate()
    header_row: int | None = None
    for index, cells in enumerate(rows, start=1):
        if header_row is None:
            unit_code = right_of(cells, LABEL_UNIT_CODE)
            if unit_code is not None and parsed.unit_code is None:
                parsed.unit_code, parsed.unit_code_row = unit_code, index
            period_key = right_of(cells, LABEL_PERIOD_KEY)
            if period_key is not None and parsed.period_key is None:
                parsed.period_key, parsed.period_key_row = period_key, index
            if len(cells) >= CODE_COL and text_of(cells[CODE_COL - 1]) == HEADERS[CODE_COL - 1]:
                header_row = index
            continue
        filled_by = right_of(cells, LABEL_FILLED_BY)
        if filled_by is not None:
            parsed.filled_by = filled_by
            parsed.reviewer = right_of(cells, LABEL_REVIEWER) or ""
            break
        code = text_of(cells[CODE_COL - 1]) if len(cells) >= CODE_COL else ""
        if not code:
            continue
        value = cells[VALUE_COL - 1] if len(cells) >= VALUE_COL else None
        explanation = text_of(cells[EXPLAIN_COL - 1]) if len(cells) >= EXPLAIN_COL else ""
        parsed.rows.append(UploadedRow(index, code, value, explanation))
    if parsed.unit_code is None:
        parsed.problems.append(Problem(f"找不到「{LABEL_UNIT_CODE}」：请使用从平台下载的本单位填报模板。", sheet=SHEET))
    if parsed.period_key is None:
        parsed.problems.append(Problem(f"找不到「{LABEL_PERIOD_KEY}」：请使用从平台下载的本期填报模板。", sheet=SHEET))
    if header_row is None:
        parsed.problems.append(Problem("找不到表头「指标代码」：请使用从平台下载的填报模板，不要删除表头行。", sheet=SHEET))
    return parsed
