"""The targets import and the shared upload rules: limits, size, hidden rows and columns (issue 7)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from newind.indicators.models import Indicator
from newind.targets.models import Target
from newind.units.models import Unit
from tests.upload_files import SheetXml, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(cast):  # type: ignore[no-untyped-def]
    va = Indicator.objects.get(code="industrial_va_above_size")
    Target.objects.create(indicator=va, unit=Unit.objects.get(code="430621"), year=2017, kind="hard",
                          value=Decimal("133.1"))


def targets() -> list[tuple[object, ...]]:
    return list(Target.objects.order_by("pk").values_list("indicator__code", "unit__code", "kind", "value"))


def post(client, data: bytes, name: str = "targets.xlsx", **fields):  # type: ignore[no-untyped-def]
    f = io.BytesIO(data)
    f.name = name
    return client.post("/targets/import/", {"file": f, "year": 2017, **fields})


def test_a_workbook_beyond_the_row_limit_is_refused(existing, client_as):
    before = targets()
    far = workbook(SheetXml("目标任务", b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                        b'<row r="200000"><c r="A200000"><v>1</v></c></row>'))
    response = post(client_as("office"), far)
    assert response.status_code == 413
    assert "工作表「目标任务」的内容延伸到第200000行，超过每张表 100000 行的上限" in response.content.decode()
    assert targets() == before


def test_an_oversized_file_is_refused_by_the_same_check(existing, client_as, settings):
    settings.NEWIND_IMPORT_MAX_BYTES = 1024
    before = targets()
    response = post(client_as("office"), b"x" * 3000, "targets.csv")
    assert response.status_code == 413
    assert "文件过大（3 KB），超过上传上限 1 KB：请拆分为较小的文件后再上传。" in response.content.decode()
    assert targets() == before


COLUMNS = ["年度", "指标代码", "指标名称", "单位代码", "单位名称", "目标类别", "目标形式", "目标值", "计量单位", "进度口径",
           "责任单位代码", "来源", "备注"]
ROWS = [[2017, "industrial_va_above_size", "", "430600", "", "硬指标", "总量目标", 300, "亿元", "", "", "", ""],
        [2017, "industrial_va_above_size", "", "430621", "", "硬指标", "总量目标", 999, "亿元", "", "", "", ""]]


def _targets_book(*, hide_row: bool = False, hide_codes: bool = False, hide_main: bool = False) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "目标任务"
    for row in (COLUMNS, *ROWS):
        ws.append(row)
    if hide_row:
        ws.row_dimensions[3].hidden = True  # 岳阳县 999: changes the stored 133.1
    codes = wb.create_sheet("代码表")
    codes.append(["指标代码", "指标名称"])
    if hide_codes:
        codes.sheet_state = "hidden"
    if hide_main:
        ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_hidden_row_refuses_the_whole_file(existing, client_as):
    before = targets()
    response = post(client_as("office"), _targets_book(hide_row=True))
    page = response.content.decode()
    assert response.status_code == 400
    assert "文件中有隐藏的内容（隐藏行：工作表「目标任务」第3行（共1行）），整个文件未导入" in page
    assert "如确需导入这些隐藏的内容，请勾选「同时导入隐藏的行和列」后重新上传" in page
    assert targets() == before


def test_the_checkbox_imports_the_hidden_row_too(existing, client_as):
    response = post(client_as("office"), _targets_book(hide_row=True), include_hidden="on")
    assert response.status_code == 302
    assert targets() == [("industrial_va_above_size", "430621", "hard", Decimal("999")),
                         ("industrial_va_above_size", "430600", "hard", Decimal("300"))]


def test_a_hidden_code_sheet_does_not_matter(existing, client_as):
    response = post(client_as("office"), _targets_book(hide_codes=True))
    assert response.status_code == 302 and len(targets()) == 2


def test_a_hidden_targets_sheet_is_refused(existing, client_as):
    before = targets()
    response = post(client_as("office"), _targets_book(hide_main=True))
    assert response.status_code == 400 and "隐藏工作表：工作表「目标任务」" in response.content.decode()
    assert targets() == before
