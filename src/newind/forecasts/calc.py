"""Pure year-end forecasts from 1—N月 cumulative figures, their backtest errors, intervals and
probabilities. No database: history arrives as a frame (unit_code, year, period_n, value).

Two families, by what the indicator is:
- flow: a cumulative level (规模工业增加值 1—N月累计, 亿元). Methods: seasonal naive (last year's cumulative
  profile), run-rate (cum_N × 12/N), ETS (statsmodels Holt-Winters on de-cumulated monthly values, see
  `ets.py`) and a combination (the mean of seasonal naive and ETS). Errors are multiplicative:
  e = ln(actual / forecast); MAPE is the headline error.
- point: a rate, ratio or stock (增速 %, 占比 %, 企业数): the year-end figure is the 1—12月 value. Methods:
  carry (the latest 1—N月 value carried to year end), drift (plus last year's change from 1—N月 to 1—12月:
  the seasonal-naive analogue and the baseline) and their mean. Errors are additive: e = actual − forecast;
  MAE (in the indicator's unit, e.g. percentage points) is the headline error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newind.indicators.calc import last_year_profile_share

FLOW_METHODS = ("seasonal_naive", "run_rate", "ets", "combo")
POINT_METHODS = ("drift", "carry", "point_combo")
# The Chinese name of the statistical method (Holt-Winters exponential smoothing), written once.
ETS_NAME = "霍尔特-温特斯指数平滑"
METHOD_LABELS = {
    "seasonal_naive": "季节朴素法（按上年同期累计进度折算）",
    "run_rate": "序时外推法（累计值×12/N）",
    "ets": f"{ETS_NAME}（按月度值）",
    "combo": f"组合预测（季节朴素法与{ETS_NAME}的平均）",
    "drift": "上年走势法（本期累计增速加上年同期至年末的变化）",
    "carry": "延续法（本期累计值延续到年末）",
    "point_combo": "组合预测（延续法与上年走势法的平均）",
}
BASELINE = {"flow": "seasonal_naive", "point": "drift"}
INTERVAL_LEVEL = 0.80  # central 80% prediction interval: the 10th and 90th percentiles of backtest errors
MIN_ERRORS = 8  # fewer backtest errors than this at month N: pool all months of the indicator


@dataclass
class Cube:
    """Cumulative figures as an array [unit, year, month-1] (month 1 is always NaN: 1—2月 is month 2)."""

    units: list[str]
    years: list[int]
    values: np.ndarray

    def year_index(self, year: int) -> int | None:
        return self.years.index(year) if year in self.years else None


def to_cube(history: pd.DataFrame) -> Cube:
    """Pivot a long history frame (unit_code, year, period_n, value) into a Cube (vectorised)."""
    units = sorted(history["unit_code"].astype(str).unique().tolist())
    years = sorted(int(y) for y in history["year"].unique())
    if years:
        years = list(range(years[0], years[-1] + 1))
    arr = np.full((len(units), len(years), 12), np.nan)
    if len(history):
        ui = pd.Index(units).get_indexer(history["unit_code"].astype(str))
        yi = pd.Index(years).get_indexer(history["year"].astype(int))
        mi = history["period_n"].astype(int).to_numpy() - 1
        arr[ui, yi, mi] = history["value"].astype(float).to_numpy()
    return Cube(units, years, arr)


# --- the fast methods, for every unit at once ---------------------------------------------------------

def flow_forecasts(cube: Cube, year: int, n: int, ets: np.ndarray | None = None) -> pd.DataFrame:
    """Year-end forecasts of a cumulative level for every unit at 1—n月 of `year`, one column per method."""
    yi = cube.year_index(year)
    nan = np.full(len(cube.units), np.nan)
    cum = cube.values[:, yi, n - 1] if yi is not None else nan
    if yi is not None and yi >= 1:
        ly_n, ly_12 = cube.values[:, yi - 1, n - 1], cube.values[:, yi - 1, 11]
    else:
        ly_n, ly_12 = nan, nan
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = np.asarray(last_year_profile_share(ly_n, ly_12), dtype=float)
        sn = cum / profile
    rr = cum * 12.0 / n
    e = ets if ets is not None else nan
    combo = np.where(np.isfinite(sn) & np.isfinite(e), (sn + e) / 2.0, np.where(np.isfinite(sn), sn, e))
    return pd.DataFrame({"unit_code": cube.units, "actual_to_date": cum, "seasonal_naive": sn, "run_rate": rr,
                         "ets": e, "combo": combo})


def point_forecasts(cube: Cube, year: int, n: int) -> pd.DataFrame:
    """Year-end forecasts of a rate, ratio or stock for every unit at 1—n月 of `year`."""
    yi = cube.year_index(year)
    nan = np.full(len(cube.units), np.nan)
    cur = cube.values[:, yi, n - 1] if yi is not None else nan
    if yi is not None and yi >= 1:
        change = cube.values[:, yi - 1, 11] - cube.values[:, yi - 1, n - 1]
    else:
        change = nan
    drift = cur + change
    combo = np.where(np.isfinite(drift), (cur + drift) / 2.0, cur)
    return pd.DataFrame({"unit_code": cube.units, "actual_to_date": cur, "drift": drift, "carry": cur,
                         "point_combo": combo})


# --- errors, intervals and probabilities ----------------------------------------------------------------

def forecast_errors(actual: np.ndarray, forecast: np.ndarray, family: str) -> np.ndarray:
    """Backtest errors: ln(actual/forecast) for flows, actual − forecast for points (NaN where undefined)."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    if family == "flow":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((a > 0) & (f > 0), np.log(np.where(a > 0, a, 1.0) / np.where(f > 0, f, 1.0)), np.nan)
    return a - f


