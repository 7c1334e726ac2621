"""No rank and no share of the group without enough members reporting (issue 8 item 1), through the page,
the API, the CLI and the selector, on the real Hunan statistics plus a few written figures.

Figures written here (亿元, 1—12月 cumulative, 示例数据):
  规模工业增加值 2015年1—12月 and 2016年1—12月: 岳阳市 only (1104.89 and 1178.43) — 1 of the 14 市州;
  2016年1—12月 for the 9 county-level divisions of 岳阳 (10, 20, …, 90);
  2017年1—12月 for 岳阳县 (430621) only: one county has published.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from newind.indicators.models import Indicator, Observation
from newind.units.models import PeerGroup, Unit

pytestmark = pytest.mark.django_db

COUNTIES = ["430602", "430603", "430611", "430621", "430623", "430624", "430626", "430681", "430682"]
PAGE = "/benchmark/?group=hunan-14&unit=430600&indicator=industrial_va_above_size&from=2015&to=2016"
API = "/api/benchmark/?group=hunan-14&unit=430600&indicator=industrial_va_above_size&from=2015&to=2016"


def _write(indicator_code: str, figures: dict[tuple[str, int, int], str]) -> None:
    """Write monthly cumulative figures {(unit code, year, month): value} through the spine's write path."""
    from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations

    ind = Indicator.objects.get(code=indicator_code)
    ids = dict(Unit.objects.values_list("code", "id"))
    rows = [{"indicator_id": ind.id, "unit_id": ids[code], "year": y, "period_kind": "M", "period_n": m,
             "value": Decimal(v), "measure_unit": ind.measure_unit, "price_basis": ind.price_basis,
             "release": "official", "source": "测试用示例数据", "is_synthetic": True}
            for (code, y, m), v in figures.items()]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)


@pytest.fixture
def yueyang_only(hunan_data: None) -> None:
    figures = {("430600", 2015, 12): "1104.89", ("430600", 2016, 12): "1178.43"}
    figures.update({(code, 2016, 12): str(10 * (i + 1)) for i, code in enumerate(COUNTIES)})
    figures[("430621", 2017, 12)] = "45"
    _write("industrial_va_above_size", figures)
    # The premise, read from the database: of the 14 市州 only 岳阳市 has a 2016年1—12月 figure.
    assert list(Observation.objects.filter(
        indicator__code="industrial_va_above_size", year=2016, period_n=12, is_current=True,
        unit__peer_groups__code="hunan-14").values_list("unit__code", flat=True)) == ["430600"]


def test_the_page_says_the_other_members_have_no_figure_and_ranks_nobody(yueyang_only: None,  # type: ignore[no-untyped-def]
                                                                       office_client) -> None:
    html = office_client.get(PAGE).content.decode()
    # Before: "居全省1个市州中第1位…占全省市州合计的比重为100.00%".
    assert ("2016年1—12月岳阳市规模工业增加值1178.43亿元，全省14个市州中其他成员暂无数据（仅岳阳市1个有数据），"
            "不排位次，也不计算占组内合计的比重。") in html
    # Which groups do have the indicator for 2016年1—12月: the 9 counties (9 of 9; 9 of the 13 with the zones).
    assert "有该指标数据的对标组：岳阳市县市区（9/9个成员有数据）、岳阳市县市区及功能区（9/13个成员有数据）。" in html
    assert "第1位" not in html and "100.00" not in html and "没有标兵" not in html
    assert "有数据的单位不足2个，不排位次、不计算占组内合计的比重。" in html
    assert "2016年1—12月（1个单位有数据，不足2个，不排名）" in html


def test_the_api_has_no_rank_and_no_share_and_says_how_many_reported(yueyang_only: None,  # type: ignore[no-untyped-def]
                                                                    office_client) -> None:
    data = office_client.get(API).json()
    assert data["group"]["min_reporting"] == 2
    for year in data["years"]:
        assert (year["rank"], year["ranked"], year["reported"], year["group_size"]) == (None, False, 1, 14)
        assert year["share_of_group_pct"] is None and year["ahead"] is None and year["behind"] is None
        yueyang = next(r for r in year["ranking"] if r["code"] == "430600")
        assert yueyang["rank"] is None and yueyang["share_of_group_pct"] is None
    assert data["groups_with_data"] == [
        {"code": "yueyang-counties", "name": "岳阳市县市区", "reported": 9, "size": 9},
        {"code": "yueyang-counties-zones", "name": "岳阳市县市区及功能区", "reported": 9, "size": 13},
    ]
    # GDP, which 13 of the 14 市州 published for 2016, is still ranked: 岳阳 second (长沙 9356.91 ahead).
    gdp = office_client.get("/api/benchmark/?group=hunan-14&unit=430600&indicator=gdp&from=2016&to=2016").json()
    assert (gdp["years"][0]["rank"], gdp["years"][0]["ranked"], gdp["years"][0]["reported"]) == (2, True, 13)


