"""After the demo's monthly history is loaded: backtest the forecast methods and store the chosen one per
indicator (idempotent: skipped when stored results are newer than every observation)."""

from __future__ import annotations

from typing import TextIO

from django.db.models import Max

from newind.forecasts.models import BacktestResult
from newind.forecasts.services import run_backtest
from newind.indicators.models import Observation


def load_demo(out: TextIO) -> int:
    """Run `newind forecast backtest` on the stored history when it is out of date; return indicators done."""
    latest_obs = Observation.objects.filter(period_kind="M").aggregate(m=Max("created_at"))["m"]
    if latest_obs is None:
        return 0
    latest_bt = BacktestResult.objects.aggregate(m=Max("computed_at"))["m"]
    if latest_bt is not None and latest_bt >= latest_obs:
        out.write("预测回测：结果已是最新（重新计算请运行 newind forecast backtest）。\n")
        return 0
    run = run_backtest()
    n = int(run.summary["indicator_code"].nunique()) if not run.summary.empty else 0
    if n:
        chosen = run.summary[run.summary["is_chosen"]]
        beats = int(chosen["beats_baseline"].sum())
        out.write(f"预测回测：{n} 个月度指标逐月回放历史年份（{run.seconds:.1f} 秒），各指标已选定预测方法；"
                  f"所选方法优于基准方法的指标 {beats}/{n}（详见 newind forecast backtest）。\n")
    return n