def apply_error(forecast: np.ndarray | float, error: np.ndarray | float, family: str) -> np.ndarray:
    """The year-end value implied by a forecast and an error (inverse of `forecast_errors`)."""
    f, e = np.asarray(forecast, dtype=float), np.asarray(error, dtype=float)
    return f * np.exp(e) if family == "flow" else f + e


def interval(forecast: np.ndarray | float, errors: Sequence[float] | np.ndarray, family: str,
             level: float = INTERVAL_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Central prediction interval from the empirical error distribution (e.g. 10th–90th percentiles)."""
    e = np.asarray(errors, dtype=float)
    e = e[np.isfinite(e)]
    f = np.asarray(forecast, dtype=float)
    if e.size == 0:
        return np.full_like(f, np.nan), np.full_like(f, np.nan)
    lo, hi = np.quantile(e, [(1 - level) / 2, 1 - (1 - level) / 2])
    return apply_error(f, lo, family), apply_error(f, hi, family)


def prob_at_least(forecast: np.ndarray | float, errors: Sequence[float] | np.ndarray, threshold: np.ndarray | float,
                  family: str, higher_is_better: bool = True) -> np.ndarray:
    """Probability that the year-end figure meets `threshold` (≥, or ≤ when lower is better), reading the
    backtest errors as the forecast's error distribution. Vectorised over forecasts/thresholds."""
    e = np.asarray(errors, dtype=float)
    e = e[np.isfinite(e)]
    f = np.atleast_1d(np.asarray(forecast, dtype=float))
    t = np.broadcast_to(np.atleast_1d(np.asarray(threshold, dtype=float)), f.shape)
    if e.size == 0:
        return np.full(f.shape, np.nan)
    outcomes = apply_error(f[:, None], e[None, :], family)
    hit = outcomes >= t[:, None] if higher_is_better else outcomes <= t[:, None]
    prob = hit.mean(axis=1)
    return np.where(np.isfinite(f) & np.isfinite(t), prob, np.nan)


def errors_for_month(errors_by_n: dict[int, list[float]], n: int) -> np.ndarray:
    """The backtest errors used for an interval at 1—n月: that month's, or all months pooled when few."""
    own = np.asarray(errors_by_n.get(n, []), dtype=float)
    own = own[np.isfinite(own)]
    if own.size >= MIN_ERRORS:
        return own
    pooled = np.concatenate([np.asarray(v, dtype=float) for v in errors_by_n.values()]) if errors_by_n \
        else np.array([])
    return pooled[np.isfinite(pooled)]


# --- backtest --------------------------------------------------------------------------------------------

def backtest_cases(cube: Cube, family: str, ets_by_year_n: dict[tuple[int, int], np.ndarray] | None = None,
                   months: Sequence[int] = tuple(range(2, 12))) -> pd.DataFrame:
    """Replay every past year month by month: one row per (unit, year, n, method) with forecast, actual
    (the year's 1—12月 figure) and error. A year is replayed when it has 1—12月 figures."""
    methods = FLOW_METHODS if family == "flow" else POINT_METHODS
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("unit", "year", "n", "method", "forecast", "actual")}
    units = np.asarray(cube.units, dtype=object)
    for yi, year in enumerate(cube.years):
        if yi == 0:
            continue
        actual = cube.values[:, yi, 11]
        if not np.isfinite(actual).any():
            continue
        for n in months:
            if family == "flow":
                f = flow_forecasts(cube, year, n, (ets_by_year_n or {}).get((year, n)))
            else:
                f = point_forecasts(cube, year, n)
            for method in methods:
                parts["unit"].append(units)
                parts["year"].append(np.full(len(units), year))
                parts["n"].append(np.full(len(units), n))
                parts["method"].append(np.full(len(units), method, dtype=object))
                parts["forecast"].append(f[method].to_numpy(dtype=float))
                parts["actual"].append(actual)
    if not parts["unit"]:
        return pd.DataFrame(columns=["unit_code", "year", "n", "method", "forecast", "actual", "error"])
    cases = pd.DataFrame({"unit_code": np.concatenate(parts["unit"]), "year": np.concatenate(parts["year"]),
                          "n": np.concatenate(parts["n"]), "method": np.concatenate(parts["method"]),
                          "forecast": np.concatenate(parts["forecast"]),
                          "actual": np.concatenate(parts["actual"])})
    cases = cases[np.isfinite(cases["forecast"]) & np.isfinite(cases["actual"])].reset_index(drop=True)
    cases["error"] = forecast_errors(cases["actual"].to_numpy(), cases["forecast"].to_numpy(), family)
    return cases


