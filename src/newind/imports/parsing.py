"""Reading an uploaded file safely into sheets of cells: content sniffing, size limits, zip and XML bombs,
limits on rows, columns and cells read before anything is parsed, CSV encodings, hidden sheets, rows and
columns. No database; raises AppError with a complete Chinese sentence when a file is refused.

Every upload path (imports page and CLI, the submissions Excel upload, the targets import) reads through
`read_sheets`, and checks a file's size with `check_upload_size` (newind.core.uploads, re-exported here), so the limits are the same everywhere.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import threading
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import IO, Any

import defusedxml.ElementTree as DefusedET
import pandas as pd
from defusedxml.common import DefusedXmlException
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from newind.core.errors import AppError, Problem, TooLarge
from newind.core.uploads import check_size as _check_size

# The one upload-size check is newind.core.uploads; the pages' and services' `parsing.read_upload` is it.
from newind.core.uploads import check_upload_size
from newind.core.uploads import read_upload as read_upload
from newind.core.xlsx import column_letter
from newind.imports.xlsxscan import LimitExceeded, Limits, MalformedSheet, SheetExtent, scan_sheet

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
MAX_ZIP_ENTRIES = 5000
# Below this size a high compression ratio is harmless (tiny repetitive XML compresses very well).
RATIO_CHECK_MIN_BYTES = 5 * 1024 * 1024
CHUNK = 1 << 16
XML_SUFFIXES = (".xml", ".rels", ".vml")
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
BINARY_RE = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class Sheet:
    """One sheet as a grid: `cells` has object values (str, float, int, date…; '' when empty), row i is
    Excel/CSV row i+1 and column j is column letter j+1.

    `hidden` says the sheet is hidden (or 'very hidden'); `hidden_rows` and `hidden_columns` list the
    hidden rows and columns that hold a value (1-based, as Excel numbers them). The cells are as in the
    file: `without_hidden` blanks what is hidden."""

    name: str
    cells: pd.DataFrame
    hidden: bool = False
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        """Anything hidden here that holds a value."""
        return (self.hidden and not self.cells.empty) or bool(self.hidden_rows or self.hidden_columns)

    def without_hidden(self) -> Sheet:
        """The sheet with its hidden rows and columns blanked. Blanked, not removed, so that the rows and
        columns named in any problem are still the ones the user sees in Excel."""
        if not (self.hidden_rows or self.hidden_columns):
            return self
        cells = self.cells.copy()
        if self.hidden_rows:
            cells.iloc[[r - 1 for r in self.hidden_rows], :] = ""
        if self.hidden_columns:
            cells.iloc[:, [c - 1 for c in self.hidden_columns]] = ""
        return replace(self, cells=cells, hidden_rows=[], hidden_columns=[])


# --- limits, shared by every upload path ------------------------------------------------------------

def upload_limits() -> Limits:
    """The per-sheet row and column limits and the per-workbook cell limit from the settings."""
    from django.conf import settings

    return Limits(max_rows=int(settings.NEWIND_IMPORT_MAX_ROWS), max_columns=int(settings.NEWIND_IMPORT_MAX_COLUMNS),
                  max_cells=int(settings.NEWIND_IMPORT_MAX_CELLS))


class _Slots:
    """At most NEWIND_IMPORT_MAX_PARALLEL files are read and checked at once in one process: each costs
    memory in proportion to its cells, and the limits bound one file, not many at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._size = 0
        self._semaphore = threading.BoundedSemaphore(1)
        self._held = threading.local()

    def _current(self, size: int) -> threading.BoundedSemaphore:
        with self._lock:
            if size != self._size:  # the setting changed (tests); slots already taken release the old one
                self._size, self._semaphore = size, threading.BoundedSemaphore(size)
            return self._semaphore

    @contextmanager
    def hold(self) -> Iterator[None]:
        from django.conf import settings

        depth = getattr(self._held, "depth", 0)
        if depth:  # re-entered by the same request (a service holding a slot calls read_sheets)
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        size = max(1, int(settings.NEWIND_IMPORT_MAX_PARALLEL))
        semaphore = self._current(size)
        if not semaphore.acquire(timeout=float(settings.NEWIND_IMPORT_BUSY_WAIT_SECONDS)):
            raise AppError(f"服务器正在处理其他上传的文件（同时最多处理 {size} 个），本次未读取您的文件："
                           "请稍等一两分钟后重新上传。", status=503, code="busy")
        self._held.depth = 1
        try:
            yield
        finally:
            self._held.depth = 0
            semaphore.release()


