"""`newind forecast backtest [--indicator CODE] [--no-ets] [--no-store]` and
`newind forecast show --period 2017-03 [--unit CODE] [--indicator CODE]`."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandParser

from newind.accounts.access import BACKTEST_RUN, COMMAND_LINE
from newind.core.errors import AppError
from newind.forecasts.calc import BASELINE, ETS_NAME, METHOD_LABELS
from newind.forecasts.queries import year_end_forecasts
from newind.forecasts.services import run_backtest
from newind.indicators.periods import Period

SHORT = {"seasonal_naive": "季节朴素", "run_rate": "序时外推", "ets": "指数平滑", "combo": "组合",
         "drift": "上年走势", "carry": "延续", "point_combo": "组合"}


def _f(x: object, d: int = 2) -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    return "—" if math.isnan(v) else f"{v:.{d}f}"


class Command(BaseCommand):
    help = "年末预测：backtest 逐月回放历史年份，报告各方法的误差并保存每个指标采用的方法；show 显示某期的年末预测。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["backtest", "show"], help="backtest（回测）或 show（显示预测）")
        parser.add_argument("--indicator", action="append", help="指标代码，可重复；不填为全部月度指标")
        parser.add_argument("--no-ets", action="store_true", help=f"回测时不运行{ETS_NAME}（更快）")
        parser.add_argument("--no-store", action="store_true", help="只打印，不保存回测结果")
        parser.add_argument("--period", help="show：累计时期，如 2017-03")
        parser.add_argument("--unit", action="append", help="show：单位代码，可重复")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "backtest":
            self._backtest(options)
        else:
            self._show(options)

    def _backtest(self, options: dict[str, Any]) -> None:
        BACKTEST_RUN.require(COMMAND_LINE)
        run = run_backtest(options["indicator"], store=not options["no_store"], use_ets=not options["no_ets"])
        s = run.summary
        if s.empty:
            raise AppError("没有可回测的月度历史数据：请先导入数据或运行 newind demo --no-serve。")
        out = self.stdout
        out.write("年末预测回测：逐年、逐月（1—2月至1—11月）用当时已有数据预测当年1—12月，与实际比较。\n")
        out.write("误差：累计总量用平均绝对百分比误差 MAPE；增速、占比、时点数用平均绝对误差 MAE（单位同指标）。\n")
        out.write("区间覆盖率：80%区间（回测误差的第10—90百分位）按留一年法计算，实际值落在区间内的比例。\n")
        out.write(f"各方法在相同的回测样本上比较（{ETS_NAME}需两年完整历史，最早一年不计入比较）。\n\n")
        header = f"{'指标':<22}{'方法':<8}{'样本':>6}{'MAPE%':>9}{'MAE':>10}{'覆盖率%':>9}  采用"
        out.write(header + "\n")
        beats, total = 0, 0
        for code, grp in s.groupby("indicator_code", sort=False):
            first = grp.iloc[0]
            metric = first["metric"]
            chosen = grp[grp["is_chosen"]].iloc[0]
            total += 1
            beats += bool(chosen["beats_baseline"])
            for _, r in grp.iterrows():
                mark = "✔" if r["is_chosen"] else ""
                out.write(f"{first['indicator_name'][:11]:<22}{SHORT.get(r['method'], r['method']):<8}"
                          f"{int(r['n_cases']):>6}{_f(r['mape']):>9}{_f(r['mae'], 3):>10}{_f(r['coverage'], 1):>9}"
                          f"  {mark}\n")
            base = BASELINE[str(first["family"])]
            verdict = "优于" if chosen["beats_baseline"] else ("即为" if chosen["method"] == base else "不优于")
            out.write(f"  → {code}：采用{METHOD_LABELS[str(chosen['method'])]}（按{metric.upper()}），"
                      f"{verdict}基准方法{SHORT[base]}；比较年份 {first['years']}。\n")
        out.write(f"\n共 {total} 个指标，{run.cases} 次回测预测，用时 {run.seconds:.1f} 秒。\n")
        out.write(f"所选方法优于基准方法（总量为季节朴素法，增速等为上年走势法）的指标：{beats}/{total}。\n")
        if beats * 2 < total:
            out.write("说明：不足一半的指标优于基准。多数指标上基准方法本身最好，平台如实采用基准方法，"
                      "不为“用模型”而用模型；示例数据为合成的平稳季节序列，季节朴素法天然占优。\n")
        if not options["no_store"]:
            out.write("已保存各指标采用的方法及误差分布，年末预测和预警将按此给出区间与完成概率。\n")

    def _show(self, options: dict[str, Any]) -> None:
        if not options["period"]:
            raise AppError("请用 --period 指定时期，如 --period 2017-03。")
        period = Period.parse(options["period"])
        f = year_end_forecasts(period, unit_codes=options["unit"], indicator_codes=options["indicator"])
        if f.empty:
            raise AppError(f"{period.label}没有可预测的数据：请检查时期、单位和指标。")
        out = self.stdout
        out.write(f"{period.label} 年末预测（80%区间；方法由回测选定）\n")
        for _, r in f.iterrows():
            syn = " · 示例数据" if r["is_synthetic"] else ""
            out.write(f"{r['unit_name']} {r['indicator_name']}：至今{_f(r['actual_to_date'])}{r['measure_unit']}，"
                      f"预计全年{_f(r['forecast'])}（{_f(r['lower'])}—{_f(r['upper'])}）{r['measure_unit']}，"
                      f"{SHORT.get(r['method'], r['method'])}{syn}\n")
        out.write(pd.Series(f["method"]).value_counts().to_string() + "\n")
