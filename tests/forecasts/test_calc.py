"""Forecast methods, errors, intervals, probabilities and the backtest on small frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newind.forecasts import calc
from newind.forecasts.ets import ets_year_forecasts, fit_params, remaining_sums, singles

SEASON = np.array([0.062, 0.058, 0.083, 0.082, 0.085, 0.088, 0.080, 0.082, 0.090, 0.092, 0.096, 0.102])


def history(units: dict[str, float], years: range, growth: float = 0.08, last_n: int = 12,
            noise: float = 0.0, seed: int = 1) -> pd.DataFrame:
    """Cumulative 1—N月 rows (n = 2..12; no January release) on a seasonal profile."""
    rng = np.random.default_rng(seed)
    rows = []
    for code, size in units.items():
        for k, year in enumerate(years):
            single = size * (1 + growth) ** k * SEASON / SEASON.sum() * rng.lognormal(0, noise, 12)
            cum = np.cumsum(single)
            top = last_n if year == years[-1] else 12
            rows += [{"unit_code": code, "year": year, "period_n": n, "value": cum[n - 1]} for n in range(2, top + 1)]
    return pd.DataFrame(rows)


def test_cube_places_1_2月_at_month_2_and_leaves_january_empty():
    cube = calc.to_cube(history({"A": 120.0}, range(2015, 2017)))
    assert cube.units == ["A"] and cube.years == [2015, 2016]
    assert np.isnan(cube.values[0, :, 0]).all()
    assert cube.values[0, 0, 11] == pytest.approx(120.0)


def test_seasonal_naive_and_run_rate():
    h = pd.DataFrame([
        {"unit_code": "A", "year": 2016, "period_n": 3, "value": 20.0},
        {"unit_code": "A", "year": 2016, "period_n": 12, "value": 100.0},
        {"unit_code": "A", "year": 2017, "period_n": 3, "value": 24.0},
    ])
    f = calc.flow_forecasts(calc.to_cube(h), 2017, 3).iloc[0]
    assert f["seasonal_naive"] == pytest.approx(24.0 / 0.20)  # last year 20% done by 1—3月
    assert f["run_rate"] == pytest.approx(24.0 * 12 / 3)
    assert f["combo"] == pytest.approx(f["seasonal_naive"])  # no model forecast: the combination is the rest


def test_point_forecasts_carry_and_drift():
    h = pd.DataFrame([
        {"unit_code": "A", "year": 2016, "period_n": 5, "value": 7.0},
        {"unit_code": "A", "year": 2016, "period_n": 12, "value": 8.0},
        {"unit_code": "A", "year": 2017, "period_n": 5, "value": 6.0},
    ])
    f = calc.point_forecasts(calc.to_cube(h), 2017, 5).iloc[0]
    assert f["carry"] == 6.0 and f["drift"] == pytest.approx(7.0) and f["point_combo"] == pytest.approx(6.5)


def test_a_perfectly_seasonal_history_is_forecast_exactly_by_seasonal_naive():
    cube = calc.to_cube(history({"A": 100.0, "B": 50.0}, range(2013, 2017)))
    cases = calc.backtest_cases(cube, "flow")
    sn = cases[cases["method"] == "seasonal_naive"]
    assert set(sn["year"]) == {2014, 2015, 2016}
    assert np.allclose(sn["forecast"], sn["actual"] / 1.08 * 1.08, rtol=1e-9)
    assert np.abs(sn["error"]).max() < 1e-9
    summary = calc.summarise_backtest(cases, "flow")
    assert summary[summary["is_chosen"]].iloc[0]["method"] in ("seasonal_naive", "combo")
    assert summary.set_index("method").loc["run_rate", "mape"] > 1.0  # Q4-heavy year: run-rate is biased


def test_backtest_skips_an_incomplete_year():
    cube = calc.to_cube(history({"A": 100.0}, range(2014, 2018), last_n=11))
    cases = calc.backtest_cases(cube, "flow")
    assert 2017 not in set(cases["year"])


def test_interval_and_probability_from_errors():
    errors = np.log(np.array([0.9, 0.95, 1.0, 1.05, 1.1] * 4))
    lo, hi = calc.interval(100.0, errors, "flow")
    # 20 errors, four of each: the 10th and 90th percentiles are the extremes 0.9 and 1.1
    assert float(lo) == pytest.approx(90.0) and float(hi) == pytest.approx(110.0)
    assert calc.prob_at_least(100.0, errors, 100.0, "flow")[0] == pytest.approx(0.6)
    assert calc.prob_at_least(100.0, errors, 111.0, "flow")[0] == 0.0
    assert calc.prob_at_least(100.0, errors, 100.0, "flow", higher_is_better=False)[0] == pytest.approx(0.6)
    add = calc.prob_at_least(np.array([5.0, 8.0]), np.array([-1.0, 0.0, 1.0]), np.array([6.0, 6.0]), "point")
    assert add.tolist() == pytest.approx([1 / 3, 1.0])


def test_errors_for_month_pools_when_few():
    by_n = {2: [0.1, 0.2], 3: [0.3] * 10}
    assert calc.errors_for_month(by_n, 3).size == 10
    assert calc.errors_for_month(by_n, 2).size == 12


@settings(max_examples=40, deadline=None)
@given(f=st.floats(1.0, 1e4), e=st.lists(st.floats(-0.5, 0.5), min_size=3, max_size=40))
def test_interval_contains_the_forecast_when_errors_straddle_zero(f, e):
    errors = np.array([*e, -0.6, 0.6])
    lo, hi = calc.interval(f, errors, "flow")
    assert lo <= hi
    p_low = calc.prob_at_least(f, errors, lo, "flow")[0]
    p_high = calc.prob_at_least(f, errors, hi, "flow")[0]
    assert p_low >= p_high  # a higher threshold is never more likely to be met


def test_fixed_parameter_recursion_equals_statsmodels():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = np.random.default_rng(3)
    y = np.concatenate([SEASON * 100 * 1.07 ** k * rng.lognormal(0, 0.03, 12) for k in range(4)])
    params = fit_params(y[:36])
    assert params is not None
    ours = remaining_sums(y, params, [2, 5, 11], 36)
    for n, rest in ours.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ExponentialSmoothing(
                y[:36 + n], trend="add", seasonal=params["seasonal"], seasonal_periods=12,
                initialization_method="known", initial_level=params["initial_level"],
                initial_trend=params["initial_trend"], initial_seasonal=np.asarray(params["initial_seasons"]),
            ).fit(smoothing_level=params["smoothing_level"], smoothing_trend=params["smoothing_trend"],
                  smoothing_seasonal=params["smoothing_seasonal"], optimized=False)
        assert rest == pytest.approx(float(model.forecast(12 - n).sum()), rel=1e-9)


def test_ets_forecasts_a_clean_seasonal_series_closely():
    cube = calc.to_cube(history({"A": 100.0}, range(2013, 2018), noise=0.01, last_n=6))
    fc = ets_year_forecasts(cube, 2017, [3, 6])
    expected = 100.0 * 1.08 ** 4
    assert fc[6][0] == pytest.approx(expected, rel=0.05)
    s = singles(cube)
    assert s[0, 0, 0] == pytest.approx(s[0, 0, 1])  # 1—2月 split evenly over January and February


def test_ets_needs_two_full_years():
    cube = calc.to_cube(history({"A": 100.0}, range(2016, 2018), last_n=6))
    assert np.isnan(ets_year_forecasts(cube, 2017, [6])[6]).all()
