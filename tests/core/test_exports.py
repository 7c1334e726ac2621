"""Excel exports from the benchmark, targets and task-board pages: the page's figures with their units,
period and source on the sheet, codes as text, formula-like text neutralised, each export audited, and
the same access as the page."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from newind.audit.models import AuditEntry
from newind.benchmark.queries import benchmark
from newind.indicators.models import Indicator
from newind.submissions.models import Submission
from newind.targets.models import Target
from newind.units.models import Unit
from tests.benchmark.conftest import hunan_data  # noqa: F401 (fixture)
from tests.submissions.conftest import last_year, task  # noqa: F401 (fixtures)
from tests.targets.factories import va_history

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_rows(content: bytes, name: str) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(content))[name]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def table(rows: list[list[Any]], first_header: str) -> tuple[list[Any], list[list[Any]]]:
    """The header row (found by its first title) and the data rows below it."""
    at = next(i for i, r in enumerate(rows) if r[0] == first_header)
    return rows[at], rows[at + 1:]


BENCH = "unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016"


def test_the_benchmark_export_is_the_page_in_excel(client_as, cast, hunan_data) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = client_as("yyx_rep")  # benchmarking is open to every business user
    page = client.get(f"/benchmark/?{BENCH}").content.decode()
    assert "/benchmark/export.xlsx?unit=430600&amp;group=hunan-14&amp;indicator=gdp" in page
    response = client.get(f"/benchmark/export.xlsx?{BENCH}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = sheet_rows(response.content, "逐年位次")
    about = [r[0] for r in rows[1:5]]
    assert about[0].startswith("单位：亿元") and about[1].startswith("时期：") and about[3].startswith("来源：")
    header, data = table(rows, "时期")
    assert header[1] == "岳阳市数值（亿元）" and len(data) == 5
    result = benchmark("430600", "hunan-14", "gdp", 2012, 2016).as_dict()
    last = result["years"][-1]
    assert data[-1][0] == last["period"] and data[-1][1] == pytest.approx(last["value"])
    assert data[-1][2] == f"第{last['rank']}位" and data[-1][3] == f"{last['reported']}/{last['group_size']}"
    full_header, full = table(sheet_rows(response.content, "各年完整排名"), "时期")
    assert full_header[3] == "代码" and {r[3] for r in full} >= {"430600", "430100"}
    assert all(isinstance(r[3], str) for r in full)  # codes stay text
    entry = AuditEntry.objects.get(action="export", object_type="benchmark")
    assert entry.actor == "yyx_rep" and "岳阳市" in entry.summary
    # 三员 read no business data: no export either, and nothing is audited as one.
    assert client_as("auditor").get(f"/benchmark/export.xlsx?{BENCH}").status_code == 403
    assert AuditEntry.objects.filter(action="export", object_type="benchmark").count() == 1


@pytest.fixture
def targets(cast) -> None:  # type: ignore[no-untyped-def]
    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=4)
    va = Indicator.objects.get(code="industrial_va_above_size")
    for code, value in (("430621", 133.1), ("430623", 100.0)):
        Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                              value=Decimal(str(value)))


def test_the_targets_export_shows_what_the_page_shows(client_as, targets) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    page = client.get("/targets/?period=2017-04")
    assert "/targets/export.xlsx?period=2017-04" in page.content.decode()
    response = client.get("/targets/export.xlsx?period=2017-04")
    assert response.status_code == 200
    rows = sheet_rows(response.content, "目标进度")
    assert rows[2][0].startswith("时期：2017年1—4月") and rows[4][0].startswith("来源：")
    header, data = table(rows, "灯")
    by_unit = {r[header.index("单位代码")]: r for r in data}
    shown = {r["unit_code"]: r for r in page.context["rows"]}
    assert set(by_unit) == set(shown) == {"430621", "430623"}
    for code, row in by_unit.items():
        for title, key in (("目标", "target_text"), ("至今", "actual_text"), ("完成", "completion_text"),
                           ("灯", "light_label")):
            assert row[header.index(title)] == shown[code][key], (code, title)
    assert AuditEntry.objects.filter(action="export", object_type="targets", actor="office").count() == 1
    # A reporter exports only their own unit; another unit is refused.
    mine = client_as("yyx_rep").get("/targets/export.xlsx?period=2017-04")
    _, data = table(sheet_rows(mine.content, "目标进度"), "灯")
    assert [r[header.index("单位代码")] for r in data] == ["430621"]
    assert client_as("yyx_rep").get("/targets/export.xlsx?period=2017-04&unit=430623").status_code == 403
    assert client_as("sysadmin").get("/targets/export.xlsx?period=2017-04").status_code == 403


def test_the_board_export_lists_every_unit_with_formula_text_neutralised(client_as, task) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    Submission.objects.filter(task=task, unit__code="430603").update(return_reason="=HYPERLINK(\"http://x\")")
    client = client_as("leader")
    assert f"/submissions/tasks/{task.pk}/board.xlsx" in client.get(f"/submissions/tasks/{task.pk}/").content.decode()
    response = client.get(f"/submissions/tasks/{task.pk}/board.xlsx")
    assert response.status_code == 200
    rows = sheet_rows(response.content, "报送看板")
    assert rows[2][0].startswith("时期：报告期 2017年1—3月") and rows[4][0].startswith("来源：本平台报送记录")
    header, data = table(rows, "单位")
    assert len(data) == 13 and {r[1] for r in data} >= {"430621", "Z430601"}
    yx = next(r for r in data if r[1] == "430603")
    assert yx[header.index("退回原因")] == "'=HYPERLINK(\"http://x\")"  # shown as text, never run
    assert yx[header.index("状态")] == "未填报" and yx[header.index("提醒次数")] == 0
    entry = AuditEntry.objects.get(action="export", object_id=str(task.pk))
    assert entry.actor == "leader"
    for who in ("yyx_rep", "auditor"):
        assert client_as(who).get(f"/submissions/tasks/{task.pk}/board.xlsx").status_code == 403
    assert AuditEntry.objects.filter(action="export").count() == 1
