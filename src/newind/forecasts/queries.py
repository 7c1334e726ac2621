"""Reads: monthly history as cubes, stored backtests, and year-end forecasts with intervals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from newind.forecasts import calc
from newind.forecasts.calc import Cube
from newind.forecasts.ets import ParamStore, ets_year_forecasts
from newind.forecasts.models import BacktestResult, FittedParams
from newind.indicators.models import Frequency, Indicator, Observation, ValueKind
from newind.indicators.periods import Period, PeriodKind
from newind.units.models import Unit, UnitKind

FORECAST_COLUMNS = [
    "indicator_code", "indicator_name", "measure_unit", "unit_code", "unit_name", "year", "period_n",
    "period_label", "actual_to_date", "last_year_total", "forecast", "lower", "upper", "method",
    "method_label", "family", "backtest_mape", "backtest_mae", "backtest_coverage", "backtest_note",
    "is_synthetic", "prob_meet_hard", "prob_meet_floor", "prob_meet_stretch",
]


class DbParamStore(ParamStore):
    """Fitted Holt-Winters parameters kept in the database, keyed by the series' hash."""

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any] | None]:
        return dict(FittedParams.objects.filter(key__in=keys).values_list("key", "params"))

    def put_many(self, fitted: dict[str, dict[str, Any] | None]) -> None:
        FittedParams.objects.bulk_create([FittedParams(key=k, params=v) for k, v in fitted.items()],
                                         ignore_conflicts=True)


def family_of(indicator: Indicator) -> str:
    """'flow' for cumulative levels (forecast by profile/run-rate/ETS), 'point' for rates, ratios, stocks."""
    if indicator.cumulative and indicator.value_kind == ValueKind.LEVEL:
        return "flow"
    return "point"


def monthly_indicators(codes: Iterable[str] | None = None) -> list[Indicator]:
    qs = Indicator.objects.filter(frequency=Frequency.MONTHLY)
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return list(qs.order_by("sort_order", "code"))


def history_frame(indicator: Indicator, *, through_year: int | None = None,
                  unit_codes: Iterable[str] | None = None, without_enterprises: bool = False) -> pd.DataFrame:
    """Current monthly cumulative figures of one indicator: unit_code, unit_name, year, period_n, value.

    `without_enterprises` leaves out the firms' own series (the backtest compares methods on the figures
    the office forecasts: city, counties, zones, parks, province)."""
    qs = Observation.objects.filter(indicator=indicator, is_current=True, period_kind=PeriodKind.MONTH_CUM.value)
    if without_enterprises:
        # The ids as a list (a few hundred units at most), so the database reads them through the by-unit
        # index instead of scanning the indicator's millions of firm rows and joining units to drop them.
        office_units = list(Unit.objects.exclude(kind=UnitKind.ENTERPRISE).values_list("id", flat=True))
        qs = qs.filter(unit_id__in=office_units)
    if through_year is not None:
        qs = qs.filter(year__lte=through_year)
    if unit_codes is not None:
        qs = qs.filter(unit__code__in=list(unit_codes))
    rows = list(qs.values_list("unit__code", "unit__name", "year", "period_n", "value", "is_synthetic"))
    frame = pd.DataFrame(rows, columns=["unit_code", "unit_name", "year", "period_n", "value", "is_synthetic"])
    frame["value"] = frame["value"].astype(float)
    return frame


@dataclass
class Distribution:
    """What a live forecast needs from the backtest: the chosen method and its errors by month."""

    method: str
    family: str
    errors_by_n: dict[int, list[float]] = field(default_factory=dict)
    mape: float | None = None
    mae: float | None = None
    coverage: float | None = None
    note: str = ""


def stored_distribution(indicator: Indicator) -> Distribution | None:
    chosen = BacktestResult.objects.filter(indicator=indicator, is_chosen=True).first()
    if chosen is None:
        return None
    errors = {int(k): list(v) for k, v in (chosen.errors or {}).items()}
    years = "、".join(str(y) for y in chosen.years)
    return Distribution(chosen.method, chosen.family, errors, chosen.mape, chosen.mae, chosen.coverage,
                        f"回测{years}年共{chosen.n_cases}次")


def quick_distribution(cube: Cube, family: str, year: int) -> Distribution:
    """Without a stored backtest: replay the fast methods (no ETS) on the years before `year`."""
    past = Cube(cube.units, [y for y in cube.years if y < year],
                cube.values[:, [i for i, y in enumerate(cube.years) if y < year], :])
    cases = calc.backtest_cases(past, family)
    summary = calc.summarise_backtest(cases, family)
    if summary.empty:
        method = calc.BASELINE[family]
        return Distribution(method, family, {}, note="历史数据不足，未能回测，不给出区间")
    row = summary[summary["is_chosen"]].iloc[0]
    method = str(row["method"])
    return Distribution(method, family, calc.errors_by_month(cases, method),
                        float(row["mape"]) if pd.notna(row["mape"]) else None,
                        float(row["mae"]) if pd.notna(row["mae"]) else None,
                        float(row["coverage"]) if pd.notna(row["coverage"]) else None,
                        f"即时回测（未含{calc.ETS_NAME}）共{int(row['n_cases'])}次")


@dataclass
class ForecastSet:
    """Forecasts of one indicator for one period, with the error distribution behind them."""

    indicator: Indicator
    frame: pd.DataFrame
    dist: Distribution
    errors: np.ndarray


