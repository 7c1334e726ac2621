"""benchmark() on the real Hunan statistics, checked against hand calculations from the CSV rows."""

from __future__ import annotations

import pytest

from newind.benchmark.queries import benchmark
from newind.core.errors import AppError
from newind.indicators.models import Observation

pytestmark = pytest.mark.django_db

# Rows of prefectures_annual_2005_2016.csv used below (亿元, current prices):
#   2012: 长沙 6399.9097, 岳阳 2199.917, 常德 2038.5039, 湖南省 22154.23 (yearbook)
#   2013: 长沙 7153.1346, 岳阳 2435.505, 常德 2264.9358, 湖南省 24621.67 (yearbook; first release 24501.7)
#   2016: 长沙 9356.9088, 岳阳 3100.872, 常德 2953.8202, 湖南省 31551.37 (yearbook)
# 湘西州 (433100) has GDP only for 2009 and 2013–2015.


def test_yueyang_gdp_rank_reported_shares_and_gaps_2012_2016(hunan_data: None) -> None:
    data = benchmark("430600", "hunan-14", "gdp", 2012, 2016).as_dict()
    years = {y["year"]: y for y in data["years"]}
    assert list(years) == [2012, 2013, 2014, 2015, 2016]
    assert [years[y]["rank"] for y in years] == [2, 2, 2, 2, 2]
    assert [years[y]["reported"] for y in years] == [13, 14, 14, 14, 13]
    assert years[2012]["missing"] == ["湘西土家族苗族自治州"]
    assert years[2014]["missing"] == []

    y16 = years[2016]
    # share of the province: 3100.872 / 31551.37 × 100 = 9.828011 %
    assert y16["share_of_province_pct"] == pytest.approx(9.828011, abs=1e-6)
    # share of the group: 13 divisions reported in 2016, summing to
    # 9356.9088 + 2488.4543 + 1866.7869 + 2853.0158 + 1530.2577 + 3100.872 + 2953.8202 + 493.099
    # + 1493.1802 + 2204.1285 + 1565.8072 + 1400.3368 + 1400.1393 = 32706.8067; 3100.872 / 32706.8067 = 9.480816 %
    assert y16["share_of_group_pct"] == pytest.approx(9.480816, abs=1e-6)
    # leader 长沙: 9356.9088 − 3100.872 = 6256.0368; ratio 6256.0368 / 3100.872 = 2.017509
    assert y16["ahead"]["code"] == "430100" and y16["ahead"]["name"] == "长沙市"
    assert y16["ahead"]["gap"] == pytest.approx(6256.0368, abs=1e-6)
    assert y16["ahead"]["gap_ratio"] == pytest.approx(2.017509, abs=1e-6)
    # chaser 常德: 3100.872 − 2953.8202 = 147.0518; ratio 147.0518 / 2953.8202 = 0.049784
    assert y16["behind"]["code"] == "430700" and y16["behind"]["name"] == "常德市"
    assert y16["behind"]["gap"] == pytest.approx(147.0518, abs=1e-6)
    assert y16["behind"]["gap_ratio"] == pytest.approx(0.049784, abs=1e-6)

    y12 = years[2012]
    # 2199.917 / 22154.23 × 100 = 9.930009 %; gaps 6399.9097 − 2199.917 = 4199.9927 and 2199.917 − 2038.5039 = 161.4131
    assert y12["share_of_province_pct"] == pytest.approx(9.930009, abs=1e-6)
    assert y12["ahead"]["gap"] == pytest.approx(4199.9927, abs=1e-6)
    assert y12["behind"]["gap"] == pytest.approx(161.4131, abs=1e-6)

    # 4199.99 → 6256.04: the leader pulls away; 161.41 → 147.05: the chaser closes in; 9.93% → 9.83%: falling
    assert data["trend"]["gap_ahead"] == "widening"
    assert data["trend"]["gap_behind"] == "narrowing"
    assert data["trend"]["share"] == "falling"
    assert data["trend"]["share_basis"] == "share_of_province_pct"

    text = "".join(data["narrative"])
    assert "2016年岳阳市地区生产总值3100.87亿元，居全省13个市州中第2位" in text
    assert "标兵越追越远" in text and "追兵越赶越近" in text
    assert len(y16["ranking"]) == 14 and y16["ranking"][0]["name"] == "长沙市"
    assert y16["ranking"][-1]["rank"] is None  # 湘西州 listed without a rank


