"""Year-end forecasts in the monthly overview and the report (newind.core.parts).

Each of the city's key indicators carries its year-end forecast (`ye_*` columns: value, 80% interval,
method, backtest error, chance of meeting the hard target), and a level's row also carries the forecast of
its published growth rate (`ye_growth*`). The report gets the 年底预测 section; the dashboard's cards show
the forecast on each indicator's card from these columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from newind.core import numbers
from newind.core.parts import Column, DomainPart, OverviewPart, Section, Table, cell
from newind.forecasts.queries import FORECAST_COLUMNS, year_end_forecasts
from newind.indicators.models import Indicator

NAME = "forecasts"
ROW_COLUMNS = ["ye_forecast", "ye_lower", "ye_upper", "ye_method", "ye_method_label", "ye_backtest_mape",
               "ye_prob_hard", "ye_growth", "ye_growth_lower", "ye_growth_upper", "ye_growth_method_label",
               "ye_growth_prob_hard"]


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    """The city's year-end forecasts, as a frame and as columns of its key-indicator rows."""
    forecasts = year_end_forecasts(period, unit_codes=[city_code])
    if forecasts.empty:
        return OverviewPart(frames={"forecasts": forecasts.reindex(columns=FORECAST_COLUMNS)}, columns=ROW_COLUMNS)
    fc = forecasts.reindex(columns=FORECAST_COLUMNS)
    fc = fc[fc["unit_code"] == city_code]
    level = fc.rename(columns={
        "forecast": "ye_forecast", "lower": "ye_lower", "upper": "ye_upper", "method": "ye_method",
        "method_label": "ye_method_label", "backtest_mape": "ye_backtest_mape", "prob_meet_hard": "ye_prob_hard"})
    # The year-end forecast of a level's published growth rate sits on the level's row too.
    to_level = dict(Indicator.objects.exclude(growth_indicator="").values_list("growth_indicator", "code"))
    growth = fc[fc["indicator_code"].isin(list(to_level))].assign(
        indicator_code=lambda f: f["indicator_code"].map(to_level))
    growth = growth[["indicator_code", "unit_code", "forecast", "lower", "upper", "method_label",
                     "prob_meet_hard"]].rename(columns={
        "forecast": "ye_growth", "lower": "ye_growth_lower", "upper": "ye_growth_upper",
        "method_label": "ye_growth_method_label", "prob_meet_hard": "ye_growth_prob_hard"})
    rows = level.merge(growth, on=["indicator_code", "unit_code"], how="outer")
    return OverviewPart(frames={"forecasts": forecasts},
                        row_columns=rows.reindex(columns=["indicator_code", "unit_code", *ROW_COLUMNS]),
                        columns=ROW_COLUMNS)


def _pct(probability: object) -> object:
    """A probability (0–1) as a percentage for the table; None when not given."""
    value = cell(probability)
    return None if value is None else float(value) * 100  # type: ignore[arg-type]


def report_sections(overview: Any, note: Callable[[str], str]) -> list[Section]:
    """年底预测: each key indicator's forecast with its interval and method, and the headline's sentence."""
    heading = "年底预测"
    key = overview.key
    has = key["ye_forecast"].notna() if "ye_forecast" in key else pd.Series(False, index=key.index)
    if not bool(has.any()):
        return [Section(heading, ["本期暂无年底预测（预测模块尚未提供数据）。"])]
    sub = key[has]
    rows = [[r.indicator_name, r.measure_unit, cell(r.value), cell(r.ye_forecast), cell(r.ye_lower),
             cell(r.ye_upper), r.ye_method_label or r.ye_method or "—", cell(r.ye_backtest_mape),
             _pct(r.ye_prob_hard), cell(r.light) if "light" in key else None]
            for r in sub.itertuples()]
    table = Table("年底预测", f"{overview.city_name}主要指标年底预测（{overview.period.year}年）",
                  [Column("指标"), Column("计量单位"), Column(f"{overview.period.short_label}累计", "number", None),
                   Column("全年预测", "number", None), Column("预测下限", "number", None),
                   Column("预测上限", "number", None),
                   Column("预测方法"), Column("回测误差MAPE（%）", "number", 1),
                   Column("完成硬指标概率（%）", "number", 0), Column("预警", "light")],
                  rows, note("预测区间为约80%的预测区间；方法为历年回测误差最小者。"),
                  row_decimals=[int(d) for d in sub["decimals"]])
    first = sub.iloc[0]
    decimals, unit = int(first["decimals"]), str(first["measure_unit"])
    # A missing end of an interval is "—" alone, never "—%" (core.numbers.fmt_range).
    text = (f"按{first['ye_method_label'] or first['ye_method']}预测，全年{first['indicator_name']}约"
            f"{numbers.fmt_number(first['ye_forecast'], decimals, unit)}"
            f"（区间{numbers.fmt_range(first['ye_lower'], first['ye_upper'], decimals, unit)}）")
    if cell(first["ye_growth"]) is not None:
        text += (f"；全年累计增速预计{numbers.fmt_number(first['ye_growth'], 1, '%')}（区间"
                 f"{numbers.fmt_range(first['ye_growth_lower'], first['ye_growth_upper'], 1, '%')}，"
                 f"{first['ye_growth_method_label']}）")
        if cell(first["ye_growth_prob_hard"]) is not None:
            text += f"，完成增速硬指标的概率约{float(first['ye_growth_prob_hard']) * 100:.0f}%"
    text += "。"
    return [Section(heading, [text], [table])]


PART = DomainPart(name=NAME, order=20, overview=overview_part, report_sections=report_sections)
