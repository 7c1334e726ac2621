"""The streaming pre-scan against python-calamine itself: the extent it finds is never smaller than the grid
calamine builds, and its fast (regex) and exact (expat) modes agree."""

from __future__ import annotations

import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from newind.imports import xlsxscan
from newind.imports.xlsxscan import LimitExceeded, Limits, SheetExtent
from tests.upload_files import SheetXml, hidden_cols, workbook

WIDE = Limits(max_rows=10**7, max_columns=16384, max_cells=10**12)
PART = "xl/worksheets/sheet1.xml"

# (sheetData, the grid calamine builds as rows x columns); written out by hand from calamine's rules.
CASES = {
    "as Excel writes it": (b'<row r="1"><c r="A1"><v>1</v></c><c r="C1" s="2" t="n"><v>0</v></c></row>'
                           b'<row r="4"><c r="B4"><v>2</v></c></row>', (4, 3)),
    "a cell's reference wins over its row's": (b'<row r="1"><c r="C7"><v>1</v></c></row>', (7, 3)),
    "empty styled cells do not extend the grid": (b'<row r="1"><c r="A1"><v>1</v></c><c r="Z900" s="1"/></row>', (1, 1)),
    "an empty inline string does": (b'<row r="1"><c r="A1"><v>1</v></c><c r="Z900" t="inlineStr"><is><t></t></is></c>'
                                    b'</row>', (900, 26)),
    "cells and rows by position": (b'<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (2, 2)),
    "a numbered row, cells by position": (b'<row r="5"><c><v>1</v></c><c><v>2</v></c></row>', (5, 2)),
    "after a numbered cell, the next column": (b'<row r="1"><c r="A1"/><c><v>1</v></c></row>', (1, 2)),
    "an empty row still counts as a row": (b'<row r="3"/><row><c><v>1</v></c></row>', (4, 1)),
    "lower-case references": (b'<row r="1"><c r="c3"><v>1</v></c></row>', (3, 3)),
    "a prefixed r is not the reference": (b'<row r="1"><c x:r="Z1" xmlns:x="u"><v>1</v></c><c><v>2</v></c></row>',
                                          (1, 2)),
    "single quotes": (b"<row r='2'><c r='D2'><v>1</v></c></row>", (2, 4)),
    "a '>' inside an attribute": (b'<row r="1"><c r="A1" x="/>"><v>1</v></c><c r="E2" s=">"><v>1</v></c></row>',
                                  (2, 5)),
}


def _part(rows: bytes, before: bytes = b"") -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(workbook(SheetXml("数据", rows, before=before))))


def _calamine_shape(rows: bytes) -> tuple[int, int]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(workbook(SheetXml("数据", rows))))
    grid = book.get_sheet_by_name("数据").to_python(skip_empty_area=False)
    return len(grid), max((len(r) for r in grid), default=0)


def _both_modes(archive: zipfile.ZipFile, limits: Limits = WIDE) -> tuple[SheetExtent | None, SheetExtent]:
    try:
        fast: SheetExtent | None = xlsxscan._scan_fast(archive.open(PART), limits, 0)
    except xlsxscan._Exact:
        fast = None  # the fast mode hands such a part to the exact one
    return fast, xlsxscan._scan_exact(archive.open(PART), limits, 0)


@pytest.mark.parametrize("rows,grid", CASES.values(), ids=CASES.keys())
def test_the_scan_finds_at_least_the_grid_calamine_builds(rows, grid):
    assert _calamine_shape(rows) == grid
    fast, exact = _both_modes(_part(rows))
    assert (exact.rows, exact.columns) == grid
    if fast is not None:
        assert fast.rows >= grid[0] and fast.columns >= grid[1]
    chosen = xlsxscan.scan_sheet(lambda: _part(rows).open(PART), WIDE)
    assert chosen.rows >= grid[0] and chosen.columns >= grid[1]


def test_hidden_rows_and_columns_are_the_same_in_both_modes():
    rows = (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2" hidden="1"><c r="A2"><v>2</v></c></row>'
            b'<row r="3" spans="1:2" hidden="true" ht="0"><c r="B3"><v>3</v></c></row>')
    fast, exact = _both_modes(_part(rows, before=hidden_cols((2, 3), (7, 7))))
    assert fast is not None
    for extent in (fast, exact):
        assert extent.hidden_rows == {2, 3} and extent.hidden_columns == [(2, 3), (7, 7)]
        assert [c for c in range(1, 9) if extent.is_column_hidden(c)] == [2, 3, 7]


def test_rows_hidden_by_default_are_found_row_by_row():
    # zeroHeight: every row is hidden unless it has a height of its own.
    rows = b'<row r="1" ht="15" customHeight="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
    fast, exact = _both_modes(_part(rows, before=b'<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>'))
    assert fast is None and exact.hidden_rows == {2}


def test_a_hidden_row_placed_by_position_is_found():
    rows = b'<row r="1"><c r="A1"><v>1</v></c></row><row hidden="1"><c r="A2"><v>2</v></c></row>'
    fast, exact = _both_modes(_part(rows))
    assert fast is None and exact.hidden_rows == {2}


@pytest.mark.parametrize("mode", ["fast", "exact"])
def test_the_scan_stops_at_the_limit(mode):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 5001))
    archive = _part(rows)
    scan = xlsxscan._scan_fast if mode == "fast" else xlsxscan._scan_exact
    with pytest.raises(LimitExceeded) as excinfo:
        scan(archive.open(PART), Limits(max_rows=100, max_columns=10, max_cells=10**6), 0)
    assert excinfo.value.what == "rows" and excinfo.value.value > 100
