"""Park arithmetic against hand calculations: entry thresholds, progress to 百亿/千亿, 主导产业集聚度."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from newind.core.errors import AppError
from newind.parks import calc
from newind.parks.services import load_thresholds


def test_the_shipped_thresholds_are_yueyangs_2017_rule() -> None:
    assert load_thresholds() == {
        "national": {"investment": 300.0, "tax": 30.0, "output": 500.0},
        "provincial": {"investment": 200.0, "tax": 20.0, "output": 300.0},
        "municipal": {},
    }


def test_a_firm_is_checked_per_mu_against_its_park_levels_thresholds() -> None:
    rules = load_thresholds()
    # 50 亩; investment 16000万元 → 320/亩 ≥ 300; tax 1400 → 28/亩 < 30; output 25000 → 500/亩 = 500 (meets).
    checks = {c.measure: c for c in calc.check_entry("national", 50, {"investment": 16000, "tax": 1400,
                                                                        "output": 25000}, rules)}
    assert (checks["investment"].per_mu, checks["investment"].passed) == (320.0, True)
    assert (checks["tax"].per_mu, checks["tax"].passed) == (28.0, False)
    assert (checks["output"].per_mu, checks["output"].passed) == (500.0, True)
    assert checks["tax"].text == "亩均税收 28.00 万元/亩，未达到门槛 30 万元/亩"
    # The same firm in a provincial park passes all three (200 / 20 / 300).
    assert all(c.passed for c in calc.check_entry("provincial", 50, {"investment": 16000, "tax": 1400,
                                                                       "output": 25000}, rules))


def test_no_land_or_no_figure_cannot_pass_or_fail() -> None:
    rules = load_thresholds()
    checks = calc.check_entry("provincial", None, {"investment": 100, "tax": None}, rules)
    assert {c.passed for c in checks} == {None}
    assert calc.check_entry("municipal", 10, {"tax": 1}, rules) == []
    with pytest.raises(AppError, match="没有「county」园区的入园门槛"):
        calc.check_entry("county", 10, {}, rules)


def test_bad_threshold_definitions_are_refused() -> None:
    with pytest.raises(AppError, match="不是门槛指标"):
        calc.parse_thresholds({"levels": {"national": {"rent": 5}}})
    with pytest.raises(AppError, match="应为不小于0的数"):
        calc.parse_thresholds({"levels": {"national": {"tax": -1}}})


def test_progress_to_a_hundred_yi_by_hand() -> None:
    # 80亿 in 2017, 100亿 by 2019: (100/80)^(1/2) − 1 = 11.8034 % a year; gap 20亿.
    p = calc.progress_to_line(80.0, 100.0, 2017, 2019)
    assert p.gap == 20.0 and not p.crossed
    assert p.required_growth_pct == pytest.approx((math.sqrt(1.25) - 1) * 100, abs=1e-9)
    assert p.text() == "差20.00亿元，需年均增长11.80%"
    assert calc.progress_to_line(120.0, 100.0, 2017, 2019).text() == "已跨越100亿元"
    assert calc.progress_to_line(None, 100.0, 2017, 2019).text() == "暂无数据"
    # The target year is not after the base year: a gap but no growth rate.
    assert calc.progress_to_line(80.0, 100.0, 2017, 2017).required_growth_pct is None


def test_progress_frame_matches_the_single_calculation() -> None:
    current = pd.Series({1: 80.0, 2: 150.0, 3: float("nan"), 4: 500.0})
    frame = calc.progress_frame(current, 1000.0, 2017, 2020)
    # 80 → 1000 in 3 years: (12.5)^(1/3) − 1 = 132.079 %; 500 → 1000: 2^(1/3) − 1 = 25.992 %.
    assert frame.at[1, "required_growth_pct"] == pytest.approx((12.5 ** (1 / 3) - 1) * 100)
    assert frame.at[4, "required_growth_pct"] == pytest.approx((2 ** (1 / 3) - 1) * 100)
    assert frame.at[2, "gap"] == 850.0 and math.isnan(frame.at[3, "gap"]) and not frame.at[3, "crossed"]
    crossed = calc.progress_frame(pd.Series({1: 1200.0}), 1000.0, 2017, 2020)
    assert crossed.at[1, "gap"] == 0 and bool(crossed.at[1, "crossed"]) and crossed.at[1, "required_growth_pct"] == 0


def test_concentration_is_the_leading_industries_share_of_output() -> None:
    firms = pd.DataFrame({
        "park_id": [1, 1, 1, 2, 2],
        "industry_code": ["2511", "2614", "3411", "1331", "1391"],
        "output": [600.0, 200.0, 200.0, 0.0, 0.0],
    })
    out = calc.concentration(firms, {1: ["25", "26"], 2: ["13"]})
    # Park 1: (600 + 200) / 1000 = 80 %; park 2 has no output, so no share.
    assert out.at[1, "share_pct"] == pytest.approx(80.0)
    assert out.at[1, "firms"] == 3 and out.at[1, "leading_output"] == 800.0
    assert math.isnan(out.at[2, "share_pct"])


def test_an_industry_prefix_matches_its_subclasses_only() -> None:
    codes = pd.Series(["2611", "2711", "26", "", None])
    assert calc.matches_industries(codes, ["26"]).tolist() == [True, False, True, False, False]


def test_entry_frame_checks_many_firms_like_check_entry() -> None:
    rules = load_thresholds()
    frame = pd.DataFrame({"level": ["national", "provincial", "provincial", "municipal"],
                          "land_mu": [50.0, 10.0, 0.0, 10.0], "tax": [1400.0, 250.0, 100.0, 1.0],
                          "output": [25000.0, float("nan"), 100.0, 1.0]})
    out = calc.entry_frame(frame, rules)
    # 1400/50 = 28 < 30 (national); 250/10 = 25 ≥ 20 (provincial); no land; municipal has no threshold.
    assert out["tax_per_mu"].iloc[:2].tolist() == [28.0, 25.0]
    assert out["tax_passed"].tolist() == [False, True, pd.NA, pd.NA]
    assert out["output_passed"].tolist() == [True, pd.NA, pd.NA, pd.NA]