def forecast_set(indicator: Indicator, period: Period, unit_codes: Iterable[str] | None = None) -> ForecastSet:
    """Year-end forecasts of one monthly indicator for every unit (or the given ones) at a 1—N月 period."""
    family = family_of(indicator)
    n = 12 if period.kind == PeriodKind.ANNUAL else period.months_covered
    stored = stored_distribution(indicator)
    # Without a stored backtest, every unit's history feeds a quick one; with it, only the requested units load.
    history = history_frame(indicator, through_year=period.year,
                            unit_codes=unit_codes if stored is not None else None)
    names = dict(zip(history["unit_code"], history["unit_name"], strict=False))
    synthetic = history.groupby("unit_code")["is_synthetic"].any().to_dict() if len(history) else {}
    cube = calc.to_cube(history) if len(history) else Cube([], [], np.zeros((0, 0, 12)))
    dist = stored or quick_distribution(cube, family, period.year)
    wanted = cube.units if unit_codes is None else [u for u in cube.units if u in set(unit_codes)]
    sel = [cube.units.index(u) for u in wanted]
    sub = Cube(wanted, cube.years, cube.values[sel, :, :] if sel else np.zeros((0, len(cube.years), 12)))
    method = dist.method
    if family == "flow":
        ets = None
        if method in ("ets", "combo") and 2 <= n <= 11:
            ets = ets_year_forecasts(sub, period.year, [n], DbParamStore())[n]
        f = calc.flow_forecasts(sub, period.year, n, ets)
        if method in ("ets", "combo") and not np.isfinite(f[method]).any():
            method = "seasonal_naive"  # no usable model fit for these units: say so through the method
    else:
        f = calc.point_forecasts(sub, period.year, n)
    yi = sub.year_index(period.year)
    last_total = sub.values[:, yi - 1, 11] if yi else np.full(len(wanted), np.nan)
    # At 1—12月 the year is known: a zero error makes the probabilities 0 or 1.
    errors = np.array([0.0]) if n >= 12 else calc.errors_for_month(dist.errors_by_n, n)
    forecast = f[method].to_numpy(dtype=float) if len(f) else np.array([])
    if n >= 12:
        forecast = f["actual_to_date"].to_numpy(dtype=float)
        lower, upper = forecast.copy(), forecast.copy()
    else:
        lower, upper = calc.interval(forecast, errors, family)
    frame = pd.DataFrame({
        "indicator_code": indicator.code, "indicator_name": indicator.name,
        "measure_unit": indicator.measure_unit, "unit_code": wanted,
        "unit_name": [names.get(u, u) for u in wanted], "year": period.year, "period_n": n,
        "period_label": period.label, "actual_to_date": f["actual_to_date"].to_numpy(dtype=float) if len(f) else [],
        "last_year_total": last_total, "forecast": forecast, "lower": lower, "upper": upper,
        "method": method if n < 12 else "actual", "method_label": calc.METHOD_LABELS.get(method, method)
        if n < 12 else "全年实际数", "family": family,
        "backtest_mape": dist.mape, "backtest_mae": dist.mae, "backtest_coverage": dist.coverage,
        "backtest_note": dist.note, "is_synthetic": [bool(synthetic.get(u, False)) for u in wanted],
    })
    return ForecastSet(indicator, frame, dist, errors)


def year_end_forecasts(period: Period, *, unit_codes: list[str] | None = None,
                       indicator_codes: list[str] | None = None) -> pd.DataFrame:
    """Year-end forecasts for each monthly indicator × unit from the 1—N月 figures: the method the backtest
    chose for the indicator, an 80% interval (10th–90th percentile of backtest errors) and, where targets
    exist, the probability of meeting each kind (prob_meet_hard / _floor / _stretch)."""
    frames = []
    for indicator in monthly_indicators(indicator_codes):
        fs = forecast_set(indicator, period, unit_codes)
        if fs.frame.empty:
            continue
        _attach_target_probabilities(fs, period.year)
        frames.append(fs.frame)
    if not frames:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    return pd.concat(frames, ignore_index=True)[FORECAST_COLUMNS]


# The targets a forecast is measured against: (indicator, year, target type) → rows of (unit code, kind,
# value). The targets app (above forecasts: it uses them) registers its reader in its AppConfig.ready();
# without it, forecasts work and give no probabilities.
TargetReader = Callable[[Any, int, str], list[tuple[str, str, Any]]]
_target_reader: TargetReader | None = None


def set_target_reader(reader: TargetReader | None) -> None:
    """Let forecasts read the targets their probabilities are for (targets.apps)."""
    global _target_reader
    _target_reader = reader


def _attach_target_probabilities(fs: ForecastSet, year: int) -> None:
    """prob_meet_<kind>: the chance the year-end figure meets that kind of target for the same indicator
    (level targets; growth targets are read against their rate indicator's forecast)."""
    frame = fs.frame
    for kind in ("hard", "floor", "stretch"):
        frame[f"prob_meet_{kind}"] = np.nan
    if _target_reader is None:
        return

    level = fs.dist.family == "flow" or fs.indicator.value_kind in (ValueKind.COUNT, ValueKind.LEVEL)
    ttype = "level" if level else "growth"
    if fs.indicator.value_kind == ValueKind.RATIO:
        ttype = "level"
    rows = _target_reader(fs.indicator, year, ttype)
    if not rows:
        return
    targets = pd.DataFrame(rows, columns=["unit_code", "kind", "value"])
    targets["value"] = targets["value"].astype(float)
    higher = fs.indicator.higher_is_better
    for kind, grp in targets.groupby("kind"):
        t = frame["unit_code"].map(dict(zip(grp["unit_code"], grp["value"], strict=True)))
        has = t.notna().to_numpy()
        if has.any():
            frame.loc[has, f"prob_meet_{kind}"] = calc.prob_at_least(
                frame.loc[has, "forecast"].to_numpy(), fs.errors, t[has].to_numpy(), fs.dist.family, higher)
