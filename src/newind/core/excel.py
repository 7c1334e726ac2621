"""Excel export helpers every app uses: neutralise formula-like text (CSV/Excel injection), keep codes as text."""

from __future__ import annotations

from typing import Any

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


def write_text_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write a code (unit code, 统一社会信用代码, indicator code) as text so Excel keeps leading zeros."""
    cell = ws.cell(row=row, column=column, value=safe_cell(None if value is None else str(value)))
    cell.number_format = "@"
    return cell
