"""Hidden sheets, rows and columns (issue 7, item 5): not imported unless the user chooses to, and listed
in the preview as 隐藏工作表/隐藏行/隐藏列 either way; the CLI has --include-hidden."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from newind.core.errors import AppError
from newind.indicators.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

# 各县市区地区生产总值 (亿元) by year: 平江县's row and the 2015年 column are hidden, and a hidden sheet and a
# 'very hidden' one (Excel can only show it again through VBA) hold 湘阴县 and 汨罗市.
VISIBLE = {("岳阳县", 2016): 2450}
HIDDEN = {("岳阳县", 2015): 2380, ("平江县", 2016): 1900, ("湘阴县", 2016): 1500, ("汨罗市", 2016): 1400}


def hidden_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "县市区"
    for row in (["各县市区地区生产总值（亿元）"], ["地区", "2015年", "2016年"], ["岳阳县", 2380, 2450],
                ["平江县", "—", 1900]):
        ws.append(row)
    ws.row_dimensions[4].hidden = True
    ws.column_dimensions["B"].hidden = True
    for title, unit, state in (("备用", "湘阴县", "hidden"), ("宏", "汨罗市", "veryHidden")):
        other = wb.create_sheet(title)
        for row in (["各县市区地区生产总值（亿元）"], ["地区", "2016年"], [unit, HIDDEN[(unit, 2016)]]):
            other.append(row)
        other.sheet_state = state
    wb.save(path)
    return path


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return hidden_workbook(tmp_path / "县市区.xlsx")


def written() -> dict[tuple[str, int], float]:
    return {(o.unit.name, o.year): float(o.value) for o in Observation.objects.select_related("unit")}


def upload(client, path: Path, **fields):  # type: ignore[no-untyped-def]
    return client.post("/imports/", {"file": SimpleUploadedFile(path.name, path.read_bytes()), **fields})


def form_fields(response, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    form = response.context[name]
    return {f: str(form.initial.get(f, "")) for f in form.fields}


LISTED = ["隐藏行：工作表「县市区」第4行（共1行）", "隐藏列：工作表「县市区」第B列（共1列）", "隐藏工作表：工作表「备用」",
          "隐藏工作表：工作表「宏」"]


def test_hidden_content_is_listed_in_the_preview_and_not_imported(reference_data, office_client, book):
    response = upload(office_client, book)
    page = response.content.decode()
    assert response.status_code == 200
    assert "文件中有隐藏的内容，<b>未导入</b>" in page and all(line in page for line in LISTED)
    assert "确认导入（写入 1 条）" in page  # 岳阳县 2016 only
    assert "1900" not in page and "1500" not in page  # no hidden value is shown as if it were visible
    assert not Observation.objects.exists()

    done = office_client.post("/imports/confirm/", form_fields(response, "confirm"))
    assert done.status_code == 200 and "已写入导入批次" in done.content.decode()
    assert written() == VISIBLE


def test_choosing_to_include_hidden_content_previews_it_again_then_writes_it(reference_data, office_client, book):
    first = upload(office_client, book)
    again = office_client.post("/imports/preview/", form_fields(first, "other"))
    page = again.content.decode()
    assert again.status_code == 200
    assert "已按您的选择一并导入" in page and all(line in page for line in LISTED)
    assert "确认导入（写入 5 条）" in page
    assert not Observation.objects.exists()  # previewing again writes nothing

    office_client.post("/imports/confirm/", form_fields(again, "confirm"))
    assert written() == {**VISIBLE, **HIDDEN}
    assert ImportBatch.objects.get().added == 5


def test_only_the_uploader_may_preview_a_kept_upload_again(reference_data, office_client, client_as, book):
    fields = form_fields(upload(office_client, book), "other")
    for who in ("leader", "yyx_rep", "sysadmin"):
        assert client_as(who).post("/imports/preview/", fields).status_code == 403, who
    assert not Observation.objects.exists()


def test_the_choice_can_be_made_on_the_upload_form(reference_data, office_client, book):
    response = upload(office_client, book, include_hidden="on")
    assert "确认导入（写入 5 条）" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_confirm_that_switches_hidden_content_on_writes_nothing(reference_data, office_client, book):
    # The user saw "1 条" without the hidden content; a forged confirm asking for it does not match that plan.
    response = upload(office_client, book)
    forged = {**form_fields(response, "confirm"), "include_hidden": "True"}
    refused = office_client.post("/imports/confirm/", forged)
    assert refused.status_code == 409 and "本次未写入任何数据" in refused.content.decode()
    assert not Observation.objects.exists() and not ImportBatch.objects.exists()


def test_a_file_whose_only_table_is_hidden_says_so(reference_data, office_client, tmp_path):
    wb = openpyxl.Workbook()
    front = wb.active
    assert front is not None
    front.title = "说明"
    front.append(["本文件数据见附表"])
    data = wb.create_sheet("附表")
    for row in (["各县市区地区生产总值（亿元）"], ["地区", "2016年"], ["湘阴县", 1500]):
        data.append(row)
    data.sheet_state = "hidden"
    path = tmp_path / "附表.xlsx"
    wb.save(path)
    response = upload(office_client, path)
    assert response.status_code == 400
    assert ("文件中另有隐藏的内容未读取（隐藏工作表：工作表「附表」）：如需导入，请选择「同时导入隐藏的工作表、行和列」后重新上传。"
            in response.content.decode())
    assert not Observation.objects.exists()


def test_rows_after_a_hidden_row_keep_their_excel_numbers(reference_data, office_client, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["地区", "年份", "指标", "数值"], ["岳阳市", 2016, "gdp", 3100.87], ["长沙市", 2016, "gdp", 9323.7],
                ["火星市", 2016, "gdp", "abc"]):
        ws.append(row)
    ws.row_dimensions[3].hidden = True
    path = tmp_path / "long.xlsx"
    wb.save(path)
    page = upload(office_client, path).content.decode()
    assert "文件「long.xlsx」有2处问题" in page  # 火星市 and abc; the hidden row 3 is not read
    assert "第4行第D列：「数值」的值「abc」不是数字" in page and "工作表「Sheet」第4行第A列" in page
    assert not Observation.objects.exists()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_the_cli_lists_hidden_content_and_imports_it_only_with_include_hidden(reference_data, book):
    dry = run(str(book), "--dry-run")
    assert "文件中有隐藏的内容，未导入（如需导入，请加 --include-hidden）：" in dry
    assert all(f"  {line}" in dry for line in LISTED) and "新增 1 条" in dry
    assert not Observation.objects.exists()

    run(str(book))
    assert written() == VISIBLE

    text = run(str(book), "--include-hidden")
    assert "文件中有隐藏的内容，已按 --include-hidden 一并导入：" in text and "新增 4 条" in text
    assert written() == {**VISIBLE, **HIDDEN}


def test_the_cli_refuses_a_file_whose_only_table_is_hidden(reference_data, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["地区", "年份", "指标", "数值"], ["岳阳市", 2016, "gdp", 3100.87]):
        ws.append(row)
    ws.row_dimensions[1].hidden = True  # the header row: what is left has no table
    path = tmp_path / "header.xlsx"
    wb.save(path)
    with pytest.raises(AppError) as excinfo:
        run(str(path))
    assert "隐藏行：工作表「Sheet」第1行（共1行）" in excinfo.value.message
    assert not Observation.objects.exists()


def test_long_lists_of_hidden_rows_are_shown_as_runs():
    import pandas as pd

    from newind.imports.parsing import Sheet, hidden_parts

    rows = [*range(3, 20_003), *range(20_005, 20_026, 2)]  # a filter hid 20,000 rows, then 11 single rows
    sheet = Sheet("明细", pd.DataFrame([["x"]] * 20_030, dtype=object), hidden_rows=rows, hidden_columns=[2, 3, 4, 7])
    assert hidden_parts([sheet]) == [
        "隐藏行：工作表「明细」第3—20002、20005、20007、20009、20011、20013、20015、20017、20019、20021等行（共20011行）",
        "隐藏列：工作表「明细」第B—D、G列（共4列）"]
