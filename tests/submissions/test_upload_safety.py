"""Hostile uploads of a report: malformed, oversized, zip bomb, XML bomb, formula injection. Each gets a
clear Chinese error and writes nothing."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from newind.audit.models import AuditEntry
from newind.submissions.models import SubmissionEvent, SubmissionValue
from tests.submissions.conftest import GOOD, fill_template, upload
from tests.upload_files import SheetXml, workbook

pytestmark = pytest.mark.django_db

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _refused(client, sub, data: bytes, name: str = "月报.xlsx") -> tuple[int, str]:
    audit_before = AuditEntry.objects.filter(action="submission.value_edit").count()
    response = upload(client, sub, data, name)
    assert not SubmissionValue.objects.filter(submission=sub).exists()
    assert not SubmissionEvent.objects.filter(submission=sub).exists()
    assert AuditEntry.objects.filter(action="submission.value_edit").count() == audit_before
    sub.refresh_from_db()
    assert sub.state == "not_started"
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"PK\x03\x04garbage", "broken.xlsx", "压缩包已损坏"),
    (b"%PDF-1.4\n\x00\x01\x02binary", "月报.xlsx", "既不是 xlsx 工作簿，也不是 CSV 文本"),
    ("单位,指标,数值\n岳阳县,industrial_tax,4.4\n".encode(), "月报.csv", "只接受从平台下载的 Excel 模板"),
    (b"", "empty.xlsx", "文件是空的"),
])
def test_malformed_files_are_refused(client_as, yyx_sub, data, name, words):
    status, page = _refused(client_as("yyx_rep"), yyx_sub, data, name)
    assert status == 400 and words in page


def test_a_workbook_without_the_report_sheet_is_refused(client_as, yyx_sub):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"  # type: ignore[union-attr]
    buf = io.BytesIO()
    wb.save(buf)
    status, page = _refused(client_as("yyx_rep"), yyx_sub, buf.getvalue())
    assert status == 400 and "没有名为「月报」的工作表" in page


def test_an_oversized_file_is_refused(client_as, yyx_sub, settings):
    settings.NEWIND_IMPORT_MAX_BYTES = 2048
    client = client_as("yyx_rep")
    template = client.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content
    assert len(template) > 2048
    status, page = _refused(client, yyx_sub, fill_template(template, GOOD))
    assert status == 413 and "文件过大" in page


def test_a_zip_bomb_is_refused(client_as, yyx_sub, settings):
    settings.NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES = 1_000_000
    bomb = _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"<a>" + b"0" * 3_000_000 + b"</a>"})
    assert len(bomb) < 50_000
    status, page = _refused(client_as("yyx_rep"), yyx_sub, bomb, "bomb.xlsx")
    assert status == 413 and "压缩炸弹" in page


def test_the_red_team_workbook_is_refused_for_a_county_reporter(client_as, yyx_sub, red_team_file):
    # 8 MB that expands to 200 MB of rows: it took the server from 265 MB to 1,531 MB (issue 7).
    status, page = _refused(client_as("yyx_rep"), yyx_sub, red_team_file.read_bytes(), "月报.xlsx")
    assert status == 413
    assert "工作表「数据」的内容延伸到第100001行，超过每张表 100000 行的上限：请删除表格下方多余的行" in page


def test_a_few_bytes_naming_a_far_cell_are_refused(client_as, yyx_sub):
    far = workbook(SheetXml("月报", b'<row r="1"><c r="A1"><v>1</v></c></row><row r="9"><c r="XFD9"><v>1</v></c></row>'))
    status, page = _refused(client_as("yyx_rep"), yyx_sub, far)
    assert status == 413 and "工作表「月报」的内容延伸到第16384列（XFD列），超过每张表 500 列的上限" in page


def test_an_xml_bomb_is_refused(client_as, yyx_sub):
    client = client_as("yyx_rep")
    template = fill_template(client.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content, GOOD)
    src = zipfile.ZipFile(io.BytesIO(template))
    entries = {i.filename: src.read(i.filename) for i in src.infolist()}
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    sheet = entries["xl/worksheets/sheet1.xml"]
    entries["xl/worksheets/sheet1.xml"] = laughs + sheet[sheet.index(b"<worksheet"):]
    status, page = _refused(client, yyx_sub, _zip(entries), "lol.xlsx")
    assert status == 400 and "XML 炸弹" in page


def test_formula_like_text_is_neutralised_in_the_template_and_read_back_as_written(client_as, yyx_sub):
    client = client_as("yyx_rep")
    explanation = "=HYPERLINK(\"http://x\",\"点我\")"
    client.post(f"/submissions/{yyx_sub.pk}/", {"v_industrial_tax": "4.4", "e_industrial_tax": explanation,
                                                "filled_by": "@张三", "action": "save"})
    template = client.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content
    ws = openpyxl.load_workbook(io.BytesIO(template))["月报"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + explanation in cells and "'@张三" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    # Uploading the template back keeps the text as the user wrote it.
    assert upload(client, yyx_sub, template).status_code == 302
    stored = SubmissionValue.objects.get(submission=yyx_sub, indicator__code="industrial_tax")
    assert stored.explanation == explanation
