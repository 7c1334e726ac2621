"""A streaming pre-scan of an XLSX's worksheets before python-calamine parses them (pure: no Django).

python-calamine builds each sheet as a dense grid of (highest row x highest column) cells and has no way to
stop part-way, so 200 MB of rows compressed 24:1, or a few bytes naming cell ZZ200000, exhaust memory
before any check on the values can run. This module reads a worksheet part in chunks, as it comes out of
the zip, and finds what calamine will build: the highest row and column holding a cell, and the hidden
rows and columns. It stops as soon as a limit is passed, so a bomb costs one chunk beyond the limit.

Two modes give the same answer (checked by the tests):
- fast: regular expressions over each chunk, for the form every spreadsheet program writes
  (`<c r="B7" ...>`: every cell names its reference, double quotes, no namespace prefix);
- exact: expat, element by element, following calamine's rules for cells without a reference (the
  column after the previous cell; the row after the previous row). Used for a part as soon as the fast
  mode meets anything else; slower, but only unusual writers produce such files.
Both over-estimate rather than under-estimate: a cell element with no value may be counted.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

CHUNK = 1 << 20
# Longest run of bytes without a "<" that may be carried to the next chunk (one start tag).
MAX_TAIL = 4 << 20

# A cell as Excel, WPS, LibreOffice and openpyxl write it; group 3 is "/" for an empty self-closing cell.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?:\s[\w:.\-]+="[^"]*")*\s*(/?)>')
# Anything else that could be a cell, a row, a column or the sheet's row format: leave it to expat.
_ODD = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:(?:c|row|col|sheetFormatPr)[\s/>]|c[\t\r\n/>])")
_TAG_ATTRS = rb"((?:\s+[\w:.\-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>"
_ROW = re.compile(rb"<row" + _TAG_ATTRS)
_ROW_OPEN = re.compile(rb"<row[\s/>]")
_COL = re.compile(rb"<col" + _TAG_ATTRS)
_COL_OPEN = re.compile(rb"<col[\s/>]")
_FORMAT = re.compile(rb"<sheetFormatPr" + _TAG_ATTRS)
_ATTR = re.compile(rb"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"^([A-Za-z]+)([0-9]+)$")


class LimitExceeded(Exception):
    """A worksheet goes beyond a limit: `what` is rows, columns or cells; `value` how far it goes."""

    def __init__(self, what: str, value: int) -> None:
        super().__init__(what, value)
        self.what, self.value = what, value


class MalformedSheet(Exception):
    """The worksheet XML cannot be read (calamine would refuse it too)."""


class _Exact(Exception):
    """The fast mode met a form it does not handle: scan the part again with expat."""


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int
    max_cells: int  # rows x columns of the grid calamine builds, summed over the workbook


@dataclass
class SheetExtent:
    """What calamine will build from one worksheet part, and what in it is hidden."""

    rows: int = 0  # highest row number holding a cell (1-based, as Excel shows it)
    columns: int = 0  # highest column number holding a cell (A = 1)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)  # inclusive ranges, A = 1

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def is_column_hidden(self, column: int) -> bool:
        return any(lo <= column <= hi for lo, hi in self.hidden_columns)


def column_number(letters: str) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27 (case-insensitive, as calamine reads references)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _true(value: str | bytes | None) -> bool:
    if value is None:
        return False
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    return text.strip() in ("1", "true")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(raw)}


class _Bounds:
    """The running extent and the checks against the limits, shared by both modes."""

    def __init__(self, limits: Limits, cells_before: int) -> None:
        self.limits, self.cells_before = limits, cells_before
        self.extent = SheetExtent()

    def cell(self, row: int, column: int) -> None:
        e = self.extent
        if row > e.rows:
            e.rows = row
            if row > self.limits.max_rows:
                raise LimitExceeded("rows", row)
        if column > e.columns:
            e.columns = column
            if column > self.limits.max_columns:
                raise LimitExceeded("columns", column)
        if self.cells_before + e.rows * e.columns > self.limits.max_cells:
            raise LimitExceeded("cells", self.cells_before + e.rows * e.columns)

    def column_range(self, hidden: str | bytes | None, lo: str | bytes | None, hi: str | bytes | None) -> None:
        """A <col min max hidden> element: remember the range when it is hidden."""
        if not _true(hidden):
            return
        try:
            first = int(lo or 0)
            last = int(hi or first)
        except ValueError:
            raise MalformedSheet("col") from None
        if first >= 1 and last >= first:
            self.extent.hidden_columns.append((first, min(last, 16384)))


def scan_sheet(open_part: Callable[[], IO[bytes]], limits: Limits, cells_before: int = 0) -> SheetExtent:
    """Scan one worksheet part (opened afresh by `open_part`, which may be called twice)."""
    try:
        with open_part() as stream:
            return _scan_fast(stream, limits, cells_before)
    except _Exact:
        with open_part() as stream:
            return _scan_exact(stream, limits, cells_before)


def _scan_fast(stream: IO[bytes], limits: Limits, cells_before: int) -> SheetExtent:
    bounds = _Bounds(limits, cells_before)
    tail = b""
    while True:
        block = stream.read(CHUNK)
        buf = tail + block
        if block:
            # Cut before the last "<", so no tag is split between two chunks.
            cut = buf.rfind(b"<")
            if cut <= 0:
                if len(buf) > MAX_TAIL:
                    raise MalformedSheet("tag too long")
                tail = buf
                continue
            buf, tail = buf[:cut], buf[cut:]
        if buf:
            _fast_chunk(buf, bounds)
        if not block:
            return bounds.extent


def _fast_chunk(buf: bytes, bounds: _Bounds) -> None:
    if _ODD.search(buf):
        raise _Exact
    found = _CELL.findall(buf)
    if len(found) != buf.count(b"<c "):
        raise _Exact  # a cell without a plain reference, or with single quotes, entities…
    if b"zeroHeight" in buf and any(_true(_attrs(raw).get(b"zeroHeight")) for raw in _FORMAT.findall(buf)):
        raise _Exact  # rows hidden by default: the exact mode applies the rule row by row
    # Sets first: a row's number repeats in each of its cells, and a sheet has few column letters.
    numbers = {digits for _, digits, empty in found if not empty}
    if numbers:
        letters = {letters for letters, _, empty in found if not empty}
        bounds.cell(max(map(int, numbers)), max(column_number(c.decode()) for c in letters))
    if b"hidden" not in buf:
        return
    rows = _ROW.findall(buf)
    if len(rows) != len(_ROW_OPEN.findall(buf)):
        raise _Exact
    for raw in rows:
        if b"hidden" in raw:
            attrs = _attrs(raw)
            if _true(attrs.get(b"hidden")):
                r = attrs.get(b"r", b"")
                if not r.isdigit():
                    raise _Exact  # a hidden row placed by position
                bounds.extent.hidden_rows.add(int(r))
    cols = _COL.findall(buf)
    if len(cols) != len(_COL_OPEN.findall(buf)):
        raise _Exact
    for raw in cols:
        if b"hidden" in raw:
            attrs = _attrs(raw)
            bounds.column_range(attrs.get(b"hidden"), attrs.get(b"min"), attrs.get(b"max"))


def _scan_exact(stream: IO[bytes], limits: Limits, cells_before: int) -> SheetExtent:
    """Element by element with expat, placing cells without a reference the way calamine does."""
    walker = _ExactWalker(_Bounds(limits, cells_before))
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = walker.start
    parser.EndElementHandler = walker.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        while True:
            block = stream.read(CHUNK // 4)
            parser.Parse(block, not block)
            if not block:
                break
    except xml.parsers.expat.ExpatError as exc:
        raise MalformedSheet(str(exc)) from None
    return walker.bounds.extent


def _refuse_dtd(*_args: object) -> None:
    raise MalformedSheet("DTD")


class _ExactWalker:
    """calamine's rules: a cell with a reference sits there; one without sits after the previous cell of its
    row; a row without a number follows the previous row."""

    def __init__(self, bounds: _Bounds) -> None:
        self.bounds = bounds
        self.row = 0  # rows passed so far (0-based index of the current row)
        self.col = 0  # column of the previous cell in this row (1-based; 0 before the first)
        self.cell: tuple[int, int] | None = None
        self.filled = False
        self.zero_height = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if self.cell is not None:
            self.filled = True  # a child element (<v>, <is>, <f>) of the open cell
        elif tag == "c":
            self._cell(attrs.get("r"))
        elif tag == "row":
            self._row(attrs)
        elif tag == "col":
            self.bounds.column_range(attrs.get("hidden"), attrs.get("min"), attrs.get("max"))
        elif tag == "sheetFormatPr":
            self.zero_height = _true(attrs.get("zeroHeight"))

    def _cell(self, ref: str | None) -> None:
        if ref is not None:
            m = _REF.match(ref.strip())
            if not m:
                raise MalformedSheet(f"cell reference {ref!r}")
            row, col = int(m.group(2)), column_number(m.group(1))
        else:
            row, col = self.row + 1, self.col + 1
        self.col = col
        self.cell, self.filled = (row, col), False

    def _row(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is not None:
            if not ref.strip().isdigit():
                raise MalformedSheet(f"row number {ref!r}")
            self.row = int(ref) - 1
        self.col = 0
        hidden = _true(attrs.get("hidden"))
        if self.zero_height and not hidden:
            # Rows are hidden by default; a row shows only with a height of its own.
            try:
                hidden = float(attrs.get("ht", "0")) <= 0
            except ValueError:
                hidden = True
        if hidden:
            self.bounds.extent.hidden_rows.add(self.row + 1)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c" and self.cell is not None:
            if self.filled:
                self.bounds.cell(*self.cell)
            self.cell = None
        elif tag == "row" and self.cell is None:
            self.row += 1
