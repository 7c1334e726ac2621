"""Helpers for import tests: build XLSX/CSV files programmatically in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], text_columns: dict[str, list[str]] | None = None
               ) -> Path:
    """Write rows per sheet; `text_columns` forces some columns to text like an office would."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for col in (text_columns or {}).get(name, []):
            for cell in ws[col]:
                cell.number_format = "@"
    wb.save(path)
    return path


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: list[list[Any]], name: str = "table.xlsx", sheet: str = "Sheet1", **kw: Any) -> Path:
        return write_xlsx(tmp_path / name, {sheet: rows}, **kw)

    return make


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(text: str, name: str = "table.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make