def test_province_2013_uses_the_yearbook_figure_not_the_first_release(hunan_data: None) -> None:
    # Both releases are stored; the yearbook one is current.
    versions = Observation.objects.filter(unit__code="430000", indicator__code="gdp", year=2013)
    assert sorted(float(v) for v in versions.values_list("value", flat=True)) == [24501.7, 24621.67]
    y13 = next(y for y in benchmark("430600", "hunan-14", "gdp", 2013, 2013).as_dict()["years"])
    assert y13["province_value"] == pytest.approx(24621.67)
    # 2435.505 / 24621.67 × 100 = 9.891713 % (with the first release it would be 9.940147 %)
    assert y13["share_of_province_pct"] == pytest.approx(9.891713, abs=1e-6)
    # all 14 reported in 2013: 25550.0814 in total; 2435.505 / 25550.0814 = 9.532279 %
    assert y13["reported"] == 14
    assert y13["share_of_group_pct"] == pytest.approx(9.532279, abs=1e-6)


def test_metadata_sources_releases_and_not_synthetic(hunan_data: None) -> None:
    data = benchmark("430600", "hunan-14", "gdp", 2012, 2016).as_dict()
    assert data["indicator"] == {"code": "gdp", "name": "地区生产总值", "measure_unit": "亿元", "value_kind": "level",
                                 "direction": "higher", "price_basis": "current", "decimals": 2}
    assert data["period"]["labels"]["2016"] == "2016年"
    assert data["period"]["span"] == "2012—2016年"
    assert "National Bureau of Statistics provincial series (public copies)" in data["sources"]
    assert any("China City Statistical Yearbook" in s for s in data["sources"])
    assert {r["code"] for r in data["releases"]} == {"yearbook", "published"}
    # the gaps are made of 岳阳, 长沙 and 常德's figures only: one source, not the province's
    assert data["gap_sources"] == [
        "China City Statistical Yearbook, as compiled in CSMAR CRE_Gdpct (redistributed in a public research repository)"]
    assert data["synthetic"] is False
    assert set(data["share_basis"]) == {"share_of_group_pct", "share_of_province_pct"}


def test_growth_rates_have_no_shares_and_gaps_in_points(hunan_data: None) -> None:
    # 2017年1—11月 规模工业增加值增速: 岳阳 5.4%, last of 14; 张家界 6.2% is 13th: 6.2 − 5.4 = 0.8 points.
    data = benchmark("430600", "hunan-14", "industrial_va_above_size_growth_pct", period="2017-11").as_dict()
    (y,) = data["years"]
    assert y["period"] == "2017年1—11月"
    assert (y["value"], y["rank"], y["reported"]) == (5.4, 14, 14)
    assert y["share_of_group_pct"] is None and y["share_of_province_pct"] is None
    assert y["ahead"]["name"] == "张家界市" and y["ahead"]["gap"] == pytest.approx(0.8)
    assert y["ahead"]["gap_ratio"] is None
    assert y["behind"] is None
    assert data["gap_unit"] == "个百分点"
    assert data["trend"]["share"] is None
    assert "个百分点" in "".join(data["narrative"]) and "比重" not in "".join(data["narrative"])
    # compared with the province's own published rate: 7.1 − 5.4 = 1.7 points
    assert "低于湖南省（7.1%）1.7个百分点" in data["narrative"][0]