_slots = _Slots()


def upload_slot() -> Any:
    """Hold one of the process's upload slots while a file is read, checked and planned (503 when busy)."""
    return _slots.hold()


# --- sniffing and CSV --------------------------------------------------------------------------------

def sniff_kind(data: bytes) -> str:
    """Decide by content whether the bytes are an XLSX workbook or a CSV text file."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        raise AppError("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入。")
    head = data[:8192]
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<table" in lowered[:1024]:
        # Many reporting systems export an HTML page or XML named .xls.
        raise AppError("这是网页（HTML）或 XML 格式的表格，不是真正的 Excel 文件：请在 Excel 中打开后另存为 .xlsx 再导入。")
    # UTF-16 text and binary files hold many NUL bytes or other control bytes; a CSV with a stray NUL in a
    # cell is read, and `refuse_nul_cells` then names the cell.
    if b"\x00" in head and (head.count(b"\x00") > 4 or BINARY_RE.search(head)):
        raise AppError("文件内容既不是 xlsx 工作簿，也不是 CSV 文本：请上传 .xlsx 或 .csv 文件。")
    return "csv"


CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK, as Chinese Excel saves


def read_csv_sheet(data: bytes, name: str = "", *, limits: Limits | None = None) -> Sheet:
    """Read a CSV file into one sheet of text cells (unnamed: problems say only row and column).

    Decoded and split row by row, stopping at the row, column and cell limits, so a file of millions of
    short rows is refused after the limit instead of being expanded whole into memory."""
    limits = limits or upload_limits()
    for encoding in CSV_ENCODINGS:
        try:
            rows = _csv_rows(data, encoding, limits)
        except UnicodeDecodeError:
            continue
        width = max((len(r) for r in rows), default=0)
        frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
        return Sheet(name, frame)
    raise AppError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码的 CSV 后再导入。")


def _csv_rows(data: bytes, encoding: str, limits: Limits) -> list[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    delimiter = _sniff_delimiter(text.read(1 << 16))
    text.seek(0)
    rows: list[list[str]] = []
    width = 0
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            if len(row) > width:
                width = len(row)
                if width > limits.max_columns:
                    raise _limit_error("", LimitExceeded("columns", width), limits)
            if len(rows) > limits.max_rows:
                raise _limit_error("", LimitExceeded("rows", len(rows)), limits)
            if len(rows) * width > limits.max_cells:
                raise _limit_error("", LimitExceeded("cells", len(rows) * width), limits)
    except csv.Error:
        raise AppError(f"CSV 文件第{reader.line_num}行无法读取（字段过长或含有不可见的控制字符）：请在 Excel 中打开后"
                       "另存为 CSV（逗号分隔）再导入。") from None
    return rows


QUOTED_RE = re.compile(r'"(?:[^"]|"")*(?:"|$)')


def _sniff_delimiter(text: str) -> str:
    """Comma or tab, whichever the first lines hold more of outside quoted cells: a cell holding tabs or
    newlines (a source note, say) cannot turn a comma file into a tab one."""
    sample = QUOTED_RE.sub("", "\n".join(text.split("\n", 5)[:5]))
    return "\t" if sample.count("\t") > sample.count(",") else ","


def _limit_error(sheet: str, exc: LimitExceeded, limits: Limits) -> AppError:
    """The Chinese sentence for a sheet beyond a limit: which sheet, how far it goes, the limit, what to do."""
    where = f"工作表「{sheet}」" if sheet else "文件"
    split = "或把数据拆分为几个较小的文件后再上传。"
    if exc.what == "rows":
        message = (f"{where}的内容延伸到第{exc.value}行，超过每张表 {limits.max_rows} 行的上限：请删除表格下方多余的行，"
                   f"{split}")
    elif exc.what == "columns":
        message = (f"{where}的内容延伸到第{exc.value}列（{column_letter(min(exc.value, 16384))}列），超过每张表 "
                   f"{limits.max_columns} 列的上限：请删除表格右侧多余的列，{split}")
    else:
        message = (f"读到{where}时，单元格总数（各表行数×列数之和）已达 {exc.value}，超过每个文件 {limits.max_cells} 个"
                   f"的上限：请删除多余的工作表、行或列，{split}")
    return TooLarge(message)


# --- XLSX: the zip, its XML, the pre-scan of every worksheet -----------------------------------------

class _CountingReader:
    """Reads a zip member, counting real decompressed bytes (declared sizes in a zip can lie)."""

    def __init__(self, member: IO[bytes], limit: int) -> None:
        self.member, self.limit, self.count = member, limit, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.member.read(CHUNK if size is None or size < 0 else size)
        self.count += len(chunk)
        if self.count > self.limit:
            raise _TooBig
        return chunk

    def close(self) -> None:
        self.member.close()

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _TooBig(Exception):
    pass


def _bomb_error() -> AppError:
    return TooLarge("文件解压后过大或压缩比异常（疑似“压缩炸弹”），已拒绝导入：请检查文件是否正确，"
                    "或把数据拆分为较小的文件。")


def _broken_part(part: str) -> AppError:
    return AppError(f"工作簿中的部件「{part}」已损坏（校验失败）：请在 Excel 中重新保存为 .xlsx。")


def _dtd_error(part: str) -> AppError:
    return AppError(f"工作簿中的 XML 部件「{part}」含有 DTD 或实体声明（可能是“XML 炸弹”），已拒绝导入："
                    "请在 Excel 中重新保存文件后再导入。")


@dataclass
class WorkbookScan:
    """What the pre-scan found: each worksheet's extent and hidden rows/columns, by sheet name."""

    extents: dict[str, SheetExtent] = field(default_factory=dict)


