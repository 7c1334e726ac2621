"""Hostile or wrong files: each gets a clear Chinese error and nothing is written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from newind.core.errors import AppError
from newind.imports.services import import_file, prepare_import
from newind.indicators.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def refused(data: bytes, name: str) -> AppError:
    with pytest.raises(AppError) as excinfo:
        prepare_import(data, name)
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0
    return excinfo.value


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_an_oversized_file_is_refused_before_reading(reference_data, make_csv, settings):
    settings.NEWIND_IMPORT_MAX_BYTES = 1024
    path = make_csv("地区,年份,指标,数值\n" + "岳阳市,2016,gdp,3100.87\n" * 100)
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert excinfo.value.status == 413 and "超过上传上限 1 KB" in excinfo.value.message
    assert Observation.objects.count() == 0


def test_a_zip_bomb_is_refused_by_total_size(reference_data, settings):
    settings.NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES = 1_000_000
    data = zip_bomb(2_000_000)
    error = refused(data, "bomb.xlsx")
    assert "压缩炸弹" in error.message and error.status == 413


def test_a_zip_bomb_is_refused_by_compression_ratio(reference_data):
    # 8 MB of zeros deflates to about 8 KB: a ratio no real workbook has.
    error = refused(zip_bomb(8 * 1024 * 1024), "bomb.xlsx")
    assert "压缩炸弹" in error.message


def zip_bomb(size: int) -> bytes:
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                      "xl/worksheets/sheet1.xml": b"<a>" + b"0" * size + b"</a>"})


def test_a_zip_that_lies_about_its_sizes_is_still_caught(reference_data, settings):
    settings.NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES = 1_000_000
    data = bytearray(zip_bomb(2_000_000))
    # Forge the sheet's declared uncompressed size in the central directory (offset 24 of a 46-byte header).
    central = data.find(b"PK\x01\x02")
    start = data.find(b"xl/worksheets/sheet1.xml", central) - 46
    assert data[start:start + 4] == b"PK\x01\x02"
    data[start + 24:start + 28] = (10).to_bytes(4, "little")
    error = refused(bytes(data), "liar.xlsx")
    assert "已损坏" in error.message


def test_an_xml_bomb_is_refused(reference_data, make_xlsx):
    path = make_xlsx([["地区", "2016"], ["岳阳市", 1]])
    src = zipfile.ZipFile(path)
    entries = {i.filename: src.read(i.filename) for i in src.infolist()}
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    sheet = entries["xl/worksheets/sheet1.xml"]
    entries["xl/worksheets/sheet1.xml"] = laughs + sheet[sheet.index(b"<worksheet"):]
    error = refused(zip_bytes(entries), "lol.xlsx")
    assert "XML 炸弹" in error.message and "xl/worksheets/sheet1.xml" in error.message


def test_an_external_entity_is_refused(reference_data, make_xlsx):
    path = make_xlsx([["地区", "2016"], ["岳阳市", 1]])
    src = zipfile.ZipFile(path)
    entries = {i.filename: src.read(i.filename) for i in src.infolist()}
    wb = entries["xl/workbook.xml"]
    entries["xl/workbook.xml"] = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                  + wb[wb.index(b"<workbook"):])
    assert "DTD 或实体声明" in refused(zip_bytes(entries), "xxe.xlsx").message


@pytest.mark.parametrize("data,name,words", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "旧版 Excel"),
    (b"%PDF-1.4\n\x00\x01\x02binary", "report.xlsx", "既不是 xlsx 工作簿，也不是 CSV 文本"),
    (zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": CONTENT_TYPES}), "doc.xlsx", "不是 Excel 工作簿"),
    (b"PK\x03\x04garbage", "broken.xlsx", "压缩包已损坏"),
    (b"", "empty.csv", "文件是空的"),
    ("<html><body><table><tr><td>地区</td></tr></table></body></html>".encode(), "export.xls", "网页（HTML）"),
    (b"\xff\xfe\xfa\x80\x81 not text in any encoding \x80\xff", "x.csv", "无法识别 CSV 文件的编码"),
])
def test_files_that_are_not_xlsx_or_csv_are_refused_by_content(reference_data, data, name, words):
    assert words in refused(data, name).message


def test_a_csv_named_xlsx_is_read_by_its_content(reference_data):
    preview = prepare_import("地区,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n".encode(), "really-a-csv.xlsx")
    assert preview.kind == "csv" and preview.counts["added"] == 1


def test_a_sheet_without_a_table_is_explained(reference_data, tmp_path: Path):
    error = refused("随便写点什么\n没有表头\n".encode(), "notes.csv")
    assert "没有找到可识别的数据表" in error.message