@pytest.mark.parametrize(
    ("args", "fragment", "status"),
    [
        (("999999", "hunan-14", "gdp", 2012, 2016), "未找到单位「999999」", 404),
        (("430600", "no-such-group", "gdp", 2012, 2016), "未找到对标组", 404),
        (("430600", "hunan-14", "nope", 2012, 2016), "未找到指标", 404),
        (("430602", "hunan-14", "gdp", 2012, 2016), "不在对标组", 400),
        (("430600", "hunan-14", "gdp", 2016, 2012), "起始年份2016晚于截止年份2012", 400),
        (("430600", "hunan-14", "gdp", 1990, 1995), "没有地区生产总值数据", 404),
    ],
)
def test_bad_requests_are_complete_chinese_sentences(reference_data: None, args: tuple[object, ...], fragment: str,
                                                     status: int) -> None:
    with pytest.raises(AppError) as err:
        benchmark(*args)  # type: ignore[arg-type]
    assert fragment in err.value.message
    assert err.value.status == status


def _write(indicator_code: str, figures: dict[tuple[str, int, int], str], synthetic: bool = True) -> None:
    """Write monthly cumulative figures {(unit code, year, month): value} through the spine's write path."""
    from decimal import Decimal

    from newind.indicators.models import Indicator
    from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
    from newind.units.models import Unit

    ind = Indicator.objects.get(code=indicator_code)
    ids = dict(Unit.objects.values_list("code", "id"))
    rows = [{"indicator_id": ind.id, "unit_id": ids[code], "year": y, "period_kind": "M", "period_n": m,
             "value": Decimal(v), "measure_unit": ind.measure_unit, "price_basis": ind.price_basis,
             "release": "official", "source": "测试用示例数据", "is_synthetic": synthetic}
            for (code, y, m), v in figures.items()]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)


COUNTIES = ["430602", "430603", "430611", "430621", "430623", "430624", "430626", "430681", "430682"]


def test_monthly_level_defaults_to_the_latest_month_ties_and_the_citys_share(reference_data: None) -> None:
    # 1—11月 2016 and 2017 for the 9 counties (values 10, 20, …, 90 亿元), 岳阳县 (430621, value 40) tied with
    # 汨罗市 (430681) in 2017; 2017 has no 1—12月 yet, so the default period is 1—11月. The city 岳阳市 (430600)
    # published 500 亿元 for 2017年1—11月.
    figures = {(code, y, 11): str(10 * (i + 1)) for y in (2016, 2017) for i, code in enumerate(COUNTIES)}
    figures.update({(code, 2016, 12): str(11 * (i + 1)) for i, code in enumerate(COUNTIES)})
    figures[("430681", 2017, 11)] = "40"
    figures[("430600", 2017, 11)] = "500"
    _write("industrial_va_above_size", figures)
    data = benchmark("430621", "yueyang-counties", "industrial_va_above_size", 2016, 2017).as_dict()
    y16, y17 = data["years"]
    assert (y16["period"], y17["period"]) == ("2016年1—11月", "2017年1—11月")
    # 2017 values: 10, 20, 30, 40 (岳阳县), 50, 60, 70, 40 (汨罗市), 90 → ranks 90, 70, 60, 50 ahead; 并列第5
    assert (y17["rank"], y17["tied"]) == (5, True)
    assert y17["ahead"]["code"] == "430623" and y17["ahead"]["gap"] == pytest.approx(10.0)  # 华容县 50 − 40
    assert y17["behind"]["code"] == "430611" and y17["behind"]["gap"] == pytest.approx(10.0)  # 君山区 30
    # share of the city: 40 / 500 = 8 %; share of the group: 40 / (10+20+30+40+50+60+70+40+90 = 410) = 9.756098 %
    assert y17["share_of_province_pct"] == pytest.approx(8.0)
    assert y17["share_of_group_pct"] == pytest.approx(9.756098, abs=1e-6)
    assert data["province_column"] == "占全市%"
    assert data["synthetic"] is True
    assert "居全市9个县市区并列第5位" in data["narrative"][0]
    assert data["narrative"][-1].startswith("注：以上含示例数据")
