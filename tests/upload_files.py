"""Hostile or unusual workbooks for upload tests, written as sheet XML straight into a zip (fast to make:
no spreadsheet library builds millions of cells in memory first)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class SheetXml:
    name: str
    rows: bytes  # the inside of <sheetData>
    state: str = "visible"  # visible | hidden | veryHidden
    before: bytes = b""  # elements before <sheetData>, e.g. <cols>…</cols>


def _content_types(n: int) -> bytes:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{sheets}</Types>').encode()


def _heads(sheets: list[SheetXml]) -> dict[str, bytes]:
    entries = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}"'
                      + (f' state="{s.state}"' if s.state != "visible" else "") + f' r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    return {
        "[Content_Types].xml": _content_types(len(sheets)),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}'
                            '</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
                                      .encode(),
    }


def workbook(*sheets: SheetXml) -> bytes:
    """A minimal .xlsx (numbers and inline strings only) that Excel and python-calamine open."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _heads(list(sheets)).items():
            z.writestr(name, data)
        for i, s in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">'.encode()
                       + s.before + b"<sheetData>" + s.rows + b"</sheetData></worksheet>")
    return buf.getvalue()


def cell(ref: str, value: object) -> str:
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def rows_xml(rows: list[list[object]], *, hidden_rows: set[int] = frozenset(), first: int = 1) -> bytes:  # type: ignore[assignment]
    """Rows as Excel writes them (each row and cell numbered); `hidden_rows` are 1-based row numbers."""
    from openpyxl.utils import get_column_letter

    out = []
    for i, row in enumerate(rows, start=first):
        cells = "".join(cell(f"{get_column_letter(j)}{i}", v) for j, v in enumerate(row, start=1) if v not in ("", None))
        out.append(f'<row r="{i}"' + (' hidden="1"' if i in hidden_rows else "") + f">{cells}</row>")
    return "".join(out).encode()


def hidden_cols(*ranges: tuple[int, int]) -> bytes:
    return b"<cols>" + b"".join(f'<col min="{a}" max="{b}" width="0" hidden="1"/>'.encode() for a, b in ranges) + b"</cols>"


def red_team_workbook(path: Path, rows: int = 3_400_000) -> Path:
    """Like the red team's file: ≈8 MB that expands to ≈200 MB of one sheet with 3.4 million rows
    (compression ratio ≈24), under the upload size, total-size and ratio guards. Rows are numbered by
    position (no r=, as some writers save them), so a 1,000-row block can be repeated: ~1.5 s to write."""
    block = "".join(f'<row><c t="n"><v>{(i * 7919) % 1000}</v></c><c t="n"><v>2016</v></c></row>'
                    for i in range(1000)).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _heads([SheetXml("数据", b"")]).items():
            z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for _ in range(rows // 1000):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return path


def numbered_rows_workbook(rows: int, columns: int = 2) -> bytes:
    """`rows` rows of numbers with every row and cell numbered, as Excel writes them."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(j) for j in range(1, columns + 1)]
    body = b"".join(
        (f'<row r="{i}">' + "".join(f'<c r="{col}{i}"><v>{i % 97}</v></c>' for col in letters) + "</row>").encode()
        for i in range(1, rows + 1))
    return workbook(SheetXml("数据", body))
