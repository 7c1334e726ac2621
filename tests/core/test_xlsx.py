"""The one Excel module: formula-like text is neutralised and read back as typed, codes stay text."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from newind.core.xlsx import append_rows, column_letter, safe_cell, unsafe_text, workbook_bytes


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1", "'+1"),
    ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("岳阳县", "岳阳县"),
    (-5, -5),  # a negative number is a number, not a formula
    (None, None),
])
def test_it_neutralises_formula_like_text_only(value: object, written: object) -> None:
    assert safe_cell(value) == written


@pytest.mark.parametrize("text", ["=A1", "+1", "-5", "@x", "岳阳县", "'plain", "'"])
def test_reading_back_undoes_the_neutralisation(text: str) -> None:
    written = safe_cell(text)
    assert isinstance(written, str)
    # Only the apostrophe safe_cell added is taken off: "'plain" was not neutralised and stays as it is.
    assert unsafe_text(written) == text


@pytest.mark.parametrize(("column", "letter"), [(1, "A"), (26, "Z"), (27, "AA"), (28, "AB"), (16384, "XFD")])
def test_column_letters(column: int, letter: str) -> None:
    assert column_letter(column) == letter


def test_a_template_keeps_codes_as_text_and_neutralises_cells() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    append_rows(ws, [["单位代码", "名称"]], widths=[12, 20])
    append_rows(ws, [["430621", "=1+1"], ["Z430601", "岳阳县"]], text_columns=frozenset({0}))
    read = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert read is not None
    assert [[c.value for c in row] for row in read.iter_rows()] == [
        ["单位代码", "名称"], ["430621", "'=1+1"], ["Z430601", "岳阳县"]]
    assert read["A2"].number_format == "@"
    assert read["B2"].number_format == "General"
    assert read.column_dimensions["B"].width == 20
