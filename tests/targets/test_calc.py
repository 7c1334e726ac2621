"""Schedule (序时进度) arithmetic, completion, decomposition checks and the share-target path."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.core.errors import AppError
from newind.indicators.periods import Period
from newind.targets.calc import (
    calendar_schedule_pct,
    completion_pct,
    decomposition_check,
    direct_gap_pts,
    schedule_frame,
    share_target_path,
    vs_target_gap_text,
    vs_target_text,
)


@pytest.mark.parametrize(("period", "expected"), [
    ("2017-02", 2 / 12 * 100),  # 1—2月 is the first release and covers two months
    ("2017-03", 25.0),
    ("2017-06", 50.0),
    ("2017-11", 11 / 12 * 100),
    ("2017-12", 100.0),
    ("2017", 100.0),
    ("2017Q1", 25.0),
    ("2017Q3", 75.0),
])
def test_calendar_schedule_follows_months_covered(period, expected):
    assert calendar_schedule_pct(Period.parse(period).months_covered) == pytest.approx(expected)


def test_there_is_no_january_period():
    with pytest.raises(AppError):
        Period.month(2017, 1)


def test_schedule_frame_calendar_and_last_year_profile():
    frame = pd.DataFrame({
        "months": [2, 3, 3, 3, 3, 12],
        "basis": ["calendar", "calendar", "last_year", "last_year", "last_year", "last_year"],
        "last_year_cum": [10.0, 20.0, 18.0, np.nan, 0.0, 100.0],
        "last_year_total": [100.0, 100.0, 120.0, 100.0, 100.0, 100.0],
    })
    out = schedule_frame(frame)
    assert out["schedule_pct"].tolist() == pytest.approx([2 / 12 * 100, 25.0, 15.0, 25.0, 25.0, 100.0])
    # last year's profile is used only where it exists; otherwise the calendar, and the row says so
    assert out["basis_used"].tolist() == ["calendar", "calendar", "last_year", "calendar", "calendar",
                                          "last_year"]


@pytest.mark.parametrize(("actual", "target", "base", "expected"), [
    (25.0, 100.0, None, 25.0),
    (0.0, 100.0, None, 0.0),
    (120.0, 100.0, None, 120.0),
    (10.0, 0.0, None, math.nan),  # a zero target has no completion rate
    # a stock (时点数): the share of the planned increase from last year's year-end figure
    (105.0, 120.0, 100.0, 25.0),
    (95.0, 120.0, 100.0, -25.0),
    (105.0, 100.0, 110.0, 105.0),  # planned decrease: falls back to actual / target
])
def test_completion(actual, target, base, expected):
    got = completion_pct(actual, target, base)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


@pytest.mark.parametrize(("actual", "target", "higher", "gap"), [
    (5.4, 8.0, True, 2.6),
    (9.0, 8.0, True, -1.0),
    (-3.0, -5.0, False, 2.0),  # energy intensity should fall 5%; it fell 3%: 2 points short
])
def test_direct_gap(actual, target, higher, gap):
    assert direct_gap_pts(actual, target, higher) == pytest.approx(gap)


@pytest.mark.parametrize(("whole", "parts", "covers", "difference", "message"), [
    (1000.0, [600.0, 400.0], True, 0.0, "分解合计与全市目标相等（1,000.00亿元）。"),
    (1000.0, [600.0, 380.0], False, -20.0, "分解合计比全市目标少 20.00亿元：请补足分解任务，或调整全市目标。"),
    (1000.0, [600.0, 450.5], True, 50.5, "分解合计比全市目标多 50.50亿元，已覆盖全市目标。"),
    (1000.0, [600.0, 399.996], True, -0.004, "分解合计与全市目标相等（1,000.00亿元）。"),  # below display precision
    (1000.0, [], False, -1000.0, "尚未分解到下级单位。"),
])
def test_decomposition_check(whole, parts, covers, difference, message):
    check = decomposition_check(whole, parts, measure_unit="亿元", decimals=2)
    assert check.covers is covers
    assert check.difference == pytest.approx(difference)
    assert check.message == message


def test_share_target_path_matches_the_compound_formula():
    # 10% of the province now; 12% in 4 years with the province growing 8% a year.
    result = share_target_path([80.0, 90.0, 100.0], [800.0, 900.0, 1000.0], [2014, 2015, 2016],
                               target_share_pct=12.0, by_year=2020, province_growth_pct=8.0, recent_years=2)
    r = (1.08 * (1.2 ** 0.25) - 1) * 100
    assert result.current_share_pct == pytest.approx(10.0)
    assert result.required_growth_pct == pytest.approx(r)
    assert result.required_differential_pp == pytest.approx(r - 8.0)
    assert result.recent_differential_pp == pytest.approx(0.0, abs=1e-9)  # grew as fast as the province
    assert result.reachable_on_trend is False
    assert result.path["required_share_pct"].iloc[-1] == pytest.approx(12.0)
    assert result.path["trend_share_pct"].iloc[-1] == pytest.approx(10.0)
    assert "不能达到目标" in result.message


def test_share_target_path_refuses_a_past_year():
    with pytest.raises(AppError):
        share_target_path([1.0, 2.0], [10.0, 20.0], [2015, 2016], target_share_pct=12, by_year=2016,
                          province_growth_pct=5)


@settings(max_examples=60, deadline=None)
@given(share=st.floats(1.0, 40.0), target=st.floats(1.0, 40.0), years=st.integers(1, 10),
       g=st.floats(-5.0, 15.0))
def test_growing_at_the_required_rate_reaches_the_target(share, target, years, g):
    province = [1000.0, 1000.0 * (1 + g / 100)]
    unit = [province[0] * share / 100, province[1] * share / 100]
    result = share_target_path(unit, province, [2015, 2016], target_share_pct=target, by_year=2016 + years,
                               province_growth_pct=g)
    r = result.required_growth_pct / 100
    end_share = unit[1] * (1 + r) ** years / (province[1] * (1 + g / 100) ** years) * 100
    assert end_share == pytest.approx(target, rel=1e-9)
    assert (result.required_differential_pp >= 0) == (target >= share - 1e-9) or abs(target - share) < 1e-6


@pytest.mark.parametrize(("actual", "target", "unit", "decimals", "expected"), [
    # gap = direct_gap_pts(actual, target): 8.0 − 6.2 = 1.8 short of the target
    (6.2, 8.0, "%", 1, "实际 6.2%，目标 8.0%，差 1.8 个百分点"),
    (-3.9, 6.5, "%", 1, "实际 -3.9%，目标 6.5%，差 10.4 个百分点"),  # was "完成 -60.0%"
    (8.6, 6.0, "%", 1, "实际 8.6%，目标 6.0%，超 2.6 个百分点"),  # was "完成 143.3%"
    (8.0, 8.0, "%", 1, "实际 8.0%，目标 8.0%，持平"),
    (None, 8.0, "%", 1, "实际 —，目标 8.0%"),  # no figure yet: no gap, and no "—%"
    (0.62, 0.60, "吨标准煤/万元", 3, "实际 0.620吨标准煤/万元，目标 0.600吨标准煤/万元，超 0.020 吨标准煤/万元"),
])
def test_vs_target_text(actual, target, unit, decimals, expected):
    gap = direct_gap_pts(actual if actual is not None else float("nan"), target)
    assert vs_target_text(actual, target, gap, unit, decimals) == expected


def test_vs_target_gap_text_for_lower_is_better():
    # Energy per unit of value added, lower is better: 0.62 against 0.60 is 0.02 short of the target.
    gap = direct_gap_pts(0.62, 0.60, higher_is_better=False)
    assert vs_target_gap_text(gap, "吨标准煤/万元", 2) == "差 0.02 吨标准煤/万元"
    assert vs_target_gap_text(float("nan")) == "—"
