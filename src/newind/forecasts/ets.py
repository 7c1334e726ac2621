"""The statistical method: Holt-Winters exponential smoothing (statsmodels) on monthly single values.

Monthly figures are cumulative with 1—2月 combined, so the series is de-cumulated and the 1—2月 value is
split evenly between January and February (an approximation; Spring Festival moves between them anyway).
For speed the parameters are estimated once per unit and forecast year on the years before it; each 1—N月
forecast of that year re-runs the smoothing with those parameters fixed (no re-optimisation), which is
what an office would do with a model estimated at the start of the year. Fits are cached by the data.
"""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import numpy as np

from newind.forecasts.calc import Cube

MIN_MONTHS = 24  # two full seasonal cycles for the heuristic initialisation

# Process-wide cache of fitted parameters: (sha1 of the series bytes) -> params or None (failed fit).
_FIT_CACHE: dict[str, dict[str, Any] | None] = {}


class ParamStore:
    """Somewhere to keep fitted parameters beyond this process (the database, in `queries`)."""

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any] | None]:
        return {}

    def put_many(self, fitted: dict[str, dict[str, Any] | None]) -> None:
        return None


def series_key(y: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(y, dtype=float).tobytes()).hexdigest()


def singles(cube: Cube) -> np.ndarray:
    """Single-month values [unit, year, 12] from cumulative ones; 1—2月 split evenly over Jan and Feb."""
    cum = cube.values
    out = np.full(cum.shape, np.nan)
    out[:, :, 2:] = cum[:, :, 2:] - cum[:, :, 1:-1]
    out[:, :, 0] = cum[:, :, 1] / 2.0
    out[:, :, 1] = cum[:, :, 1] / 2.0
    return out


def _model(y: np.ndarray, seasonal: str) -> Any:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    return ExponentialSmoothing(y, trend="add", seasonal=seasonal, seasonal_periods=12,
                                initialization_method="heuristic")


def fit_params(y: np.ndarray) -> dict[str, Any] | None:
    """Estimate Holt-Winters parameters (statsmodels) on a monthly series; None when it is unusable."""
    if y.size < MIN_MONTHS or not np.isfinite(y).all():
        return None
    key = series_key(y)
    if key in _FIT_CACHE:
        return _FIT_CACHE[key]
    seasonal = "mul" if (y > 0).all() else "add"
    params: dict[str, Any] | None
    try:
        # statsmodels warns about convergence on short series; a poor fit shows up in the backtest instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = _model(y, seasonal).fit(use_brute=False, method="SLSQP")
        p = fit.params
        params = {"seasonal": seasonal, "smoothing_level": float(p["smoothing_level"]),
                  "smoothing_trend": float(p["smoothing_trend"]),
                  "smoothing_seasonal": float(p["smoothing_seasonal"]),
                  "initial_level": float(p["initial_level"]), "initial_trend": float(p["initial_trend"]),
                  "initial_seasons": [float(s) for s in p["initial_seasons"]]}
        if not all(np.isfinite(v) for v in (params["smoothing_level"], params["initial_level"])):
            params = None
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        params = None
    _FIT_CACHE[key] = params
    return params


def remaining_sums(y: np.ndarray, params: dict[str, Any], months: list[int], start: int) -> dict[int, float]:
    """For each n in `months`: the forecast sum of months n+1..12 of the year starting at index `start` of
    `y`, smoothing y[:start+n] with the fixed parameters.

    The Holt-Winters recursions (additive trend, multiplicative or additive season) are those of
    statsmodels' ExponentialSmoothing, run once over the series and read off after each month — the same
    numbers as refitting statsmodels with `optimized=False` at every month (a test checks this), at a
    fraction of the cost.
    """
    a, b, g = params["smoothing_level"], params["smoothing_trend"], params["smoothing_seasonal"]
    mul = params["seasonal"] == "mul"
    level, trend = params["initial_level"], params["initial_trend"]
    season = list(params["initial_seasons"])
    wanted = {start + n: n for n in months}
    out: dict[int, float] = {}
    last = max(wanted) if wanted else 0
    for t in range(last):
        v = y[t]
        s_old = season[t]
        if mul:
            new_level = a * v / s_old + (1 - a) * (level + trend)
            new_season = g * v / (level + trend) + (1 - g) * s_old
        else:
            new_level = a * (v - s_old) + (1 - a) * (level + trend)
            new_season = g * (v - level - trend) + (1 - g) * s_old
        trend = b * (new_level - level) + (1 - b) * trend
        level = new_level
        season.append(new_season)
        if t + 1 in wanted:
            n = wanted[t + 1]
            steps = np.arange(1, 12 - n + 1)
            seas = np.array([season[t + 1 + (h - 1) % 12] for h in steps])
            path = (level + steps * trend) * seas if mul else (level + steps * trend) + seas
            out[n] = float(path.sum())
    return out


def ets_year_forecasts(cube: Cube, year: int, months: list[int],
                       store: ParamStore | None = None) -> dict[int, np.ndarray]:
    """Year-end ETS forecasts for every unit at each 1—n月 of `year`: {n: array over cube.units}.

    Parameters come from the process cache, then `store`, and are estimated (statsmodels) only for series
    seen for the first time; new estimates are handed back to `store`.
    """
    yi = cube.year_index(year)
    out = {n: np.full(len(cube.units), np.nan) for n in months}
    if yi is None or yi == 0:
        return out
    s = singles(cube)
    histories: dict[int, np.ndarray] = {}
    for u in range(len(cube.units)):
        past = s[u, :yi, :]
        complete = np.isfinite(past).all(axis=1)
        # Use the unbroken run of complete years just before the forecast year.
        k = 0
        while k < yi and complete[yi - 1 - k]:
            k += 1
        if k * 12 >= MIN_MONTHS:
            histories[u] = past[yi - k:, :].ravel()
    keys = {u: series_key(h) for u, h in histories.items()}
    not_stored: set[str] = set()
    if store is not None and keys:
        stored = store.get_many(sorted(set(keys.values())))
        _FIT_CACHE.update(stored)
        not_stored = set(keys.values()) - set(stored)
    for u, hist in histories.items():
        params = fit_params(hist)
        if params is None:
            continue
        this_year = s[u, yi, :]
        usable = [n for n in months if np.isfinite(this_year[:n]).all() and np.isfinite(cube.values[u, yi, n - 1])]
        if not usable:
            continue
        rest = remaining_sums(np.concatenate([hist, np.nan_to_num(this_year)]), params, usable, hist.size)
        for n, r in rest.items():
            out[n][u] = cube.values[u, yi, n - 1] + r if np.isfinite(r) else np.nan
    if store is not None and not_stored:
        store.put_many({k: _FIT_CACHE[k] for k in not_stored if k in _FIT_CACHE})
    return out
