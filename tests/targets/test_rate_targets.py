"""Growth targets are met or missed by points, never "完成 143%" (issue 8 item 2), on the targets page, the API,
the CLI, the dashboard and the report; a missing figure never carries a unit ("—", never "—%").

On top of the demo's monthly figures, 2017年1—11月 规模工业增加值增速 (published, %) is set to 岳阳市 6.2,
临湘市 −3.9 and 岳阳县 8.6, with growth targets (硬指标) of 8.0, 6.5 and 6.0. By hand:
  岳阳市 6.2 − 8.0 = −1.8: 差 1.8 个百分点 (was "完成 77.5%")
  临湘市 −3.9 − 6.5 = −10.4: 差 10.4 个百分点 (was "完成 -60.0%")
  岳阳县 8.6 − 6.0 = +2.6: 超 2.6 个百分点 (was "完成 143.3%")
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from newind.indicators.models import Indicator
from newind.targets.models import Target
from newind.units.models import Unit
from tests.reports.conftest import demo_figures  # noqa: F401  (the demo's 2016–2017 monthly figures)

from .factories import write_monthly

pytestmark = pytest.mark.django_db

GROWTH = "industrial_va_above_size_growth_pct"
ACTUAL = {"430600": 6.2, "430682": -3.9, "430621": 8.6}
TARGET = {"430600": "8.0", "430682": "6.5", "430621": "6.0"}
LINXIANG = "实际 -3.9%，目标 6.5%，差 10.4 个百分点"
YUEYANG_COUNTY = "实际 8.6%，目标 6.0%，超 2.6 个百分点"
CITY = "实际 6.2%，目标 8.0%，差 1.8 个百分点"


@pytest.fixture
def growth_targets(demo_figures, cast):  # type: ignore[no-untyped-def]  # noqa: F811
    # 1—2月 … 1—11月 of 2017: only 1—11月 matters here.
    write_monthly(GROWTH, {code: {2017: [value] * 10} for code, value in ACTUAL.items()})
    ind = Indicator.objects.get(code=GROWTH)
    for code, value in TARGET.items():
        Target.objects.create(indicator=ind, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                              target_type="growth", value=Decimal(value))


def test_the_targets_page_compares_the_rate_with_the_target_in_points(growth_targets, client_as):  # type: ignore[no-untyped-def]
    html = client_as("office").get("/targets/?period=2017-11").content.decode()
    assert LINXIANG in html  # the warning card of the red light
    # The table of every target: the comparison, not a completion % of a rate.
    assert re.search(r"<td[^>]*>临湘市</td>.*?<td title=\"实际 -3.9%，目标 6.5%，差 10.4 个百分点\">差 10.4 个百分点</td>",
                     html, re.S)
    assert "超 2.6 个百分点" in html and "差 1.8 个百分点" in html
    assert "-60.0%" not in html and "143.3%" not in html and "77.5%" not in html
    assert "—%" not in html and "—亿元" not in html  # a missing value carries no unit


def test_the_api_gives_no_completion_percent_for_a_rate(growth_targets, client_as):  # type: ignore[no-untyped-def]
    rows = client_as("office").get(f"/api/targets/progress?period=2017-11&indicator={GROWTH}").json()["rows"]
    by_unit = {r["unit_code"]: r for r in rows}
    assert by_unit["430621"]["completion_pct"] is None and by_unit["430621"]["vs_target_text"] == YUEYANG_COUNTY
    assert by_unit["430621"]["gap_pts"] == pytest.approx(6.0 - 8.6) and by_unit["430621"]["gap_unit"] == "个百分点"
    assert by_unit["430682"]["vs_target_text"] == LINXIANG
    assert by_unit["430682"]["gap_pts"] == pytest.approx(6.5 - (-3.9))
    assert Target.objects.filter(target_type="growth", year=2017).count() == 3


def test_the_cli_prints_the_comparison(growth_targets):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("targets", "progress", "--period", "2017-11", "--indicator", GROWTH, stdout=out)
    lines = out.getvalue().splitlines()
    line = next(x for x in lines if "岳阳县" in x)
    assert f"岳阳县 规模工业增加值增速硬指标 {YUEYANG_COUNTY} " in line
    assert "完成" not in line and "—%" not in out.getvalue()


def test_the_dashboard_and_the_report_compare_in_points(growth_targets, client_as):  # type: ignore[no-untyped-def]
    client = client_as("leader")
    page = client.get("/dashboard/?period=2017-11").content.decode()
    card = page.split('data-indicator="industrial_va_above_size"')[1].split("</article>")[0]
    assert CITY in card and "目标完成" not in card
    warnings = page.split('id="warnings"')[1].split("</section>")[0]
    assert f"临湘市</b> 规模工业增加值增速（硬指标）：{LINXIANG}" in warnings
    assert "—%" not in page  # was "序时进度 —%"

    workbook = load_workbook(io.BytesIO(client.get("/reports/monthly?period=2017-11&format=xlsx").content))
    key = {r[0]: r for r in workbook["主要指标"].iter_rows(min_row=3, values_only=True)}
    assert key["规模工业增加值"][6] == "差 1.8 个百分点"
    counties = {r[2]: r for r in workbook["县市区排名"].iter_rows(min_row=3, values_only=True) if r[2]}
    assert counties["430621"][-2] == "超 2.6 个百分点" and counties["430682"][-2] == "差 10.4 个百分点"
    warning_rows = {r[1]: r for r in workbook["目标预警"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert warning_rows["临湘市"][6] == LINXIANG
