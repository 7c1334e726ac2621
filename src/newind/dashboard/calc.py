"""Shaping the monthly overview for the leaders' dashboard: cards, warning items and chart series.

Nothing is ranked or lit here: ranks and lights come from `reports.queries.monthly_overview`, the same
read the monthly report uses; this module only picks and formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from newind.core import numbers
from newind.core.office import office
from newind.reports import calc

if TYPE_CHECKING:  # the overview's type only: this module stays pure (no queries, no ORM)
    from newind.reports.queries import Overview

# The cards a leader sees first, in this order, when the city has figures for them.
CARD_INDICATORS = [
    "industrial_va_above_size", "industrial_investment", "tech_renovation_investment", "industrial_tax",
    "industrial_profit", "main_business_revenue", "emerging_industry_va", "high_tech_va", "park_va_share_pct",
    "industrial_electricity", "energy_per_va", "above_size_enterprises",
]


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def cards(overview: Overview) -> list[dict[str, Any]]:
    """One card per key indicator: value with unit and period, growth (with basis), rank, light, forecast."""
    key = overview.key.set_index("indicator_code")
    out = []
    for code in [c for c in CARD_INDICATORS if c in key.index] + [c for c in key.index if c not in CARD_INDICATORS]:
        r = key.loc[code]
        decimals = int(r["decimals"])
        growth = _num(r["growth_pct"])
        light = r["light"] if isinstance(r["light"], str) else ""
        forecast = _num(r["ye_forecast"])
        rank = calc.rank_label(r["province_rank"], r["province_tied"], r["province_reported"])
        out.append({
            "code": code,
            "name": r["indicator_name"],
            "value": calc.fmt_number(r["value"], decimals),
            "unit": r["measure_unit"],
            "period": overview.period.label,
            "growth": None if growth is None else f"{growth:+.1f}%",
            "growth_down": growth is not None and growth < 0,
            "growth_basis": r["growth_basis"],
            "province_rank": None if rank == "—" else rank,
            "province_unranked": calc.unranked_text(r["province_reported"], r["province_min_reporting"]),
            "province_diff": calc.compare_phrase(_num(r["province_diff_pp"])),
            "light": light,
            "light_label": calc.LIGHT_LABELS.get(light, ""),
            # A level target: completion and 序时进度 ("—" alone when missing); a rate target: the actual
            # rate against the target rate in points, never "完成 67.5%".
            "vs_target": r["vs_target_text"] if isinstance(r["vs_target_text"], str) else "",
            "completion": calc.fmt_number(r["completion_pct"], 1, "%"),
            "schedule": calc.fmt_number(r["schedule_pct"], 1, "%"),
            "forecast": None if forecast is None else calc.fmt_number(forecast, decimals),
            "forecast_range": None if forecast is None or _num(r["ye_lower"]) is None or _num(r["ye_upper"]) is None
            else numbers.fmt_range(r["ye_lower"], r["ye_upper"], decimals),
            "forecast_method": r["ye_method_label"] if isinstance(r["ye_method_label"], str) else "",
            "headline": code == office().headline_indicators.headline,
            # '县市区汇总（13个单位中的1个）' while the city's own figure has not arrived.
            "basis": r["city_basis"] if isinstance(r.get("city_basis"), str) else "",
        })
    return out


def _series(frame: pd.DataFrame, code: str) -> dict[str, list[Any]]:
    sub = frame[(frame["indicator_code"] == code) & frame["growth_pct"].notna()].sort_values(
        "growth_pct", ascending=False)
    return {"names": sub["unit_name"].astype(str).tolist(),
            "values": [round(float(v), 1) for v in sub["growth_pct"]]}


def chart_data(overview: Overview) -> dict[str, Any]:
    """Series for the three charts (plain JSON types only; rendered by static/dashboard/dashboard.js)."""
    trend = overview.trend
    head = overview.headline
    headline, park = office().headline_indicators.headline, office().headline_indicators.park
    parks_code = park if (overview.parks["indicator_code"] == park).any() else headline
    parks_name = overview.parks.loc[overview.parks["indicator_code"] == parks_code, "indicator_name"]
    return {
        "city": overview.city_name,
        "trend": {
            "labels": [f"{int(y)}年{'1—2' if n == 2 else int(n)}月" for y, n in
                       zip(trend["year"], trend["period_n"], strict=True)],
            "city": [None if pd.isna(v) else round(float(v), 1) for v in trend["city"]],
            "province": [None if pd.isna(v) else round(float(v), 1) for v in trend["province"]],
        },
        "counties": {**_series(overview.counties, headline),
                     "reference": None if head is None else _num(head["growth_pct"])},
        "parks": {**_series(overview.parks, parks_code),
                  "title": _parks_title(parks_name.iloc[0] if not parks_name.empty else "")},
    }


def _parks_title(name: str) -> str:
    """'园区技工贸总收入增长（%）'; prefixes 园区 only when the indicator's name lacks it."""
    return (name if name.startswith("园区") else f"园区{name}") + "增长（%）"
