"""The dashboard, the monthly report and its API rank nobody when too few units report (issue 8 item 1).

On top of the demo's 2016–2017年1—11月 figures, 2017年1—12月 has been published by the city (规模工业增加值
1290.00亿元, 增速 5.6%) and by one county, 岳阳县 (100.00亿元, 增速 7.2%); no other 市州, county or zone has a
1—12月 figure yet.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from newind.indicators.models import Indicator, Observation
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_county_published(demo_figures) -> None:  # type: ignore[no-untyped-def]
    from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations

    figures = {("industrial_va_above_size", "430600"): "1290.00", ("industrial_va_above_size_growth_pct", "430600"): "5.6",
               ("industrial_va_above_size", "430621"): "100.00", ("industrial_va_above_size_growth_pct", "430621"): "7.2"}
    inds = {i.code: i for i in Indicator.objects.filter(code__in={c for c, _ in figures})}
    ids = dict(Unit.objects.values_list("code", "id"))
    rows = [{"indicator_id": inds[c].id, "unit_id": ids[u], "year": 2017, "period_kind": "M", "period_n": 12,
             "value": Decimal(v), "measure_unit": inds[c].measure_unit, "price_basis": inds[c].price_basis,
             "release": "official", "source": "测试用示例数据", "is_synthetic": True}
            for (c, u), v in figures.items()]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)
    assert Observation.objects.filter(year=2017, period_n=12, is_current=True,
                                      indicator__code="industrial_va_above_size_growth_pct").count() == 2


def test_the_dashboard_ranks_no_one_when_one_county_reported(client_as, one_county_published):  # type: ignore[no-untyped-def]
    page = client_as("leader").get("/dashboard/?period=2017-12").content.decode()
    # The league table: 岳阳县 is the only county with a figure — no "1", a dash, and the note says why.
    row = re.search(r"<tr><td class=\"[^\"]*\">([^<]+)</td><td class=\"[^\"]*\">岳阳县</td>", page)
    assert row and row.group(1) == "—"
    assert "有数据的单位不足2个时不排名（—）" in page
    # The city's card: no 市州 but 岳阳 has 1—12月 — no "全省第 1/1 位", the card says why.
    card = page.split('data-indicator="industrial_va_above_size"')[1].split("</article>")[0]
    assert "全省其他市州暂无数据，不排名" in card and "全省第" not in card


def test_the_api_and_the_report_rank_no_one(client_as, one_county_published):  # type: ignore[no-untyped-def]
    client = client_as("office")
    data = client.get("/api/reports/monthly-overview?period=2017-12").json()
    county = next(r for r in data["counties"] if r["indicator_code"] == "industrial_va_above_size"
                  and r["unit_code"] == "430621")
    assert (county["rank"], county["ranked"], county["reported"], county["min_reporting"]) == (None, False, 1, 2)
    assert county["growth_pct"] == pytest.approx(7.2)
    head = next(r for r in data["key_indicators"] if r["indicator_code"] == "industrial_va_above_size")
    assert (head["province_rank"], head["province_ranked"], head["province_reported"]) == (None, False, 1)
    assert "居全省" not in data["headline"]

    response = client.get("/reports/monthly?period=2017-12&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["县市区排名"]
    rows = {r[2]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[2]}
    assert rows["430621"][0] == "—" and rows["430621"][1] == "岳阳县"
    assert {r[0] for r in rows.values()} == {"—"}  # nobody else has a 1—12月 figure either


def test_the_report_sentence_names_who_reported(one_county_published):  # type: ignore[no-untyped-def]
    from newind.indicators.periods import Period
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview

    content = build_content(monthly_overview(Period.month(2017, 12)), with_charts=False)
    league = next(s for s in content.sections if s.heading.startswith("二、"))
    assert league.paragraphs[0] == ("本期县市区及功能区中只有1个单位有规模工业增加值增长数据：岳阳县（7.2%）；"
                                    "不足2个，不排名。")
