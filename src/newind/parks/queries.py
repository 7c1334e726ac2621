"""Reads for parks: roll-ups of their firms' figures (one GROUP BY), their own spine figures, progress to
百亿/千亿, 主导产业集聚度 and the league table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, Sum

from newind.enterprises.choices import SizeClass, Status
from newind.enterprises.models import EnterpriseProfile
from newind.indicators.calc import rank_within_groups
from newind.indicators.models import Observation
from newind.parks import calc
from newind.parks.models import ParkProfile

ROLLUP_INDICATORS = ("sales_revenue", "tax_paid", "value_added", "land_area", "energy_use", "rd_spending",
                     "avg_employees")
SCALE_INDICATOR = "park_tgm_income"  # 技工贸总收入 (亿元), the default of the 百亿/千亿 lines
SCALE_LINES = (100.0, 1000.0)
CONCENTRATION_OUTPUT = "sales_revenue"
# What the league table may be ranked by: column → (label, unit, higher is better).
RANKABLE: dict[str, tuple[str, str]] = {
    "tax_per_mu": ("亩均税收", "万元/亩"),
    "va_per_mu": ("亩均增加值", "万元/亩"),
    "scale": ("技工贸总收入", "亿元"),
    "sales_revenue": ("企业营业收入合计", "万元"),
    "tax_paid": ("企业实缴税金合计", "万元"),
    "concentration_pct": ("主导产业集聚度", "%"),
}


def park_rollups(year: int, indicators: tuple[str, ...] = ROLLUP_INDICATORS, *,
                 size: str | None = None) -> pd.DataFrame:
    """Σ of the current annual figures of each park's firms (not deregistered), one GROUP BY query.

    Returns one row per park_id with a column per indicator (NaN when no firm reported it) and
    `<indicator>_firms`, the number of firms summed.
    """
    qs = Observation.objects.filter(is_current=True, year=int(year), period_kind="Y", period_n=0,
                                    indicator__code__in=indicators, unit__enterprise__park__isnull=False)
    qs = qs.exclude(unit__enterprise__status=Status.DEREGISTERED)
    if size:
        qs = qs.filter(unit__enterprise__size=size)
    rows = list(qs.values("unit__enterprise__park_id", "indicator__code")
                .annotate(total=Sum("value"), firms=Count("id")).order_by())
    frame = pd.DataFrame(rows, columns=["unit__enterprise__park_id", "indicator__code", "total", "firms"])
    frame = frame.rename(columns={"unit__enterprise__park_id": "park_id", "indicator__code": "indicator"})
    frame["total"] = frame["total"].astype(float)
    sums = frame.pivot_table(index="park_id", columns="indicator", values="total", aggfunc="sum")
    counts = frame.pivot_table(index="park_id", columns="indicator", values="firms", aggfunc="sum")
    sums = sums.reindex(columns=list(indicators))
    counts = counts.reindex(columns=list(indicators)).fillna(0).astype(int).add_suffix("_firms")
    return sums.join(counts, how="outer")


def park_scale(year: int, code: str = SCALE_INDICATOR) -> pd.DataFrame:
    """Each park's own current figure of the scale indicator: the year's latest 1—N月 (`scale`, `months`;
    12 for an annual figure), and the base of the 百亿/千亿 progress — the year's full-year figure, or the
    previous year's when the year is not complete (`base`, `base_year`): a part year is no base for growth."""
    rows = list(Observation.objects.filter(is_current=True, year__in=[int(year) - 1, int(year)],
                                           indicator__code=code, unit__kind="park", period_kind__in=["M", "Y"])
                .values_list("unit_id", "year", "period_kind", "period_n", "value"))
    frame = pd.DataFrame(rows, columns=["unit_id", "year", "kind", "n", "value"])
    frame["months"] = frame["n"].where(frame["kind"] == "M", 12)
    frame["value"] = frame["value"].astype(float)
    cols = ["scale", "months", "base", "base_year"]
    if frame.empty:
        return pd.DataFrame(columns=cols, dtype=float)
    latest = frame.sort_values("months").groupby(["unit_id", "year"]).tail(1).set_index(["unit_id", "year"])
    this = latest.xs(int(year), level="year") if int(year) in latest.index.get_level_values("year") else None
    full = latest[latest["months"] == 12]
    out = pd.DataFrame(index=pd.Index(frame["unit_id"].unique(), name="unit_id"), columns=cols, dtype=float)
    if this is not None:
        out["scale"] = this["value"]
        out["months"] = this["months"].astype(float)
    for y in (int(year), int(year) - 1):  # the year's own full figure first
        if y in full.index.get_level_values("year"):
            part = full.xs(y, level="year")["value"]
            todo = out["base"].isna() & out.index.isin(part.index)
            out.loc[todo, "base"] = part.reindex(out.index)[todo]
            out.loc[todo, "base_year"] = float(y)
    return out


def firm_counts() -> pd.DataFrame:
    """Firms per park and size class (deregistered ones left out)."""
    rows = list(EnterpriseProfile.objects.filter(park__isnull=False).exclude(status=Status.DEREGISTERED)
                .values("park_id", "size").annotate(n=Count("id")).order_by())
    frame = pd.DataFrame(rows, columns=["park_id", "size", "n"])
    wide = frame.pivot_table(index="park_id", columns="size", values="n", aggfunc="sum")
    return wide.reindex(columns=list(SizeClass.values)).fillna(0).astype(int)


