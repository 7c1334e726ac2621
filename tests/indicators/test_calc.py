"""Table-driven tests and invariants for the generic statistics in newind.indicators.calc."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.indicators.calc import (
    MIN_REPORTING,
    SHARE_BASIS_LABELS,
    SHARE_OF_GROUP_SUM,
    SHARE_OF_PARENT,
    attach_same_period_last_year,
    cagr_pct,
    change_on_last_year,
    change_unit,
    compares_as_difference,
    decumulate,
    difference_pp,
    rank_within_groups,
    ranking_applies,
    required_growth_by_year,
    required_growth_for_share,
    share_of_group_sum_pct,
    share_of_parent_pct,
    share_pct,
    yoy_growth_pct,
)

# --- de-cumulating 1–N月 figures ------------------------------------------------------------------------


def _cum(rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "year", "period_n", "value"])


def test_decumulate_first_release_is_jan_feb_combined_and_later_months_are_differences() -> None:
    # 1–2月 30, 1–3月 50, 1–4月 72: single 3月 = 50 − 30 = 20, 4月 = 72 − 50 = 22; 1–2月 covers 2 months.
    out = decumulate(_cum([("A", 2017, 2, 30.0), ("A", 2017, 3, 50.0), ("A", 2017, 4, 72.0)]), by=["unit"])
    assert out["single"].tolist() == [30.0, 20.0, 22.0]
    assert out["months"].tolist() == [2, 1, 1]


@pytest.mark.parametrize(
    ("rows", "expected_single", "expected_months"),
    [
        # a missing month (1–4月 not reported): 1–5月 has no predecessor, so no single value rather than a wrong one
        ([("A", 2017, 2, 30.0), ("A", 2017, 3, 50.0), ("A", 2017, 5, 100.0)], [30.0, 20.0, None], [2, 1, None]),
        # a year that starts late (first figure 1–3月): not a first release, nothing to subtract from
        ([("A", 2017, 3, 50.0), ("A", 2017, 4, 70.0)], [None, 20.0], [None, 1]),
        # years never mix: 2018's 1–2月 stands alone even though 2017's 1–12月 precedes it
        ([("A", 2017, 12, 400.0), ("A", 2018, 2, 35.0), ("A", 2018, 3, 60.0)], [None, 35.0, 25.0], [None, 2, 1]),
        # a negative single month (a cumulative figure revised down) is kept as reported
        ([("A", 2017, 2, 30.0), ("A", 2017, 3, 28.0)], [30.0, -2.0], [2, 1]),
    ],
)
def test_decumulate_table(rows: list[tuple[str, int, int, float]], expected_single: list[float | None],
                          expected_months: list[int | None]) -> None:
    out = decumulate(_cum(rows), by=["unit"])
    got = [None if pd.isna(v) else v for v in out["single"]]
    months = [None if pd.isna(v) else int(v) for v in out["months"]]
    assert got == expected_single
    assert months == expected_months


def test_decumulate_keeps_units_apart() -> None:
    out = decumulate(_cum([("A", 2017, 2, 10.0), ("B", 2017, 2, 100.0), ("A", 2017, 3, 25.0),
                           ("B", 2017, 3, 130.0)]), by=["unit"])
    singles = out.set_index(["unit", "period_n"])["single"]
    assert singles[("A", 3)] == 15.0
    assert singles[("B", 3)] == 30.0


@settings(deadline=None, max_examples=60)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=11))
def test_decumulate_singles_add_back_to_the_cumulative_figure(increments: list[float]) -> None:
    # Invariant: with every month present, the singles of 1–2月 … 1–N月 sum to the 1–N月 figure.
    cumulative = np.cumsum(increments)
    frame = _cum([("A", 2017, n + 2, float(v)) for n, v in enumerate(cumulative)])
    out = decumulate(frame, by=["unit"])
    assert out["single"].sum() == pytest.approx(cumulative[-1], rel=1e-9, abs=1e-6)
    assert out["months"].sum() == len(increments) + 1  # 1–2月 counts two months


# --- year-on-year growth of levels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (110.0, 100.0, 10.0),
        (3100.872, 2886.28, (3100.872 / 2886.28 - 1) * 100),  # Yueyang GDP 2016 over 2015: 7.4349…%
        (90.0, 100.0, -10.0),
        (5.0, 0.0, None),  # no growth from zero
        (5.0, -2.0, None),  # nor from a negative base
        (5.0, None, None),  # nor from a missing figure
    ],
)
def test_yoy_growth_pct_table(current: float, previous: float | None, expected: float | None) -> None:
    got = yoy_growth_pct(pd.Series([current]), pd.Series([previous], dtype=float)).iloc[0]
    scalar = yoy_growth_pct(current, previous)  # the same rule on plain numbers (a report's 同比 column)
    if expected is None:
        assert pd.isna(got) and math.isnan(scalar)
    else:
        assert got == pytest.approx(expected) and scalar == pytest.approx(expected)


@pytest.mark.parametrize(
    ("current", "previous", "kind", "expected"),
    [
        # A rate changes by its difference: 8.8% → 8.6% is −0.2 个百分点, not (8.6 / 8.8 − 1) = −2.3%.
        (8.6, 8.8, "rate", -0.2),
        # −15.7% → −5.2% is +10.5 个百分点, not 66.9%.
        (-5.2, -15.7, "rate", 10.5),
        # A ratio (园区增加值占比 52.0% → 54.5%) likewise: +2.5 个百分点.
        (54.5, 52.0, "ratio", 2.5),
        (5.0, None, "rate", None),
        # A level grows: 195.3 / 180.5 − 1 = 8.1994…%.
        (195.3, 180.5, "level", (195.3 / 180.5 - 1) * 100),
        (126.0, 121.0, "count", (126 / 121 - 1) * 100),
        # A profit from −10 to 5 has no growth rate; nor does anything from a zero base.
        (5.0, -10.0, "level", None),
        (5.0, 0.0, "per_unit", None),
    ],
)
def test_change_on_last_year_follows_the_rate_rule(current: float, previous: float | None, kind: str,
                                                   expected: float | None) -> None:
    got = change_on_last_year(current, previous, kind)
    if expected is None:
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected)
    series = change_on_last_year(pd.Series([current]), pd.Series([previous], dtype=float), kind)
    assert (pd.isna(series.iloc[0]) if expected is None else series.iloc[0] == pytest.approx(expected))


@pytest.mark.parametrize(
    ("kind", "unit", "expected"),
    [("rate", "%", "个百分点"), ("ratio", "%", "个百分点"), ("ratio", "吨标准煤/万元", "吨标准煤/万元"),
     ("level", "亿元", "%"), ("count", "个", "%"), ("per_unit", "元", "%")],
)
def test_change_unit(kind: str, unit: str, expected: str) -> None:
    assert change_unit(kind, unit) == expected
    assert compares_as_difference(kind) == (kind in {"rate", "ratio"})


@pytest.mark.parametrize(
    ("own", "other", "expected"),
    [(7.94, 7.26, 0.6), (5.4, 7.1, -1.7), (None, 7.1, None), (float("nan"), 7.1, None), (7.1, 7.1, 0.0)],
)
def test_difference_pp_of_the_figures_as_shown(own: float | None, other: float, expected: float | None) -> None:
    # 7.94 and 7.26 are shown as 7.9 and 7.3: the sentence says 0.6, not 0.68.
    got = difference_pp(own, other)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_attach_same_period_last_year_matches_unit_and_period() -> None:
    frame = pd.DataFrame({"unit": ["A", "A", "A"], "year": [2016, 2017, 2017], "period_n": [11, 11, 10],
                          "value": [80.0, 88.0, 70.0]})
    out = attach_same_period_last_year(frame, by=["unit"])
    by_key = out.set_index(["year", "period_n"])["last_year_value"]
    assert by_key[(2017, 11)] == 80.0
    assert pd.isna(by_key[(2017, 10)])  # 2016年1—10月 not present


# --- compound growth --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "years", "expected"),
    [
        (100.0, 121.0, 2, 10.0),  # 100 × 1.1² = 121
        (100.0, 100.0, 5, 0.0),
        (100.0, 50.0, 1, -50.0),
        # Yueyang GDP 2012→2016: (3100.872 / 2199.917)^(1/4) − 1 = 8.9603…%
        (2199.917, 3100.872, 4, ((3100.872 / 2199.917) ** 0.25 - 1) * 100),
        (0.0, 10.0, 3, None),
        (10.0, -1.0, 3, None),
        (10.0, 20.0, 0, None),
    ],
)
def test_cagr_pct_table(first: float, last: float, years: int, expected: float | None) -> None:
    got = cagr_pct(first, last, years)
    assert isinstance(got, float)
    if expected is None:
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected)


def test_cagr_pct_is_elementwise_on_series_and_keeps_the_index() -> None:
    got = cagr_pct(pd.Series([100.0, 0.0], index=["A", "B"]), pd.Series([121.0, 5.0], index=["A", "B"]), 2)
    assert got.index.tolist() == ["A", "B"]
    assert got["A"] == pytest.approx(10.0)
    assert pd.isna(got["B"])


@settings(deadline=None, max_examples=60)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.floats(min_value=1, max_value=1e6), st.floats(min_value=-50, max_value=100),
       st.integers(min_value=1, max_value=30))
def test_cagr_pct_inverts_compounding(first: float, rate: float, years: int) -> None:
    last = first * (1 + rate / 100) ** years
    assert cagr_pct(first, last, years) == pytest.approx(rate, abs=1e-6)


# --- shares -----------------------------------------------------------------------------------------------


def test_share_bases_are_labelled() -> None:
    assert set(SHARE_BASIS_LABELS) == {SHARE_OF_PARENT, SHARE_OF_GROUP_SUM}
    assert all(SHARE_BASIS_LABELS.values())


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (3100.872, 31551.37, 3100.872 / 31551.37 * 100),  # Yueyang / Hunan 2016: 9.8280…%
        (0.0, 10.0, 0.0),
        (5.0, 0.0, None),
        (5.0, None, None),
    ],
)
def test_share_pct_table(part: float, whole: float | None, expected: float | None) -> None:
    got = share_pct(pd.Series([part]), pd.Series([whole], dtype=float)).iloc[0]
    assert pd.isna(got) if expected is None else got == pytest.approx(expected)


def test_share_of_group_sum_uses_only_reported_rows_per_year() -> None:
    frame = pd.DataFrame({"year": [2016, 2016, 2016, 2017, 2017],
                          "value": [30.0, 70.0, None, 25.0, 75.0]})
    got = share_of_group_sum_pct(frame, "value", ["year"])
    assert got.tolist()[:2] == [30.0, 70.0]
    assert pd.isna(got.iloc[2])
    assert got.tolist()[3:] == [25.0, 75.0]


def test_share_of_parent_uses_the_parents_own_figure_not_the_sum() -> None:
    # Parts sum to 105 but the parent published 100: shares of the parent are 50% and 55%.
    frame = pd.DataFrame({"year": [2016, 2016, 2017], "value": [50.0, 55.0, 10.0]})
    parent = pd.DataFrame({"year": [2016], "value": [100.0]})
    got = share_of_parent_pct(frame, parent, "value", ["year"])
    assert got.iloc[:2].tolist() == pytest.approx([50.0, 55.0])
    assert pd.isna(got.iloc[2])  # no parent figure for 2017


@settings(deadline=None, max_examples=60)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=2, max_size=20))
def test_group_shares_sum_to_100(values: list[float]) -> None:
    frame = pd.DataFrame({"year": 2016, "value": values})
    assert share_of_group_sum_pct(frame, "value", ["year"]).sum() == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("values", "minimum", "expected"),
    [
        # One member with a figure (the others have none) is not "100% of the group": no share at all.
        ([40.0, None, None], 2, [None, None, None]),
        # Two of three reported: 40 / (40 + 60) = 40 %, 60 / 100 = 60 %; the member without a figure has none.
        ([40.0, 60.0, None], 2, [40.0, 60.0, None]),
        # The same two, in a group that asks for three members with a figure: no share.
        ([40.0, 60.0, None], 3, [None, None, None]),
        # 10 / (10 + 30 + 60) = 10 %, 30 %, 60 %.
        ([10.0, 30.0, 60.0], 3, [10.0, 30.0, 60.0]),
    ],
)
def test_group_shares_need_enough_members_reporting(values: list[float | None], minimum: int,
                                                    expected: list[float | None]) -> None:
    frame = pd.DataFrame({"year": 2016, "value": values})
    got = share_of_group_sum_pct(frame, "value", ["year"], minimum)
    assert [None if pd.isna(v) else pytest.approx(v) for v in got] == expected


@pytest.mark.parametrize(
    ("reported", "minimum", "expected"),
    [
        (0, 2, False), (1, 2, False), (2, 2, True), (13, 2, True),
        (2, 3, False), (3, 3, True),
        (1, 1, False),  # a minimum below 2 is never honoured: a unit alone is never ranked
        (None, 2, False), (float("nan"), 2, False), (pd.NA, 2, False), (2, None, False),
    ],
)
def test_ranking_applies_table(reported: object, minimum: object, expected: bool) -> None:
    assert ranking_applies(reported, minimum) is expected


def test_ranking_applies_elementwise_with_each_groups_own_minimum() -> None:
    reported = pd.Series([1, 2, 2, 3], index=[10, 11, 12, 13])
    minimum = pd.Series([2, 2, 3, 3], index=[10, 11, 12, 13])
    assert ranking_applies(reported, minimum).tolist() == [False, True, False, True]
    assert ranking_applies(np.array([1, 2, 3])).tolist() == [False, True, True]
    assert MIN_REPORTING == 2


# --- the growth needed to reach a share of the province ---------------------------------------------------


@pytest.mark.parametrize(
    ("share0", "target", "years", "province_growth", "required", "differential"),
    [
        # Same share: grow exactly as fast as the province.
        (10.0, 10.0, 4, 7.0, 7.0, 0.0),
        # Double the share in one year with a flat province: grow 100%.
        (5.0, 10.0, 1, 0.0, 100.0, 100.0),
        # Yueyang 2016 share 9.828% → 12% by 2020 (4 years), province +7.5%/year:
        # r = 1.075 × (12 / 9.828011)^(1/4) − 1 = 1.075 × 1.051180… − 1 = 13.0019…%; differential 5.50 points.
        (3100.872 / 31551.37 * 100, 12.0, 4, 7.5,
         (1.075 * (12 / (3100.872 / 31551.37 * 100)) ** 0.25 - 1) * 100,
         (1.075 * (12 / (3100.872 / 31551.37 * 100)) ** 0.25 - 1.075) * 100),
        (0.0, 12.0, 4, 7.5, None, None),
        (10.0, 12.0, 0, 7.5, None, None),
    ],
)
def test_required_growth_for_share_table(share0: float, target: float, years: int, province_growth: float,
                                         required: float | None, differential: float | None) -> None:
    got = required_growth_for_share(share0, target, years, province_growth).iloc[0]
    if required is None:
        assert pd.isna(got["required_growth_pct"])
        assert pd.isna(got["differential_pp"])
    else:
        assert got["required_growth_pct"] == pytest.approx(required)
        assert got["differential_pp"] == pytest.approx(differential, abs=1e-9)


def test_required_growth_for_share_hand_figure() -> None:
    # Written out: 12 / 9.828011 = 1.221000…, fourth root 1.051180…, × 1.075 = 1.130019 → 13.00%.
    got = required_growth_for_share(9.828011, 12.0, 4, 7.5).iloc[0]
    assert round(got["required_growth_pct"], 2) == 13.00
    assert round(got["differential_pp"], 2) == 5.50


@settings(deadline=None, max_examples=60)  # pandas on a busy 2-core CI box: no per-example deadline
@given(st.floats(min_value=0.1, max_value=50), st.floats(min_value=0.1, max_value=50),
       st.integers(min_value=1, max_value=20), st.floats(min_value=-10, max_value=20))
def test_required_growth_reaches_the_target_share(share0: float, target: float, years: int, g: float) -> None:
    r = required_growth_for_share(share0, target, years, g).iloc[0]["required_growth_pct"]
    share_after = share0 * ((1 + r / 100) / (1 + g / 100)) ** years
    assert share_after == pytest.approx(target, rel=1e-9)


def test_required_growth_by_year_from_the_base_year_levels() -> None:
    # Yueyang 3100.872 of Hunan 31551.37 in 2016 = 9.828011 %; 12 % by 2020 (4 years) with Hunan at +7.5 %:
    # 1.075 × (12 / 9.828011)^(1/4) − 1 = 13.00 % a year, 5.50 points above the province.
    got = required_growth_by_year(3100.872, 31551.37, 2016, 12.0, 2020, 7.5).iloc[0]
    assert got["current_share_pct"] == pytest.approx(9.828011, abs=1e-6)
    assert got["years"] == 4
    assert round(got["required_growth_pct"], 2) == 13.00
    assert round(got["differential_pp"], 2) == 5.50
    several = required_growth_by_year(pd.Series([3100.872, 0.0]), 31551.37, 2016, 12.0, 2020, 7.5)
    assert len(several) == 2 and pd.isna(several.iloc[1]["required_growth_pct"])


# --- ranks (the spine's rank_within_groups, which benchmarking builds on) ---------------------------------


@pytest.mark.parametrize(
    ("values", "higher", "ranks", "tied"),
    [
        ([10.0, 30.0, 20.0], True, [3, 1, 2], [False, False, False]),
        ([10.0, 30.0, 20.0], False, [1, 3, 2], [False, False, False]),
        ([30.0, 30.0, 20.0], True, [1, 1, 3], [True, True, False]),  # 并列第1, then 3rd (competition ranking)
        ([30.0, None, 20.0], True, [1, None, 2], [False, False, False]),
        # Only one member has a figure: not "第1位 among 1" — nobody is ranked, but one is counted as reported.
        ([None, 30.0, None], True, [None, None, None], [False, False, False]),
        ([30.0], True, [None], [False]),
    ],
)
def test_rank_within_groups_table(values: list[float | None], higher: bool, ranks: list[int | None],
                                  tied: list[bool]) -> None:
    out = rank_within_groups(pd.DataFrame({"y": 1, "v": values}), "v", ["y"], higher)
    assert [None if pd.isna(r) else int(r) for r in out["rank"]] == ranks
    assert out["tied"].tolist() == tied
    assert set(out["reported"]) == {sum(v is not None for v in values)}
    assert set(out["ranked"]) == {sum(v is not None for v in values) >= 2}


def test_rank_within_groups_uses_each_groups_own_minimum() -> None:
    # Group a: 2 reported, minimum 2 → ranked 1, 2. Group b: 2 reported, minimum 3 → not ranked.
    frame = pd.DataFrame({"g": ["a", "a", "b", "b", "b"], "v": [5.0, 7.0, 5.0, 7.0, None],
                          "min": [2, 2, 3, 3, 3]})
    out = rank_within_groups(frame, "v", ["g"], True, minimum=frame["min"])
    assert [None if pd.isna(r) else int(r) for r in out["rank"]] == [2, 1, None, None, None]
    assert out["reported"].tolist() == [2, 2, 2, 2, 2]
    assert out["ranked"].tolist() == [True, True, False, False, False]
