"""The one read model (issue 9 item 2): each function checked against a hand calculation.

Pure functions first (growth kinds, last year's profile, ranks with each indicator's direction, the period
parser and resolver), then the reads (`period_frame`, `months_with_figures`/`office_month`) and the one
revision path on the database.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from newind.core.errors import AppError
from newind.indicators.calc import (
    NOMINAL_GROWTH_KINDS,
    last_year_profile_share,
    rank_within_groups,
    yoy_growth_pct,
)
from newind.indicators.periods import Period, PeriodKind, looks_like_period, parse_period, resolve_period

# --- growth ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (5.0, -10.0, None),     # a loss last year: no growth (not +150%, not −150%)
    (3.0, 0.0, None),       # from zero: no growth
    (110.0, 100.0, 10.0),   # 110 / 100 − 1 = 10%
    (-5.0, 10.0, -150.0),   # a positive base that turns into a loss: −5 / 10 − 1 = −150%
    (48.6, 45.2, (48.6 / 45.2 - 1) * 100),
])
def test_growth_only_from_a_positive_base(current, previous, expected):
    got = yoy_growth_pct(current, previous)
    assert (np.isnan(got) if expected is None else got == pytest.approx(expected))


def test_growth_works_on_a_cube_of_any_shape():
    # The demo's units × years × months cubes: 12 → 15 is +25%, from 0 nothing, 4 → 2 is −50%.
    cur = np.array([[[15.0, 1.0], [2.0, 3.0]]])
    prev = np.array([[[12.0, 0.0], [4.0, -1.0]]])
    got = yoy_growth_pct(cur, prev)
    assert got.shape == (1, 2, 2)
    np.testing.assert_allclose(got, [[[25.0, np.nan], [-50.0, np.nan]]])


def test_levels_and_counts_grow_rates_and_ratios_do_not():
    assert NOMINAL_GROWTH_KINDS == {"level", "count"}


# --- last year's cumulative profile ----------------------------------------------------------------------------

@pytest.mark.parametrize(("to_date", "total", "expected"), [
    (25.0, 100.0, 0.25),   # 1—3月 last year was a quarter of the year
    (100.0, 100.0, 1.0),   # 1—12月 is the whole year
    (0.0, 100.0, None),    # nothing by then: no profile
    (120.0, 100.0, None),  # past the year's total (a revision in between): no profile
    (10.0, -5.0, None),    # a loss for the year: no profile
    (None, 100.0, None),
])
def test_last_year_profile_share(to_date, total, expected):
    got = last_year_profile_share(to_date, total)
    assert (np.isnan(got) if expected is None else got == pytest.approx(expected))


def test_targets_and_forecasts_use_the_same_profile():
    from newind.forecasts.calc import Cube, flow_forecasts
    from newind.targets.calc import schedule_frame

    # Last year 1—3月 = 30 of 120 for the year (a quarter); this year 1—3月 = 36.
    sched = schedule_frame(pd.DataFrame({"months": [3], "basis": ["last_year"], "last_year_cum": [30.0],
                                         "last_year_total": [120.0]}))
    assert sched.loc[0, "schedule_pct"] == pytest.approx(25.0) and sched.loc[0, "basis_used"] == "last_year"
    values = np.full((1, 2, 12), np.nan)
    values[0, 0, 2], values[0, 0, 11], values[0, 1, 2] = 30.0, 120.0, 36.0
    fc = flow_forecasts(Cube(["U"], [2016, 2017], values), 2017, 3)
    # Seasonal naive: 36 / (30 / 120) = 144.
    assert fc.loc[0, "seasonal_naive"] == pytest.approx(144.0)


# --- ranks ---------------------------------------------------------------------------------------------------

def test_ranks_follow_each_indicators_own_direction_in_one_call():
    frame = pd.DataFrame({
        "indicator": ["va", "va", "va", "energy", "energy", "energy"],
        "unit": ["A", "B", "C", "A", "B", "C"],
        "value": [10.0, 30.0, 30.0, 0.8, 0.5, 0.9],
        "higher": [True, True, True, False, False, False],
    })
    got = rank_within_groups(frame, "value", ["indicator"], higher_is_better="higher")
    # va (higher is better): B and C tie first (并列), A third. energy (lower is better): B 1, A 2, C 3.
    assert got["rank"].tolist() == [3, 1, 1, 2, 1, 3]
    assert got["tied"].tolist() == [False, True, True, False, False, False]
    assert got["reported"].tolist() == [3] * 6


def test_ranks_with_a_direction_series_and_a_groups_minimum():
    frame = pd.DataFrame({"g": ["x", "x", "y"], "value": [1.0, 2.0, 5.0]})
    got = rank_within_groups(frame, "value", ["g"], higher_is_better=pd.Series([False, False, True]))
    # Lower is better in x: 1.0 first. y has one member reporting: not "第1位" (ranking_applies).
    assert got["rank"].tolist()[:2] == [1, 2] and pd.isna(got["rank"].iloc[2])
    assert got["ranked"].tolist() == [True, True, False]


def test_the_overview_and_the_benchmark_rank_with_the_same_function():
    from newind.benchmark.calc import rank_by_year
    from newind.reports.calc import league_ranks

    figures = pd.DataFrame({"unit_code": ["A", "B", "C"], "unit_name": ["A", "B", "C"], "year": [2017] * 3,
                            "value": [3.0, 1.0, 2.0]})
    bench = rank_by_year(figures, higher_is_better=False).set_index("unit_code")["rank"]
    league = league_ranks(figures.assign(indicator_code="e", growth_pct=np.nan, higher_is_better=False,
                                         group_code="g"), ["group_code"]).set_index("unit_code")["rank"]
    # Lower is better: B (1.0) first, C second, A third — both ways.
    assert bench.to_dict() == league.to_dict() == {"B": 1, "C": 2, "A": 3}


# --- periods -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("2016", "2016"), ("2016年", "2016"), ("2016.0", "2016"), ("2016年度", "2016"),
    ("2017-03", "2017-03"), ("2017/03", "2017-03"), ("2017.03", "2017-03"), ("2017-3", "2017-03"),
    ("2017／3", "2017-03"), (" 2017 - 03 ", "2017-03"), ("2017年1-3月", "2017-03"), ("2017年1—3月", "2017-03"),
    ("2017年3月", "2017-03"), ("2017年1—3月累计", "2017-03"),
    ("2017Q1", "2017Q1"), ("2017q2", "2017Q2"), ("2017年一季度", "2017Q1"), ("2017年1—3季度", "2017Q3"),
])
def test_one_parser_reads_every_way_of_writing_a_period(text, key):
    assert parse_period(text).key == key == Period.parse(text).key
    assert looks_like_period(text)


@pytest.mark.parametrize(("text", "message"), [
    ("2017-01", "1月与2月合并发布"),           # there is no January release
    ("2017/13", "月份应为2—12"),
    ("2017年上半年", "无法识别时期「2017年上半年」"),
    ("abc", "2017/03、2017.03"),             # the message says how to write it
    ("", "没有填写时期"),
    ("1800", "年份1800超出范围"),
])
def test_a_period_that_cannot_be_read_says_why_in_chinese(text, message):
    with pytest.raises(AppError, match=message):
        parse_period(text)


def test_the_importer_takes_what_the_parser_reads():
    # A header "2017/03" is a period column for the importer and parses to the same period.
    assert looks_like_period("2017/03") and looks_like_period("2017.03") and not looks_like_period("产值")


def test_resolve_period_asks_for_the_kind_and_defaults_to_the_latest():
    latest = Period.month(2017, 4)
    assert resolve_period(None, latest) == latest
    assert resolve_period("2017/03", latest) == Period.month(2017, 3)
    assert resolve_period("2016", latest, kind=None) == Period.annual(2016)
    with pytest.raises(AppError, match="不是月度（1—N月累计）时期：请写成 2017-03"):
        resolve_period("2016", latest)
    with pytest.raises(AppError, match="还没有月度数据") as caught:
        resolve_period("", None)
    assert caught.value.status == 404


# --- reads on the database -----------------------------------------------------------------------------------

def _write(rows: list[tuple[str, str, int, int, str]]) -> None:
    from newind.indicators.models import Indicator
    from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
    from newind.units.models import Unit

    out = []
    for ind_code, unit_code, year, n, value in rows:
        ind = Indicator.objects.get(code=ind_code)
        out.append({"indicator_id": ind.id, "unit_id": Unit.objects.get(code=unit_code).id, "year": year,
                    "period_kind": "M", "period_n": n, "value": Decimal(value), "measure_unit": ind.measure_unit,
                    "price_basis": ind.price_basis, "release": "official", "source": "测试", "original": "",
                    "is_synthetic": False})
    apply_observation_plan(plan_observations(candidate_frame(out)), None)


@pytest.fixture
def figures(reference_data):
    # 岳阳县 (430621, a county of the city): 1—3月 2016 and 2017, 1—12月 2016; 1—4月 2017 for 云溪区 only.
    _write([("industrial_va_above_size", "430621", 2016, 3, "45.2"),
            ("industrial_va_above_size", "430621", 2017, 3, "48.6"),
            ("industrial_va_above_size", "430621", 2016, 12, "190"),
            ("industrial_va_above_size", "430603", 2017, 4, "20"),
            ("industrial_tax", "430621", 2017, 5, "3")])


@pytest.mark.django_db
def test_period_frame_reads_this_period_and_last_year_once(figures):
    from newind.indicators.queries import period_frame

    frame = period_frame(Period.month(2017, 3), indicator_codes=["industrial_va_above_size"], unit_codes=["430621"])
    assert sorted(zip(frame["year"], frame["value"], strict=True)) == [(2016, 45.2), (2017, 48.6)]
    with_total = period_frame(Period.month(2017, 3), indicator_codes=["industrial_va_above_size"],
                              unit_codes=["430621"], with_last_year_total=True, exact=True)
    assert sorted(zip(with_total["year"], with_total["period_n"], with_total["value"], strict=True)) == [
        (2016, 3, Decimal("45.2")), (2016, 12, Decimal("190")), (2017, 3, Decimal("48.6"))]


@pytest.mark.django_db
def test_every_page_opens_on_the_office_month(figures, client_as):
    from newind.indicators.queries import latest_period, office_month, periods_with_figures
    from newind.reports.queries import available_periods, overview_period

    # The headline indicator's latest month for the city's counties is 1—4月 (云溪区); the tax's 1—5月 is not
    # the office's month (the headline has no 1—5月 yet).
    assert office_month() == Period.month(2017, 4) == overview_period(None)
    assert available_periods() == [Period.month(2017, 4), Period.month(2017, 3), Period.month(2016, 12),
                                   Period.month(2016, 3)]
    assert latest_period(["industrial_tax"]) == Period.month(2017, 5)
    assert latest_period(["industrial_tax"], kind=PeriodKind.QUARTER_CUM) is None
    assert periods_with_figures(["industrial_va_above_size"], ["430621"], year=2016) == [
        Period.month(2016, 12), Period.month(2016, 3)]
    # The targets page takes the same default as the dashboard.
    page = client_as("office").get("/targets/")
    assert page.status_code == 200 and page.context["period"] == Period.month(2017, 4)


@pytest.mark.django_db
def test_one_revision_path_keeps_the_history(figures):
    from newind.indicators.models import Indicator, Observation
    from newind.indicators.services import candidate_frame, record_revisions
    from newind.units.models import Unit

    ind, unit = Indicator.objects.get(code="industrial_va_above_size"), Unit.objects.get(code="430621")
    row = {"indicator_id": ind.id, "unit_id": unit.id, "year": 2017, "period_kind": "M", "period_n": 3,
           "value": Decimal("49.0"), "measure_unit": ind.measure_unit, "price_basis": ind.price_basis,
           "release": "revised", "source": "统计局复核", "original": "", "is_synthetic": False}
    _, batch, written = record_revisions(candidate_frame([row]), reason="复核", user=None, label="修订",
                                         source_kind="revision")
    versions = list(Observation.objects.filter(indicator=ind, unit=unit, year=2017, period_n=3)
                    .order_by("version").values_list("value", "is_current", "reason"))
    assert written == 1 and batch.notes == ["复核"]
    assert versions == [(Decimal("48.60000000"), False, ""), (Decimal("49.00000000"), True, "复核")]
    with pytest.raises(AppError, match="无需修改"):
        record_revisions(candidate_frame([row]), reason="再复核", user=None, label="修订", source_kind="revision")
