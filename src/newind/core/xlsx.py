"""The one Excel module: safe cells, text cells, column letters, templates and page exports.

Every workbook the platform writes goes through it: a text cell that Excel, WPS or LibreOffice would read as a
formula is neutralised (`safe_cell`, CSV/Excel injection), codes are written as text so leading zeros
survive (`write_text_cell`), column letters come from `column_letter`, and reading a cell back undoes the
neutralisation (`unsafe_text`). Imports, reports, submissions, targets and page exports all use it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse

# A cell starting with one of these is read as a formula (or DDE command) by Excel, WPS and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """Return the value to write in a cell: text that could be read as a formula gets a leading apostrophe.

    Numbers, dates and None pass through unchanged (a negative number is a number, not a formula); only
    strings are neutralised, e.g. "=HYPERLINK(...)" becomes "'=HYPERLINK(...)" and "-5" stays text "'-5".
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """`safe_cell` over a row."""
    return [safe_cell(v) for v in values]


def unsafe_text(text: str) -> str:
    """Undo `safe_cell` on text read back from a workbook the platform wrote ("'=A1" becomes "=A1")."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def column_letter(column: int) -> str:
    """The Excel letter of a 1-based column number: 1 → "A", 28 → "AB" (at most XFD, 16,384)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def write_text_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write a code (unit code, 统一社会信用代码, indicator code) as text so Excel keeps leading zeros."""
    cell = ws.cell(row=row, column=column, value=safe_cell(None if value is None else str(value)))
    cell.number_format = "@"
    return cell


def put_cell(ws: Any, row: int, column: int, value: Any, *, text: bool = False) -> Any:
    """Write one cell, formula-neutralised; `text` keeps a code as text (see `write_text_cell`)."""
    if text:
        return write_text_cell(ws, row, column, value)
    return ws.cell(row=row, column=column, value=safe_cell(value))


def append_rows(ws: Any, rows: list[list[Any]], *, text_columns: frozenset[int] = frozenset(),
                widths: list[int] | None = None) -> None:
    """Append rows below what the sheet holds (a template's header, examples, code lists), every cell
    formula-neutralised, the 0-based `text_columns` as text; `widths` sets the column widths from A."""
    start = ws.max_row + 1 if ws.max_row > 1 or ws.cell(row=1, column=1).value is not None else 1
    for i, values in enumerate(rows, start=start):
        for j, value in enumerate(values, start=1):
            put_cell(ws, i, j, value, text=j - 1 in text_columns and value not in (None, ""))
    for j, width in enumerate(widths or [], start=1):
        ws.column_dimensions[column_letter(j)].width = width


def workbook_bytes(wb: Any) -> bytes:
    """The .xlsx bytes of an openpyxl workbook."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- page exports: one table per sheet, with its units, period and source above it -------------------


@dataclass
class ExportSheet:
    """One sheet of a page export: a title, the lines saying what the figures are (单位/时期/来源), a table.

    `text_columns` (0-based) hold codes, written as text so leading zeros and letters survive.
    """

    name: str
    title: str
    about: list[str]
    header: list[str]
    rows: list[list[Any]]
    text_columns: frozenset[int] = field(default_factory=frozenset)


def export_workbook(sheets: list[ExportSheet]) -> bytes:
    """The .xlsx bytes of a page export; every text cell is formula-neutralised (`safe_cell`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name[:31])
        ws.cell(row=1, column=1, value=safe_cell(spec.title)).font = Font(bold=True, size=13)
        for i, line in enumerate(spec.about, start=2):
            ws.cell(row=i, column=1, value=safe_cell(line))
        top = len(spec.about) + 3
        for j, title in enumerate(spec.header, start=1):
            ws.cell(row=top, column=j, value=safe_cell(title)).font = Font(bold=True)
        for i, values in enumerate(spec.rows, start=top + 1):
            for j, value in enumerate(values, start=1):
                if j - 1 in spec.text_columns:
                    write_text_cell(ws, i, j, value)
                else:
                    ws.cell(row=i, column=j, value=safe_cell(value))
        for j, title in enumerate(spec.header, start=1):
            width = max([len(str(title))] + [len(str(r[j - 1])) for r in spec.rows[:200] if r[j - 1] is not None])
            ws.column_dimensions[column_letter(j)].width = min(max(8, width * 2), 48)
        ws.freeze_panes = ws.cell(row=top + 1, column=1)
    return workbook_bytes(wb)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, file_name: str) -> HttpResponse:
    """A download response for an .xlsx file (ASCII file name: every browser keeps it as given)."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