def park_concentration(year: int, profiles: list[ParkProfile]) -> pd.DataFrame:
    """主导产业集聚度: each park's leading industries' share of its firms' 营业收入 for the year."""
    rows = list(Observation.objects.filter(
        is_current=True, year=int(year), period_kind="Y", period_n=0, indicator__code=CONCENTRATION_OUTPUT,
        unit__enterprise__park__isnull=False).exclude(unit__enterprise__status=Status.DEREGISTERED)
        .values_list("unit__enterprise__park_id", "unit__industry_code", "value"))
    firms = pd.DataFrame(rows, columns=["park_id", "industry_code", "output"])
    firms["output"] = firms["output"].astype(float)
    return calc.concentration(firms, {p.unit_id: p.leading_codes for p in profiles})


def _plain(value: Any) -> Any:
    """A frame cell as the page reads it: None for NaN/NA, Python numbers for numpy ones."""
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def park_entry_summary(year: int, profile: ParkProfile) -> dict[str, Any]:
    """How many of a park's firms reach its level's entry thresholds for tax and output per mu (output read
    as 营业收入; investment belongs to projects), from their current annual figures."""
    from newind.parks.services import load_thresholds

    codes = {"tax_paid": "tax", "sales_revenue": "output", "land_area": "land_mu"}
    rows = list(Observation.objects.filter(
        is_current=True, year=int(year), period_kind="Y", period_n=0, indicator__code__in=list(codes),
        unit__enterprise__park=profile.unit).exclude(unit__enterprise__status=Status.DEREGISTERED)
        .values_list("unit_id", "indicator__code", "value"))
    long = pd.DataFrame(rows, columns=["unit_id", "indicator", "value"])
    long["value"] = long["value"].astype(float)
    wide = long.pivot_table(index="unit_id", columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(codes)).rename(columns=codes)
    wide["level"] = profile.level
    checked = calc.entry_frame(wide, load_thresholds())
    summary: dict[str, Any] = {"firms": len(checked)}
    for measure in ("tax", "output"):
        passed = checked[f"{measure}_passed"]
        summary[measure] = {"judged": int(passed.notna().sum()), "passed": int(passed.fillna(False).sum())}
    return summary


@dataclass
class LeagueTable:
    year: int
    by_year: int
    sort: str
    rows: list[dict[str, Any]]
    reported: int
    ranked: bool
    lines: tuple[float, ...] = SCALE_LINES
    notes: list[str] = field(default_factory=list)

    @property
    def sort_label(self) -> str:
        return RANKABLE[self.sort][0]


def league_table(year: int, *, sort: str = "tax_per_mu", by_year: int | None = None,
                 county_ids: set[int] | None = None) -> LeagueTable:
    """Every registered park for a year: firm roll-ups, 亩均 figures, 技工贸总收入 and its progress to
    百亿/千亿 by `by_year`, 主导产业集聚度, ranked by `sort` (competition ranks; no rank below 2 reporting)."""
    if sort not in RANKABLE:
        sort = "tax_per_mu"
    by_year = int(by_year or year + 3)
    profiles = list(ParkProfile.objects.select_related("unit", "county").order_by("unit__sort_order", "unit__code"))
    if county_ids is not None:
        profiles = [p for p in profiles if p.county_id in county_ids]
    base = pd.DataFrame({"park_id": [p.unit_id for p in profiles]}).set_index("park_id")
    frame = base.join(park_rollups(year), how="left").join(firm_counts(), how="left")
    frame = frame.join(park_scale(year), how="left")
    frame = frame.join(park_concentration(year, profiles)[["share_pct"]].rename(
        columns={"share_pct": "concentration_pct"}), how="left")
    for col in ("sales_revenue", "tax_paid", "value_added", "land_area", "above", "below", "scale", "months",
                "base", "base_year", "concentration_pct"):
        if col not in frame:
            frame[col] = np.nan
    land = frame["land_area"].where(frame["land_area"] > 0)
    frame["tax_per_mu"] = frame["tax_paid"] / land
    frame["va_per_mu"] = frame["value_added"] / land
    for line in SCALE_LINES if len(frame) else ():
        # One base year for all parks would be wrong where a park lacks the year's full figure: group by it.
        prog = pd.concat([calc.progress_frame(part["base"], line, int(base_year), by_year)
                          for base_year, part in frame.groupby(frame["base_year"].fillna(year))])
        prog = prog.reindex(frame.index)
        frame[f"gap_{int(line)}"] = prog["gap"]
        frame[f"growth_{int(line)}"] = prog["required_growth_pct"]
        frame[f"crossed_{int(line)}"] = prog["crossed"]
    frame["group"] = 1
    ranked = rank_within_groups(frame.reset_index(), sort, ["group"]).set_index("park_id")
    by_id = {p.unit_id: p for p in profiles}
    rows = []
    for park_id, r in ranked.iterrows():
        p = by_id[int(park_id)]
        rows.append({"profile": p, "unit": p.unit, **{k: _plain(v) for k, v in r.items()}})
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"].sort_order, r["unit"].code))
    reported = int(ranked["reported"].max()) if len(ranked) else 0
    is_ranked = bool(ranked["ranked"].any()) if len(ranked) else False
    notes = [f"按{RANKABLE[sort][0]}排名，{reported}个园区有数据。"]
    if not is_ranked:
        notes.append("有数据的园区少于2个，不排名次。")
    if any(p.is_synthetic for p in profiles):
        notes.append("园区面积、主导产业和企业数据为示例数据。")
    return LeagueTable(int(year), by_year, sort, rows, reported, is_ranked, notes=notes)
