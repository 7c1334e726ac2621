"""Writes: run the backtest over the stored monthly history and store each method's errors and the
method the platform will use for each indicator."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction

from newind.core.errors import Conflict
from newind.forecasts import calc
from newind.forecasts.ets import ets_year_forecasts
from newind.forecasts.models import BacktestResult
from newind.forecasts.queries import DbParamStore, family_of, history_frame, monthly_indicators
from newind.indicators.models import Indicator, ValueKind


@dataclass
class BacktestRun:
    summary: pd.DataFrame  # one row per indicator × method
    seconds: float
    cases: int


def backtest_indicator(indicator: Indicator, *, through_year: int | None = None,
                       use_ets: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """Replay the complete past years of one indicator month by month; returns (summary, cases, years)."""
    # Not the firms' own series: forecasts are made for the units the office sets targets for, and at
    # province scale 20,000 enterprises' series made the backtest (an ETS fit per series and year) take hours.
    history = history_frame(indicator, through_year=through_year, without_enterprises=True)
    if history.empty:
        return calc.summarise_backtest(pd.DataFrame(), "flow"), pd.DataFrame(), []
    family = family_of(indicator)
    cube = calc.to_cube(history)
    # Only complete years are replayed (backtest_cases skips a year without 1—12月 figures).
    ets_by: dict[tuple[int, int], np.ndarray] = {}
    months = list(range(2, 12))
    if family == "flow" and use_ets:
        for year in cube.years[1:]:
            # The latest (incomplete) year is included: its fits are stored for live forecasts.
            for n, arr in ets_year_forecasts(cube, year, months, DbParamStore()).items():
                ets_by[(year, n)] = arr
    cases = calc.backtest_cases(cube, family, ets_by if use_ets else None, months)
    if family == "flow" and not use_ets:
        cases = cases[~cases["method"].isin(["ets"])]
    summary = calc.summarise_backtest(cases, family)
    if indicator.value_kind == ValueKind.RATE and not summary.empty:
        summary["mape"] = np.nan  # a percentage error of a growth rate near zero means nothing: MAE only
    years: list[int] = []
    if len(cases):
        # The years the methods were compared on: those every method could forecast.
        key = ["unit_code", "year", "n"]
        full = cases.groupby(key)["method"].transform("nunique") == cases["method"].nunique()
        years = sorted(int(y) for y in cases.loc[full, "year"].unique())
    return summary, cases, years


@transaction.atomic
def run_backtest(indicator_codes: Iterable[str] | None = None, *, store: bool = True,
                 use_ets: bool = True) -> BacktestRun:
    """Backtest every monthly indicator with stored history; store the results and the chosen method."""
    started = time.perf_counter()
    frames = []
    total = 0
    for indicator in monthly_indicators(indicator_codes):
        summary, cases, years = backtest_indicator(indicator, use_ets=use_ets)
        if summary.empty:
            continue
        total += len(cases)
        family = family_of(indicator)
        summary = summary.assign(indicator_code=indicator.code, indicator_name=indicator.name,
                                 measure_unit=indicator.measure_unit, family=family,
                                 years="、".join(map(str, years)))
        frames.append(summary)
        if store:
            BacktestResult.objects.filter(indicator=indicator).delete()
            BacktestResult.objects.bulk_create([
                BacktestResult(
                    indicator=indicator, method=row.method, family=family, n_cases=int(row.n_cases),
                    mape=_num(row.mape), mae=_num(row.mae), coverage=_num(row.coverage),
                    is_chosen=bool(row.is_chosen), beats_baseline=bool(row.beats_baseline),
                    errors={str(k): v for k, v in calc.errors_by_month(cases, row.method).items()},
                    years=years,
                ) for row in summary.itertuples()
            ])
    summary = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return BacktestRun(summary, time.perf_counter() - started, total)


@transaction.atomic
def backtest_on_request(user: Any, request: Any = None) -> BacktestRun:
    """The office's 「运行回测」 button: backtest every monthly indicator, store the results, audit it.

    Synchronous (3–20 s on the demo data); a job runner will take it over later.
    """
    from newind.accounts.access import BACKTEST_RUN
    from newind.audit.services import record

    BACKTEST_RUN.require(user)
    run = run_backtest()
    if run.summary.empty:
        raise Conflict("没有可回测的月度历史数据：请先导入至少两年的月度数据，再运行回测。")
    chosen = run.summary[run.summary["is_chosen"]]
    beats, total = int(chosen["beats_baseline"].sum()), len(chosen)
    record("forecast.backtest", user=user, request=request, object_type="forecasts.backtestresult",
           summary=f"运行预测回测：{total} 个月度指标、{run.cases} 次回测预测，用时 {run.seconds:.1f} 秒；"
                   f"所选方法优于基准方法的指标 {beats}/{total}。",
           after={"indicators": total, "cases": run.cases, "seconds": round(run.seconds, 1), "beats": beats})
    return run


def _num(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None