def test_the_cli_table_shows_no_rank(yueyang_only: None) -> None:
    out = io.StringIO()
    call_command("benchmark", "--unit", "430600", "--group", "hunan-14", "--indicator", "industrial_va_above_size",
                 "--from", "2015", "--to", "2016", stdout=out)
    text = out.getvalue()
    line = next(x for x in text.splitlines() if x.startswith("2016年1—12月"))
    assert line.split()[:4] == ["2016年1—12月", "1178.43", "—", "1/14"]
    assert "全省14个市州中其他成员暂无数据（仅岳阳市1个有数据）" in text and "第1位" not in text


def test_one_county_published_is_not_first_among_one(yueyang_only: None, office_client) -> None:  # type: ignore[no-untyped-def]
    data = office_client.get("/api/benchmark/?group=yueyang-counties&unit=430621&indicator=industrial_va_above_size"
                             "&period=2017-12").json()
    year = data["years"][0]
    assert (year["rank"], year["reported"], year["share_of_group_pct"]) == (None, 1, None)
    assert data["narrative"][0] == ("2017年1—12月岳阳县规模工业增加值45.00亿元，全市9个县市区中其他成员暂无数据"
                                    "（仅岳阳县1个有数据），不排位次，也不计算占组内合计的比重。")
    assert data["narrative"][1] == "其他对标组也暂无足够成员有该指标数据。"


def test_the_minimum_is_the_groups_own(yueyang_only: None, office_client) -> None:  # type: ignore[no-untyped-def]
    PeerGroup.objects.filter(code="yueyang-counties").update(min_reporting=10)
    url = "/api/benchmark/?group=yueyang-counties&unit=430621&indicator=industrial_va_above_size&period=2016-12"
    data = office_client.get(url).json()
    year = data["years"][0]
    assert (year["rank"], year["reported"], data["group"]["min_reporting"]) == (None, 9, 10)
    # The share of the city's own figure needs no peers and stays: 40 / 1178.43 × 100 = 3.394%.
    assert data["narrative"][0] == ("2016年1—12月岳阳县规模工业增加值40.00亿元，全市9个县市区中仅9个有数据（至少需10个），"
                                    "不排位次，也不计算占组内合计的比重；占全市的比重为3.39%。")
    assert year["share_of_province_pct"] == pytest.approx(40 / 1178.43 * 100, abs=1e-6)
    PeerGroup.objects.filter(code="yueyang-counties").update(min_reporting=9)
    year = office_client.get(url).json()["years"][0]
    # 9 reported ≥ 9: ranked. 岳阳县 40 among 10…90: five ahead (50, 60, 70, 80, 90), so 6th; 40 / 450 = 8.888889 %.
    assert (year["rank"], year["reported"]) == (6, 9)
    assert year["share_of_group_pct"] == pytest.approx(40 / 450 * 100, abs=1e-6)


def test_the_indicator_list_says_how_many_members_have_figures(yueyang_only: None,  # type: ignore[no-untyped-def]
                                                               office_client) -> None:
    data = office_client.get("/api/benchmark/options?group=hunan-14").json()
    by_code = {i["code"]: i for i in data["indicators"]}
    assert (by_code["industrial_va_above_size"]["members_with_data"], by_code["industrial_va_above_size"]["rankable"]) \
        == (1, False)
    assert (by_code["gdp"]["members_with_data"], by_code["gdp"]["rankable"]) == (14, True)
    assert data["min_reporting"] == 2
    # The indicators that can be ranked come first.
    flags = [i["rankable"] for i in data["indicators"]]
    assert flags == sorted(flags, reverse=True)
    html = office_client.get(PAGE).content.decode()
    assert '<optgroup label="有数据的成员不足2个，不排名">' in html
    assert "规模工业增加值（亿元）· 1/14个成员有数据</option>" in html
    assert "地区生产总值（亿元）· 14/14个成员有数据</option>" in html


def test_min_reporting_is_read_from_the_definitions(reference_data: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from newind.core.errors import AppError
    from newind.units.services import load_reference_units

    assert set(PeerGroup.objects.values_list("min_reporting", flat=True)) == {2}
    good = tmp_path / "g.yaml"
    good.write_text("peer_groups:\n  - {code: pair, name: 两县, min_reporting: 3, members: ['430621', '430623']}\n",
                    encoding="utf-8")
    load_reference_units([good])
    assert PeerGroup.objects.get(code="pair").min_reporting == 3
    bad = tmp_path / "b.yaml"
    bad.write_text("peer_groups:\n  - {code: solo, name: 单县, min_reporting: 1, members: ['430621']}\n",
                   encoding="utf-8")
    with pytest.raises(AppError, match="min_reporting 为「1」：应为不小于2的整数"):
        load_reference_units([bad])
    assert not PeerGroup.objects.filter(code="solo").exists()
