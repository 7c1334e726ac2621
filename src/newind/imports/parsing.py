"""Reading an uploaded file safely into sheets of cells: content sniffing, size limits, zip and XML bombs,
CSV encodings. No database; raises AppError with a complete Chinese sentence when a file is refused.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

import defusedxml.ElementTree as DefusedET
import pandas as pd
from defusedxml.common import DefusedXmlException
from python_calamine import CalamineError, CalamineWorkbook

from newind.core.errors import AppError, Problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
MAX_ZIP_ENTRIES = 5000
# Below this size a high compression ratio is harmless (tiny repetitive XML compresses very well).
RATIO_CHECK_MIN_BYTES = 5 * 1024 * 1024
CHUNK = 1 << 16
BINARY_RE = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class Sheet:
    """One sheet as a grid: `cells` has object values (str, float, int, date…; '' when empty), row i is
    Excel/CSV row i+1 and column j is column letter j+1."""

    name: str
    cells: pd.DataFrame


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


def decode_csv(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK, as Chinese Excel saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise AppError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码的 CSV 后再导入。") from None


def read_csv_sheet(data: bytes, name: str = "") -> Sheet:
    """Read a CSV file into one sheet of text cells (unnamed: problems say only row and column)."""
    text = decode_csv(data)
    delimiter = _sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return Sheet(name, frame)


QUOTED_RE = re.compile(r'"(?:[^"]|"")*(?:"|$)')


def _sniff_delimiter(text: str) -> str:
    """Comma or tab, whichever the first lines hold more of outside quoted cells: a cell holding tabs or
    newlines (a source note, say) cannot turn a comma file into a tab one."""
    sample = QUOTED_RE.sub("", "\n".join(text.split("\n", 5)[:5]))
    return "\t" if sample.count("\t") > sample.count(",") else ","


class _CountingReader(io.RawIOBase):
    """Reads a zip member, counting real decompressed bytes (declared sizes in a zip can lie)."""

    def __init__(self, raw: IO[bytes], limit: int, entry: str) -> None:
        self.raw, self.limit, self.entry, self.count = raw, limit, entry, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        chunk = self.raw.read(len(b))
        self.count += len(chunk)
        if self.count > self.limit:
            raise _TooBig(self.entry)
        b[: len(chunk)] = chunk
        return len(chunk)


class _TooBig(Exception):
    pass


def _bomb_error() -> AppError:
    return AppError("文件解压后过大或压缩比异常（疑似“压缩炸弹”），已拒绝导入：请检查文件是否正确，"
                    "或把数据拆分为较小的文件。", status=413)


def check_xlsx_safety(data: bytes, *, max_uncompressed: int, max_ratio: float) -> None:
    """Refuse zip bombs (total and per-entry size, compression ratio) and XML with DTD/entity declarations."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise AppError("文件内容不是有效的 xlsx 工作簿（压缩包已损坏）：请在 Excel 中重新保存为 .xlsx。") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise AppError("文件是压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）：请上传 .xlsx 或 .csv 文件。")
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _bomb_error()
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise _bomb_error()
    for info in infos:
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size / max(info.compress_size, 1) > max_ratio:
            raise _bomb_error()
    remaining = max_uncompressed
    for info in infos:
        if info.is_dir():
            continue
        with archive.open(info) as member:
            reader = _CountingReader(member, remaining, info.filename)
            try:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _scan_xml(io.BufferedReader(reader, CHUNK), info.filename)  # type: ignore[type-var]
                while reader.read(CHUNK):
                    pass
            except _TooBig:
                raise _bomb_error() from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                # zipfile never inflates more than an entry declares; a forged size shows up as a bad CRC.
                raise AppError(f"工作簿中的部件「{info.filename}」已损坏（校验失败）：请在 Excel 中重新保存为 .xlsx。") from None
            remaining -= reader.count


def _scan_xml(stream: IO[bytes], part: str) -> None:
    """A DTD can only sit in the prolog, before the root element: parse up to the first element with
    defusedxml forbidding DTDs and entities (billion laughs, external entities)."""
    try:
        for _event, _elem in DefusedET.iterparse(stream, events=("start",), forbid_dtd=True,
                                                 forbid_entities=True, forbid_external=True):
            break
    except DefusedXmlException:
        raise AppError(f"工作簿中的 XML 部件「{part}」含有 DTD 或实体声明（可能是“XML 炸弹”），已拒绝导入："
                       "请在 Excel 中重新保存文件后再导入。") from None
    except DefusedET.ParseError:
        raise AppError(f"工作簿中的 XML 部件「{part}」已损坏：请在 Excel 中重新保存为 .xlsx。") from None


def read_xlsx_sheets(data: bytes) -> list[Sheet]:
    """Read every sheet of a (checked) workbook with python-calamine; values keep their Excel types."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            width = max((len(r) for r in rows), default=0)
            sheets.append(Sheet(name, pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows],
                                                   dtype=object)))
    except CalamineError as exc:
        raise AppError(f"无法读取 xlsx 工作簿（{exc}）：请在 Excel 中重新保存为 .xlsx 后再导入。") from None
    return sheets


def read_sheets(data: bytes, file_name: str = "", *, max_bytes: int | None = None,
                max_uncompressed: int | None = None, max_ratio: float | None = None) -> tuple[str, list[Sheet]]:
    """Check and read an uploaded file; return its kind ('csv'|'xlsx') and its sheets.

    The limits default to the settings (NEWIND_IMPORT_MAX_BYTES, NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES,
    NEWIND_XLSX_MAX_RATIO), so every upload path — imports, submissions, targets — applies the same ones.
    """
    from django.conf import settings

    max_bytes = settings.NEWIND_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    max_uncompressed = settings.NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES if max_uncompressed is None else max_uncompressed
    max_ratio = settings.NEWIND_XLSX_MAX_RATIO if max_ratio is None else max_ratio
    if len(data) > max_bytes:
        raise AppError(f"文件过大（{len(data) / 1048576:.1f} MB），超过导入上限 {max_bytes / 1048576:.0f} MB："
                       "请拆分为较小的文件后再导入。", status=413)
    if not data.strip():
        raise AppError("文件是空的：请选择含有数据的 .xlsx 或 .csv 文件。")
    kind = sniff_kind(data)
    if kind == "xlsx":
        check_xlsx_safety(data, max_uncompressed=max_uncompressed, max_ratio=max_ratio)
        sheets = read_xlsx_sheets(data)
    else:
        sheets = [read_csv_sheet(data)]
    refuse_nul_cells(sheets)
    return kind, sheets


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