def check_xlsx_safety(data: bytes, *, max_uncompressed: int, max_ratio: float,
                      limits: Limits | None = None) -> WorkbookScan:
    """Refuse zip bombs (total and per-entry size, compression ratio), XML with DTD/entity declarations, and
    worksheets beyond the row, column and cell limits — all while streaming, before any sheet is parsed."""
    limits = limits or upload_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise AppError("文件内容不是有效的 xlsx 工作簿（压缩包已损坏）：请在 Excel 中重新保存为 .xlsx。") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or WORKBOOK not in names:
        raise AppError("文件是压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）：请上传 .xlsx 或 .csv 文件。")
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _bomb_error()
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise _bomb_error()
    for info in infos:
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size / max(info.compress_size, 1) > max_ratio:
            raise _bomb_error()
    part_names = _sheet_parts(archive, names, max_uncompressed)
    scan = WorkbookScan()
    remaining = max_uncompressed
    cells = 0
    for info in infos:
        if info.is_dir():
            continue
        part = info.filename
        opened: list[_CountingReader] = []

        def open_part(info: zipfile.ZipInfo = info, limit: int = remaining,
                      opened: list[_CountingReader] = opened) -> _CountingReader:
            opened.append(_CountingReader(archive.open(info), limit))
            return opened[-1]

        try:
            if part.endswith(XML_SUFFIXES) or part in part_names:
                with open_part() as stream:
                    _scan_xml(stream, part)  # type: ignore[arg-type]
                cells += _scan_part(part, part_names.get(part), open_part, limits, cells, scan)
            else:
                with open_part() as stream:
                    while stream.read(CHUNK):
                        pass
            remaining -= opened[-1].count
        except _TooBig:
            raise _bomb_error() from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            # zipfile never inflates more than an entry declares; a forged size shows up as a bad CRC.
            raise _broken_part(part) from None
    return scan


def _scan_part(part: str, sheet: str | None, open_part: Any, limits: Limits, cells: int,
               scan: WorkbookScan) -> int:
    """Pre-scan one XML part to its end; return its cells. Every XML part is scanned, not only those the
    workbook names as sheets, so calamine never meets cells that were not counted."""
    try:
        extent = scan_sheet(open_part, limits, cells)
    except LimitExceeded as exc:
        raise _limit_error(sheet or part, exc, limits) from None
    except MalformedSheet:
        if sheet is None:
            # Not a worksheet calamine will read (a drawing, a chart…): only its size matters.
            with open_part() as stream:
                while stream.read(CHUNK):
                    pass
            return 0
        raise AppError(f"工作表「{sheet}」的 XML 内容无法识别：请在 Excel 中重新保存为 .xlsx 后再导入。") from None
    if sheet is not None:
        if sheet in scan.extents:
            raise AppError(f"工作表「{sheet}」在文件中对应多个部件，无法确定读哪一个：请在 Excel 中重新保存为 .xlsx 后再导入。")
        scan.extents[sheet] = extent
    return extent.cells


