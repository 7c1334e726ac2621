"""The office's flags upload page: the importer of `newind mujun flags import`, previewed before it writes,
every problem named by sheet, row and column, all or nothing, audited; the office's only."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from newind.audit.models import AuditEntry
from newind.mujun.models import FlagBatch, YearFlag
from tests.enterprises.conftest import csv_bytes
from tests.mujun.test_store import FLAG_HEADER, JS, MR

pytestmark = pytest.mark.django_db


def _upload(client, data: bytes, name: str = "标记.csv"):  # type: ignore[no-untyped-def]
    f = io.BytesIO(data)
    f.name = name
    return client.post("/mujun/flags/", {"file": f})


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "标记"
    for row in [FLAG_HEADER, *rows]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _confirm(client, page: str):  # type: ignore[no-untyped-def]
    import re

    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert set(fields) >= {"sha256", "plan", "file_name", "csrfmiddlewaretoken"}
    return client.post("/mujun/flags/confirm/", fields)


def test_preview_then_apply_writes_the_flags_once_audited(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    assert "/mujun/flags/" in client.get("/mujun/").content.decode()  # linked from the mujun pages
    good = csv_bytes([[MR, "2017", "否决", "安全事故"], [JS, "2017", "不参评", "新建"]], header=FLAG_HEADER)
    response = _upload(client, good)
    page = response.content.decode()
    assert response.status_code == 200 and "新增 <b>2</b> 条" in page and "否决 1 家" in page
    assert "汨罗示例再生资源有限公司" in page and not YearFlag.objects.exists()  # a preview writes nothing
    done = _confirm(client, page)
    assert done.status_code == 200 and "共 2 条" in done.content.decode()
    assert sorted(YearFlag.objects.values_list("credit_code", "flag", "reason")) == sorted(
        [(MR, "否决", "安全事故"), (JS, "不参评", "新建")])
    entry = AuditEntry.objects.get(action="mujun.flags.import")
    assert entry.after["added"] == 2 and entry.after["flags"] == {"否决": 1, "不参评": 1}
    # The same file again: nothing to write; a changed flag replaces the stored one.
    again = _upload(client, good).content.decode()
    assert "未变 <b>2</b> 条" in again and "没有需要写入的内容" in again and 'id="confirm-import"' not in again
    changed = _upload(client, csv_bytes([[MR, "2017", "保护", "小升规"]], header=FLAG_HEADER)).content.decode()
    assert "替换 <b>1</b> 条" in changed
    assert _confirm(client, changed).status_code == 200
    assert YearFlag.objects.get(credit_code=MR).flag == "保护" and YearFlag.objects.count() == 2
    assert AuditEntry.objects.get(action="mujun.flags.import", object_id=str(FlagBatch.objects.latest("id").pk)
                                  ).after["changed"] == [{"year": 2017, "credit_code": MR, "old": "否决", "new": "保护"}]


def test_bad_cells_are_named_by_sheet_row_and_column_and_nothing_is_written(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    bad = _xlsx([[MR, "2017", "否决", "事故"], [JS, "2017", "警告", ""], ["91430600MA4L000000", "今年", "保护", ""]])
    response = _upload(client, bad, "标记.xlsx")
    page = response.content.decode()
    assert response.status_code == 400 and "未写入任何标记" in page
    assert "工作表「标记」第3行第C列：标记「警告」应为 否决、保护 或 不参评" in page
    assert "工作表「标记」第4行第B列：年度「今年」不是年份" in page
    unknown = _upload(client, _xlsx([[MR, "2017", "否决", ""], ["91430600MA4L000000", "2017", "保护", ""]]),
                      "标记.xlsx").content.decode()
    assert "工作表「标记」第3行第A列：统一社会信用代码「91430600MA4L000000」不在企业名录中" in unknown
    assert not YearFlag.objects.exists() and not FlagBatch.objects.exists()


def test_a_change_since_the_preview_writes_nothing(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    from newind.mujun import services

    client = client_as("office")
    page = _upload(client, csv_bytes([[MR, "2017", "否决", "事故"]], header=FLAG_HEADER)).content.decode()
    services.import_flags(csv_bytes([[MR, "2017", "保护", "新建"]], header=FLAG_HEADER), "other.csv")
    response = _confirm(client, page)
    assert response.status_code == 409 and "请重新上传并预览" in response.content.decode()
    assert list(YearFlag.objects.values_list("flag", flat=True)) == ["保护"]
    forged = client.post("/mujun/flags/confirm/", {"sha256": "0" * 64, "plan": "0" * 64, "file_name": "x.csv"})
    assert forged.status_code == 403


def test_the_flags_page_is_the_offices_only(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    for who in ("leader", "yyx_rep", "auditor"):
        client = client_as(who)
        assert client.get("/mujun/flags/").status_code == 403, who
        assert "/mujun/flags/" not in client.get("/").content.decode(), who
    office = client_as("office")
    assert office.get("/mujun/flags/").status_code == 200
    assert 'href="/mujun/flags/"' in office.get("/").content.decode()