def _leave_one_year_out_coverage(cases: pd.DataFrame, family: str) -> pd.Series:
    """Share of cases inside the 80% interval built from the OTHER years' errors (honest coverage)."""
    hits = np.full(len(cases), np.nan)
    err = cases["error"].to_numpy(dtype=float)
    fc = cases["forecast"].to_numpy(dtype=float)
    act = cases["actual"].to_numpy(dtype=float)
    yrs = cases["year"].to_numpy()
    q = [(1 - INTERVAL_LEVEL) / 2, 1 - (1 - INTERVAL_LEVEL) / 2]
    for idx in cases.groupby(["method", "n"], sort=False).indices.values():
        e, y = err[idx], yrs[idx]
        for year in np.unique(y):
            own = y == year
            others = e[~own]
            others = others[np.isfinite(others)]
            if others.size < 3:
                continue
            lo, hi = np.quantile(others, q)
            f, a = fc[idx][own], act[idx][own]
            hits[idx[own]] = ((a >= apply_error(f, lo, family)) & (a <= apply_error(f, hi, family))).astype(float)
    return pd.Series(hits, index=cases.index)


def summarise_backtest(cases: pd.DataFrame, family: str) -> pd.DataFrame:
    """Per method: cases, MAPE (%), MAE, interval coverage; plus the chosen (best) method and whether it
    beats the baseline (seasonal naive for flows, drift for points)."""
    if cases.empty:
        return pd.DataFrame(columns=["method", "n_cases", "mape", "mae", "coverage", "is_chosen",
                                     "beats_baseline"])
    # Compare methods on the same cases only: the cases every method could forecast (ETS needs two full
    # years of history, so the earliest replayed year is scored without it rather than favouring it).
    key = ["unit_code", "year", "n"]
    methods = cases["method"].nunique()
    counts = cases.groupby(key, sort=False)["method"].transform("nunique")
    c = cases[counts == methods].copy()
    if c.empty:
        c = cases.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        c["ape"] = np.where(c["actual"] != 0, (c["forecast"] - c["actual"]).abs() / c["actual"].abs() * 100.0,
                            np.nan)
    c["ae"] = (c["forecast"] - c["actual"]).abs()
    c["hit"] = _leave_one_year_out_coverage(c, family)
    summary = c.groupby("method", sort=False).agg(n_cases=("error", "size"), mape=("ape", "mean"),
                                                  mae=("ae", "mean"), coverage=("hit", "mean")).reset_index()
    summary["coverage"] = summary["coverage"] * 100.0
    metric = "mape" if family == "flow" else "mae"
    best = summary[metric].idxmin()
    summary["is_chosen"] = summary.index == best
    base = summary.loc[summary["method"] == BASELINE[family], metric]
    base_value = float(base.iloc[0]) if len(base) else np.nan
    summary["beats_baseline"] = summary[metric] < base_value - 1e-12
    summary["metric"] = metric
    return summary


def errors_by_month(cases: pd.DataFrame, method: str) -> dict[int, list[float]]:
    """The backtest errors of one method grouped by month n (for intervals and probabilities)."""
    sub = cases[cases["method"] == method]
    return {int(n): [float(x) for x in g["error"] if np.isfinite(x)] for n, g in sub.groupby("n")}