def _sheet_parts(archive: zipfile.ZipFile, names: set[str], limit: int) -> dict[str, str]:
    """Zip part → sheet name, from xl/workbook.xml and its relationships: every part a sheet's target may
    name, however calamine resolves it (relative to xl/ or to the package root)."""
    sheets: list[tuple[str, str]] = []  # (name, relationship id)
    targets: dict[str, str] = {}

    def on_workbook(tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if ":" in k and k.rpartition(":")[2] == "id"), "")
            sheets.append((attrs.get("name", ""), rid))
            if len(sheets) > MAX_ZIP_ENTRIES:
                raise _bomb_error()

    def on_rels(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")
            if len(targets) > MAX_ZIP_ENTRIES:
                raise _bomb_error()

    _stream_elements(archive, WORKBOOK, limit, on_workbook)
    if WORKBOOK_RELS in names:
        _stream_elements(archive, WORKBOOK_RELS, limit, on_rels)
    parts: dict[str, str] = {}
    for name, rid in sheets:
        target = targets.get(rid, "")
        if not target:
            continue
        candidates = [target.lstrip("/"), f"xl/{target}"]
        candidates += [posixpath.normpath(c) for c in candidates]
        for candidate in set(candidates) & names:
            parts[candidate] = name
    return parts


def _stream_elements(archive: zipfile.ZipFile, part: str, limit: int, on_start: Any) -> None:
    """Feed a small XML part through expat in chunks, calling on_start(local name, attributes)."""
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise _dtd_error(part)

    parser.StartElementHandler = lambda name, attrs: on_start(name.rpartition(":")[2], attrs)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        with _CountingReader(archive.open(part), limit) as stream:
            while True:
                block = stream.read(CHUNK)
                parser.Parse(block, not block)
                if not block:
                    break
    except _TooBig:
        raise _bomb_error() from None
    except xml.parsers.expat.ExpatError:
        raise AppError(f"工作簿中的 XML 部件「{part}」已损坏：请在 Excel 中重新保存为 .xlsx。") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise _broken_part(part) from None


def _scan_xml(stream: IO[bytes], part: str) -> None:
    """A DTD can only sit in the prolog, before the root element: parse up to the first element with
    defusedxml forbidding DTDs and entities (billion laughs, external entities)."""
    try:
        for _event, _elem in DefusedET.iterparse(stream, events=("start",), forbid_dtd=True,
                                                 forbid_entities=True, forbid_external=True):
            break
    except DefusedXmlException:
        raise _dtd_error(part) from None
    except DefusedET.ParseError:
        raise AppError(f"工作簿中的 XML 部件「{part}」已损坏：请在 Excel 中重新保存为 .xlsx。") from None


def read_xlsx_sheets(data: bytes, scan: WorkbookScan | None = None) -> list[Sheet]:
    """Read every sheet of a (checked) workbook with python-calamine; values keep their Excel types.

    With the pre-scan, each sheet says whether it is hidden and which hidden rows and columns hold values."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in workbook.sheets_metadata}
        sheets = []
        for name in workbook.sheet_names:
            extent = scan.extents.get(name) if scan is not None else SheetExtent()
            if extent is None:
                # Our pre-scan did not find the part calamine reads: it may not have been checked.
                raise AppError(f"无法确定工作表「{name}」在文件中的位置：请在 Excel 中重新保存为 .xlsx 后再导入。")
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            width = max((len(r) for r in rows), default=0)
            if any(len(r) != width for r in rows):
                rows = [list(r) + [""] * (width - len(r)) for r in rows]
            frame = pd.DataFrame(rows, dtype=object)
            del rows
            sheets.append(Sheet(name, frame, hidden=not visible.get(name, True),
                                hidden_rows=_filled_rows(frame, extent), hidden_columns=_filled_columns(frame, extent)))
    except CalamineError as exc:
        raise AppError(f"无法读取 xlsx 工作簿（{exc}）：请在 Excel 中重新保存为 .xlsx 后再导入。") from None
    return sheets


def _filled_rows(frame: pd.DataFrame, extent: SheetExtent) -> list[int]:
    """Hidden rows that hold a value (in one pass: a filter can hide tens of thousands of rows)."""
    rows = [r for r in sorted(extent.hidden_rows) if r <= len(frame)]
    if not rows:
        return []
    part = frame.iloc[[r - 1 for r in rows]]
    filled = (part.notna() & (part != "")).any(axis=1).to_numpy()
    return [r for r, f in zip(rows, filled, strict=True) if f]


def _filled_columns(frame: pd.DataFrame, extent: SheetExtent) -> list[int]:
    columns = [c for c in range(1, frame.shape[1] + 1) if extent.is_column_hidden(c)]
    if not columns:
        return []
    part = frame.iloc[:, [c - 1 for c in columns]]
    filled = (part.notna() & (part != "")).any(axis=0).to_numpy()
    return [c for c, f in zip(columns, filled, strict=True) if f]


def read_sheets(data: bytes, file_name: str = "", *, max_bytes: int | None = None,
                max_uncompressed: int | None = None, max_ratio: float | None = None,
                limits: Limits | None = None) -> tuple[str, list[Sheet]]:
    """Check and read an uploaded file; return its kind ('csv'|'xlsx') and its sheets, hidden parts included
    and marked (see `Sheet`, `visible_sheets`).

    The limits default to the settings (NEWIND_IMPORT_MAX_BYTES, NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES,
    NEWIND_XLSX_MAX_RATIO, NEWIND_IMPORT_MAX_ROWS/COLUMNS/CELLS), so every upload path — imports, submissions,
    targets — applies the same ones; at most NEWIND_IMPORT_MAX_PARALLEL files are read at once.
    """
    from django.conf import settings

    if max_bytes is None:
        check_upload_size(len(data))
    else:
        _check_size(len(data), max_bytes, "请拆分为较小的文件后再上传。")
    max_uncompressed = settings.NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES if max_uncompressed is None else max_uncompressed
    max_ratio = settings.NEWIND_XLSX_MAX_RATIO if max_ratio is None else max_ratio
    limits = limits or upload_limits()
    if not data.strip():
        raise AppError("文件是空的：请选择含有数据的 .xlsx 或 .csv 文件。")
    kind = sniff_kind(data)
    with upload_slot():
        if kind == "xlsx":
            scan = check_xlsx_safety(data, max_uncompressed=max_uncompressed, max_ratio=max_ratio, limits=limits)
            sheets = read_xlsx_sheets(data, scan)
        else:
            sheets = [read_csv_sheet(data, limits=limits)]
    refuse_nul_cells(sheets)
    return kind, sheets


# --- hidden sheets, rows and columns ----------------------------------------------------------------

def visible_sheets(sheets: list[Sheet]) -> list[Sheet]:
    """The sheets as the user sees them in Excel: hidden sheets left out, hidden rows and columns blanked."""
    return [s.without_hidden() for s in sheets if not s.hidden]


def _ranges(numbers: list[int], label: Any) -> str:
    """[3, 4, 5, 9] → '第3—5、9行' style text; at most 10 runs, then '等'."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = [label(a) if a == b else f"{label(a)}—{label(b)}" for a, b in runs[:10]]
    return "、".join(parts) + ("等" if len(runs) > 10 else "")


def hidden_parts(sheets: list[Sheet]) -> list[str]:
    """One Chinese line per sheet with hidden content: 隐藏工作表, 隐藏行 and 隐藏列 that hold values."""
    lines = []
    for s in sheets:
        label = f"工作表「{s.name}」" if s.name else "文件"
        if s.hidden and not s.cells.empty:
            lines.append(f"隐藏工作表：{label}")
            continue
        if s.hidden_rows:
            lines.append(f"隐藏行：{label}第{_ranges(s.hidden_rows, str)}行（共{len(s.hidden_rows)}行）")
        if s.hidden_columns:
            lines.append(f"隐藏列：{label}第{_ranges(s.hidden_columns, column_letter)}列"
                         f"（共{len(s.hidden_columns)}列）")
    return lines


def refuse_nul_cells(sheets: list[Sheet]) -> None:
    """Refuse a file any of whose cells holds NUL (PostgreSQL cannot store it; an xlsx writes it as
    `_x0000_`), naming each such cell, before anything is checked or written."""
    from newind.imports.calc import letter

    found: list[tuple[int, int, int, Problem]] = []
    for k, sheet in enumerate(sheets):
        for j, col in enumerate(sheet.cells.columns):
            series = sheet.cells[col]
            # Each distinct value once: cells repeat a lot, and almost no file has a NUL at all.
            if not any(isinstance(v, str) and "\x00" in v for v in series.unique()):
                continue
            hits = series.map(lambda v: isinstance(v, str) and "\x00" in v).to_numpy()
            found += [(k, int(i), j, Problem("单元格含有空字符（NUL），无法保存：请删除该字符后重新导入。",
                                             sheet.name or None, int(i) + 1, letter(j))) for i in hits.nonzero()[0]]
    if found:
        problems = [p for *_, p in sorted(found, key=lambda f: f[:3])]  # in reading order
        raise AppError(f"文件中有{len(problems)}个单元格含有空字符（NUL），未导入任何数据：请删除这些字符后重新导入。",
                       problems=problems[:100], code="import_problems")
