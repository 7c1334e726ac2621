"""Edge cases of the registry import: stale previews, someone else's upload, several sheets, Excel's numbers,
optional columns, and the history page of a firm."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newind.core.errors import AppError
from newind.enterprises.models import EnterpriseChange, EnterpriseProfile
from newind.enterprises.services import apply_registry_import, pinyin_initials, prepare_registry_import
from tests.enterprises.conftest import GOOD_ROWS, HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_preview_made_stale_by_another_import_writes_nothing(reference_data) -> None:
    first = prepare_registry_import(csv_bytes(GOOD_ROWS), "名录.csv")
    # Someone imports part of the file meanwhile: the plan behind the first preview no longer holds.
    apply_registry_import(prepare_registry_import(csv_bytes(GOOD_ROWS[:2]), "部分.csv"))
    with pytest.raises(AppError) as err:
        apply_registry_import(first)
    assert err.value.status == 409
    assert EnterpriseProfile.objects.count() == 2


def test_the_confirm_page_refuses_a_changed_plan_and_an_upload_it_did_not_preview(client_as) -> None:  # type: ignore[no-untyped-def]
    office = client_as("office")
    page = office.post("/enterprises/import/", {"file": SimpleUploadedFile("名录.csv", csv_bytes(GOOD_ROWS))})
    fields = {k: page.context["confirm"].initial[k] for k in ("sha256", "plan", "file_name")}
    stale = office.post("/enterprises/import/confirm/", {**fields, "plan": "0" * 64})
    assert stale.status_code == 409 and not EnterpriseProfile.objects.exists()
    office.logout()
    other = client_as("office")  # a new session: the upload was not previewed in it
    assert other.post("/enterprises/import/confirm/", fields).status_code == 403
    assert not EnterpriseProfile.objects.exists()


def test_the_same_firm_on_two_sheets_is_one_problem(reference_data) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for title in ("县区", "园区"):
        ws = wb.create_sheet(title)
        ws.append(HEADER)
        ws.append(GOOD_ROWS[0])
    del wb["Sheet"]
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(AppError) as err:
        prepare_registry_import(out.getvalue(), "两张表.xlsx")
    [problem] = err.value.problems
    assert (problem.sheet, problem.row) == ("园区", 2) and "另一张工作表" in problem.message


def test_a_credit_code_excel_turned_into_a_number_is_refused_by_its_cell(reference_data) -> None:
    rows = [[914403001922038216, "数字代码公司", "岳阳县", "", "规上", 1331, "在产"]]
    with pytest.raises(AppError) as err:
        prepare_registry_import(xlsx_bytes(rows), "名录.xlsx")
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "A")]
    assert "应为18位" in err.value.problems[0].message or "校验码" in err.value.problems[0].message


def test_optional_columns_land_and_utility_are_imported_and_changed_with_history(reference_data) -> None:
    header = [*HEADER, "企业简称", "用地面积（亩）", "其中租用（亩）", "公用事业"]
    rows = [[*GOOD_ROWS[0], "示例装备", "120.5", "20", "否"]]
    apply_registry_import(prepare_registry_import(csv_bytes(rows, header), "名录.csv"))
    zb = EnterpriseProfile.objects.select_related("unit").get(credit_code=GOOD_ROWS[0][0])
    assert (zb.unit.short_name, zb.land_area, zb.land_rented, zb.is_utility) == (
        "示例装备", Decimal("120.5"), Decimal("20"), False)
    assert zb.pinyin_initials == pinyin_initials(zb.unit.name, "示例装备") == "yyslzbzzyxgs slzb"
    rows = [[*GOOD_ROWS[0], "示例装备", "150", "20", "是"]]
    apply_registry_import(prepare_registry_import(csv_bytes(rows, header), "名录2.csv"))
    changes = {(c.field, c.old_value, c.new_value) for c in EnterpriseChange.objects.filter(kind="changed")}
    assert changes == {("land_area", "120.5", "150"), ("is_utility", "否", "是")}


def test_a_firm_page_lists_its_history_newest_first(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][6] = "停产"
    apply_registry_import(prepare_registry_import(csv_bytes(rows), "停产.csv"))
    profile = EnterpriseProfile.objects.get(credit_code=GOOD_ROWS[0][0])
    page = client_as("office").get(f"/enterprises/{profile.pk}/").content.decode()
    history = page[page.index('id="enterprise-history"'):]
    assert history.index("状态") < history.index("建档")  # the change above the creation
    assert "在产" in history and "停产" in history and "停产.csv" in history


def test_the_list_page_searches_and_filters_by_size(client_as, imported) -> None:  # type: ignore[no-untyped-def]
    client = client_as("leader")
    page = client.get("/enterprises/?q=示例&size=below").content.decode()
    assert "汨罗示例再生资源有限公司" in page and "岳阳示例装备制造有限公司" not in page
    assert "规上 3 家，规下 2 家" in page
    assert "导入企业名录" not in page  # leaders do not import
    assert "导入企业名录" in client_as("office").get("/enterprises/").content.decode()


def test_a_file_without_a_registry_table_is_explained(reference_data) -> None:
    with pytest.raises(AppError, match="没有找到企业名录"):
        prepare_registry_import(csv_bytes([["1", "2"]], ["地区", "数值"]), "别的表.csv")
