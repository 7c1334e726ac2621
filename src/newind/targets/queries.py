"""Reads: targets with their progress, lights and forecasts (`target_progress`), the warning list with what
changed since the previous period (`warning_list`), and the decomposition check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newind.forecasts import calc as fcalc
from newind.forecasts.queries import ForecastSet, forecast_set
from newind.indicators.calc import cagr_pct, change_unit, yoy_growth_pct
from newind.indicators.models import Frequency, Indicator, ValueKind
from newind.indicators.periods import Period, PeriodKind
from newind.indicators.queries import period_frame
from newind.targets import calc
from newind.targets.models import Target, TargetType, WarningScheme
from newind.targets.rules import DEFAULT_RULE_SET, RuleSet, rule_set, schedule_basis_for
from newind.units.models import Unit, UnitLink

PROGRESS_COLUMNS = [
    "target_id", "indicator_code", "indicator_name", "measure_unit", "unit_code", "unit_name", "year",
    "target_kind", "target_kind_label", "target_type", "target_value", "actual", "actual_indicator_code",
    "period_label", "schedule_basis", "schedule_basis_label", "schedule_pct", "completion_pct", "gap_pts",
    "gap_unit", "vs_target_text", "vs_target_gap_text",
    "light", "light_label", "light_reason", "forecast", "forecast_lower", "forecast_upper", "forecast_method",
    "forecast_method_label", "prob_meet", "responsible_unit_code", "responsible_unit_name", "source",
    "is_synthetic", "rule_set",
]
WARNING_EXTRA = ["previous_light", "previous_light_label", "change"]


def rule_set_for_year(year: int) -> RuleSet:
    """The light rules the office chose for a year (default when not chosen)."""
    chosen = WarningScheme.objects.filter(year=year).values_list("rule_set", flat=True).first()
    return rule_set(chosen or DEFAULT_RULE_SET)


def _targets_frame(year: int, unit_codes: list[str] | None, indicator_codes: list[str] | None) -> pd.DataFrame:
    qs = Target.objects.filter(year=year)
    if unit_codes is not None:
        qs = qs.filter(unit__code__in=unit_codes)
    if indicator_codes is not None:
        qs = qs.filter(indicator__code__in=indicator_codes)
    rows = list(qs.values(
        "id", "indicator_id", "indicator__code", "indicator__name", "indicator__measure_unit",
        "indicator__decimals", "indicator__sort_order", "unit_id", "unit__code", "unit__name", "unit__sort_order",
        "year", "kind", "target_type", "value", "schedule_basis", "responsible_unit__code",
        "responsible_unit__name", "source", "is_synthetic",
    ))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.rename(columns={
        "id": "target_id", "indicator__code": "indicator_code", "indicator__name": "indicator_name",
        "indicator__measure_unit": "measure_unit", "indicator__decimals": "decimals", "unit__code": "unit_code",
        "unit__name": "unit_name", "kind": "target_kind", "value": "target_value",
        "responsible_unit__code": "responsible_unit_code", "responsible_unit__name": "responsible_unit_name",
        "is_synthetic": "target_is_synthetic",
    })
    frame["target_value"] = frame["target_value"].astype(float)
    return frame


@dataclass(frozen=True)
class Evaluation:
    """How one target is measured: which indicator carries the actual figure and how it is compared."""

    mode: str  # flow | stock | direct | nominal_growth
    actual_indicator: Indicator


def evaluation_for(indicator: Indicator, target_type: str, by_code: dict[str, Indicator]) -> Evaluation:
    """flow: cumulative level vs schedule; stock: a 时点数 level, increase vs schedule; direct: a rate or
    ratio compared point for point; nominal_growth: a level's growth computed from two cumulative figures
    (only when no published growth indicator exists)."""
    if target_type == TargetType.GROWTH:
        if indicator.value_kind == ValueKind.RATE:
            return Evaluation("direct", indicator)
        if indicator.growth_indicator and indicator.growth_indicator in by_code:
            return Evaluation("direct", by_code[indicator.growth_indicator])
        return Evaluation("nominal_growth", indicator)
    if indicator.value_kind in (ValueKind.RATE, ValueKind.RATIO, ValueKind.PER_UNIT):
        return Evaluation("direct", indicator)
    if indicator.cumulative or indicator.frequency == Frequency.ANNUAL:
        return Evaluation("flow", indicator)
    return Evaluation("stock", indicator)


def _period_slot(indicator: Indicator, period: Period) -> tuple[str, int] | None:
    """Which stored period of this indicator answers `period` (None when the indicator has none)."""
    months = period.months_covered
    if indicator.frequency == Frequency.MONTHLY:
        return PeriodKind.MONTH_CUM.value, months
    if indicator.frequency == Frequency.QUARTERLY:
        return (PeriodKind.QUARTER_CUM.value, months // 3) if months % 3 == 0 else None
    return (PeriodKind.ANNUAL.value, 0) if months == 12 else None


def _figures(indicator: Indicator, unit_ids: list[int], period: Period) -> pd.DataFrame:
    """Per unit: the figure now (`now`), last year same period (`ly_now`) and last year's total (`ly_total`)."""
    slot = _period_slot(indicator, period)
    cols = ["unit_id", "now", "ly_now", "ly_total", "now_synthetic", "now_source"]
    if slot is None:
        return pd.DataFrame(columns=cols)
    kind, n = slot
    end = {PeriodKind.MONTH_CUM.value: 12, PeriodKind.QUARTER_CUM.value: 4, PeriodKind.ANNUAL.value: 0}[kind]
    # This period, the same period last year and last year's total: the one period-plus-last-year read.
    obs = period_frame(Period(period.year, PeriodKind(kind), n), indicator_ids=[indicator.id], unit_ids=unit_ids,
                       with_last_year_total=True)
    out = pd.DataFrame({"unit_id": unit_ids})

    def pick(year: int, pn: int, name: str, extra: bool = False) -> None:
        nonlocal out
        sel = obs[(obs["year"] == year) & (obs["period_n"] == pn)]
        keep = ["unit_id", "value"] + (["is_synthetic", "source"] if extra else [])
        renamed = sel[keep].rename(columns={"value": name, "is_synthetic": f"{name}_synthetic",
                                            "source": f"{name}_source"})
        out = out.merge(renamed, on="unit_id", how="left")

    pick(period.year, n, "now", extra=True)
    pick(period.year - 1, n, "ly_now")
    pick(period.year - 1, end, "ly_total")
    return out[cols]


def target_progress(period: Period, *, unit_codes: list[str] | None = None,
                    indicator_codes: list[str] | None = None, rules: RuleSet | None = None) -> pd.DataFrame:
    """Every target of `period.year` with its figure to date, schedule, completion, gap, light and year-end
    forecast (see PROGRESS_COLUMNS). One frame per call; computed set-wise per indicator."""
    targets = _targets_frame(period.year, unit_codes, indicator_codes)
    if targets.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    rules = rules or rule_set_for_year(period.year)
    by_code = {i.code: i for i in Indicator.objects.all()}
    parts = []
    for (ind_code, ttype), grp in targets.groupby(["indicator_code", "target_type"], sort=False):
        ev = evaluation_for(by_code[str(ind_code)], str(ttype), by_code)
        parts.append(_evaluate(grp.copy(), ev, by_code[str(ind_code)], period))
    frame = pd.concat(parts, ignore_index=True)
    frame["rule_type"] = np.where(frame["mode"].isin(["flow", "stock"]), "level", "growth")
    lights = calc.lights_frame(
        frame.rename(columns={"target_kind": "kind"}).assign(target_type=frame["rule_type"]), rules)
    frame = frame.join(lights)
    frame["rule_set"] = rules.code
    frame["period_label"] = period.label
    frame["target_kind_label"] = frame["target_kind"].map(calc.KIND_LABELS)
    frame["schedule_basis_label"] = frame["schedule_basis"].map(calc.BASIS_LABELS).astype(object).fillna("")
    frame = frame.sort_values(["indicator__sort_order", "indicator_code", "unit__sort_order", "unit_code",
                               "target_kind"]).reset_index(drop=True)
    return frame[PROGRESS_COLUMNS]


def _evaluate(grp: pd.DataFrame, ev: Evaluation, indicator: Indicator, period: Period) -> pd.DataFrame:
    """Actual, schedule, completion, gap, forecast and probability for the targets of one indicator."""
    actual_ind = ev.actual_indicator
    unit_ids = sorted(grp["unit_id"].unique().tolist())
    figs = _figures(actual_ind, unit_ids, period)
    grp = grp.merge(figs, on="unit_id", how="left")
    grp["mode"] = ev.mode
    grp["actual_indicator_code"] = actual_ind.code
    grp["source"] = grp["source"].where(grp["source"].astype(bool), grp["now_source"].astype(object).fillna(""))
    grp["is_synthetic"] = grp["target_is_synthetic"].astype(bool) | grp["now_synthetic"].astype(object).fillna(False).astype(bool)
    months = 12 if period.kind == PeriodKind.ANNUAL else period.months_covered
    higher = indicator.higher_is_better

    fs: ForecastSet | None = None
    if actual_ind.frequency == Frequency.MONTHLY and period.kind != PeriodKind.QUARTER_CUM:
        fs = forecast_set(actual_ind, period, grp["unit_code"].unique().tolist())
    fc = fs.frame.set_index("unit_code") if fs is not None else pd.DataFrame()

    def fc_col(name: str) -> pd.Series:
        if fc.empty or name not in fc.columns:
            return pd.Series(np.nan, index=grp.index)
        return grp["unit_code"].map(fc[name])

    grp["forecast"], grp["forecast_lower"], grp["forecast_upper"] = fc_col("forecast"), fc_col("lower"), \
        fc_col("upper")
    grp["forecast_method"] = fc_col("method").astype(object).fillna("")
    grp["forecast_method_label"] = fc_col("method_label").astype(object).fillna("")
    target = grp["target_value"]

    if ev.mode == "flow":
        basis = grp["schedule_basis"].where(grp["schedule_basis"].astype(bool),
                                            schedule_basis_for(indicator.code))
        sched = calc.schedule_frame(pd.DataFrame({"months": months, "basis": basis,
                                                  "last_year_cum": grp["ly_now"],
                                                  "last_year_total": grp["ly_total"]}))
        grp["schedule_pct"], grp["schedule_basis"] = sched["schedule_pct"], sched["basis_used"]
        grp["actual"] = grp["now"]
        grp["completion_pct"] = calc.completion_pct(grp["now"], target)
        grp["gap_pts"] = grp["schedule_pct"] - grp["completion_pct"]
        threshold = target
    elif ev.mode == "stock":
        grp["schedule_pct"] = calc.calendar_schedule_pct(np.full(len(grp), months))
        grp["schedule_basis"] = "calendar"
        grp["actual"] = grp["now"]
        grp["completion_pct"] = calc.completion_pct(grp["now"], target, grp["ly_total"])
        grp["gap_pts"] = grp["schedule_pct"] - grp["completion_pct"]
        threshold = target
    elif ev.mode == "nominal_growth":
        # A growth target is judged against the rate itself, not against the calendar: no 序时进度.
        grp["schedule_pct"], grp["schedule_basis"] = np.nan, ""
        grp["actual"] = yoy_growth_pct(grp["now"], grp["ly_now"])
        grp["completion_pct"] = np.nan  # a rate is met or missed by points, never "完成 143%"
        grp["gap_pts"] = calc.direct_gap_pts(grp["actual"], target, higher)
        ly = grp["ly_total"].where(grp["ly_total"] > 0)
        for col in ("forecast", "forecast_lower", "forecast_upper"):
            grp[col] = yoy_growth_pct(grp[col], grp["ly_total"])  # "—" from a base ≤ 0, as everywhere
        threshold = ly * (1.0 + target / 100.0)  # the level the growth target implies
    else:  # direct
        grp["schedule_pct"], grp["schedule_basis"] = np.nan, ""
        grp["actual"] = grp["now"]
        grp["completion_pct"] = np.nan  # a rate or ratio is met or missed by its difference, not by a %
        grp["gap_pts"] = calc.direct_gap_pts(grp["now"], target, higher)
        threshold = target

    # Probability of meeting the target and "forecast to miss" from the same error distribution.
    grp["prob_meet"] = np.nan
    if fs is not None and len(fs.errors):
        level_fc = grp["unit_code"].map(fc["forecast"]) if not fc.empty else pd.Series(np.nan, index=grp.index)
        grp["prob_meet"] = fcalc.prob_at_least(level_fc.to_numpy(dtype=float), fs.errors,
                                               np.asarray(threshold, dtype=float), fs.dist.family, higher)
    # For nominal growth the forecast was turned into a growth rate above, so it compares with the target.
    miss = grp["forecast"] < target if higher else grp["forecast"] > target
    grp["forecast_miss"] = miss.where(grp["forecast"].notna(), False).astype(bool)
    dec = int(indicator.decimals)
    unit = actual_ind.measure_unit if ev.mode == "direct" else indicator.measure_unit
    grp["forecast_text"] = [_value_text(v, unit, dec) for v in grp["forecast"]]
    grp["target_text"] = [_value_text(v, unit, dec) for v in grp["target_value"]]
    if ev.mode == "nominal_growth" or (ev.mode == "direct" and actual_ind.value_kind == ValueKind.RATE):
        grp["forecast_text"] = [f"增长{v:.1f}%" if pd.notna(v) else "—" for v in grp["forecast"]]
        grp["target_text"] = [f"增长{v:g}%" for v in grp["target_value"]]
    # The actual figure against the target, by their difference (the rate rule), for rates and ratios.
    if ev.mode in ("direct", "nominal_growth"):
        shown = "%" if ev.mode == "nominal_growth" else actual_ind.measure_unit
        places = 1 if shown == "%" else dec
        grp["gap_unit"] = change_unit("rate", shown)
        grp["vs_target_text"] = [calc.vs_target_text(a, t, g, shown, places) for a, t, g in
                                 zip(grp["actual"], grp["target_value"], grp["gap_pts"], strict=True)]
        grp["vs_target_gap_text"] = [calc.vs_target_gap_text(g, shown, places) for g in grp["gap_pts"]]
    else:
        grp["gap_unit"], grp["vs_target_text"], grp["vs_target_gap_text"] = "个百分点", "", ""
    return grp


def _value_text(v: float, unit: str, decimals: int) -> str:
    if v is None or pd.isna(v):
        return "—"
    if unit == "%":
        return f"{v:.1f}%"
    return f"{v:,.{decimals}f}{unit}"


def warning_list(period: Period, *, unit_codes: list[str] | None = None,
                 indicator_codes: list[str] | None = None, rules: RuleSet | None = None,
                 current: pd.DataFrame | None = None) -> pd.DataFrame:
    """Targets lit red or yellow now, or last period (then '转绿'), red first, then by gap; with the change
    since the previous period (新亮红灯, 转绿, 由黄转红, 持续红灯 …).

    `current` is this period's `target_progress` with the same filters when the caller already has it
    (the monthly overview does), so it is not computed twice on one request.
    """
    now = current if current is not None else target_progress(
        period, unit_codes=unit_codes, indicator_codes=indicator_codes, rules=rules)
    prev_period = period.previous() if period.kind != PeriodKind.ANNUAL else None
    prev = None
    if prev_period is not None and not now.empty:
        prev = target_progress(prev_period, unit_codes=unit_codes, indicator_codes=indicator_codes, rules=rules)
    listed = warnings_from(now, prev)
    if indicator_codes is not None or not _WARNING_SOURCES:
        return listed  # a choice of indicators is a choice of targets: the other sources stay out
    return _with_sources(listed, period, prev_period, unit_codes)


def warnings_from(now: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """The warning list from two progress frames (this period's and the previous one's)."""
    now = now.copy()
    prev_light = dict(zip(previous["target_id"], previous["light"], strict=True)) if previous is not None else {}
    now["previous_light"] = now["target_id"].map(prev_light).astype(object).fillna("none")
    now["previous_light_label"] = now["previous_light"].map(calc.LIGHT_LABELS)
    now["change"] = [calc.light_change(p, c) for p, c in zip(now["previous_light"], now["light"], strict=True)]
    warn = now["light"].isin(["red", "yellow"]) | now["previous_light"].isin(["red", "yellow"])
    out = now[warn].copy()
    out["_sev"] = out["light"].map(calc.LIGHT_SEVERITY)
    out = out.sort_values(["_sev", "gap_pts"], ascending=[True, False], na_position="last")
    return out.drop(columns="_sev").reset_index(drop=True)[[*PROGRESS_COLUMNS, *WARNING_EXTRA]]


# --- other warning sources -----------------------------------------------------------------------------
# A higher app (projects: its lights) adds its own red and yellow lights to the warning list without targets
# importing it: it registers a source in its AppConfig.ready. A source takes (period, unit_codes) and returns
# rows with the list's columns (PROGRESS_COLUMNS; missing ones are left empty), `target_id` a key stable from
# one month to the next (e.g. "project:12:start"), so the change since last month (新亮红灯, 转绿 …) compares
# the same light. A source may return an empty frame (nothing lit, or a period it does not cover).

WarningSource = Callable[[Period, list[str] | None], pd.DataFrame]
_WARNING_SOURCES: dict[str, WarningSource] = {}


def register_warning_source(name: str, source: WarningSource) -> None:
    """Add (or replace) a named source of warning rows (see above)."""
    _WARNING_SOURCES[name] = source


def warning_sources() -> dict[str, WarningSource]:
    return dict(_WARNING_SOURCES)


def _source_frame(period: Period | None, unit_codes: list[str] | None) -> pd.DataFrame:
    if period is None:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    frames = [f for f in (src(period, unit_codes) for src in _WARNING_SOURCES.values()) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    return pd.concat(frames, ignore_index=True).reindex(columns=PROGRESS_COLUMNS)


def _with_sources(listed: pd.DataFrame, period: Period, prev_period: Period | None,
                  unit_codes: list[str] | None) -> pd.DataFrame:
    """The targets' list followed by the sources' lights with their change since the previous period, all
    ordered by severity (red first), then by gap."""
    now = _source_frame(period, unit_codes)
    # Last month's lights of the sources (a source's light that went out shows as 转绿). Only within the
    # year, as the targets' own list (1—2月 has no previous period).
    prev = _source_frame(prev_period, unit_codes) if prev_period is not None else None
    if prev is not None and not prev.empty:
        gone = prev[~prev["target_id"].isin(now["target_id"]) & prev["light"].isin(["red", "yellow"])].copy()
        if not gone.empty:
            gone["light"], gone["light_label"] = "green", calc.LIGHT_LABELS["green"]
            gone["light_reason"] = "本月已不再亮灯"
            gone["period_label"] = period.label
            now = pd.concat([now, gone], ignore_index=True)
    if now.empty:
        return listed
    extra = warnings_from(now, prev)
    merged = pd.concat([listed, extra], ignore_index=True) if not listed.empty else extra
    merged["_sev"] = merged["light"].map(calc.LIGHT_SEVERITY)
    merged = merged.sort_values(["_sev", "gap_pts"], ascending=[True, False], na_position="last", kind="stable")
    return merged.drop(columns="_sev").reset_index(drop=True)


# --- decomposition ------------------------------------------------------------------------------------

def decomposition(indicator: Indicator, year: int, kind: str, parent: Unit) -> dict[str, object]:
    """The whole's level target against its direct children's (admin hierarchy), and the parks' sum shown
    beside it (parks sit inside counties, so they are not added to the counties)."""
    children = list(UnitLink.objects.filter(hierarchy__code="admin", parent=parent,
                                            child__kind__in=["county", "zone"]).values_list("child_id", flat=True))
    park_ids = list(UnitLink.objects.filter(hierarchy__code="admin", child__kind="park",
                                            parent_id__in=[*children, parent.id]).values_list("child_id", flat=True))
    qs = Target.objects.filter(indicator=indicator, year=year, kind=kind, target_type=TargetType.LEVEL)
    whole = qs.filter(unit=parent).values_list("value", flat=True).first()
    parts = list(qs.filter(unit_id__in=children).select_related("unit").order_by("unit__sort_order"))
    parks = list(qs.filter(unit_id__in=park_ids).select_related("unit").order_by("unit__sort_order"))
    check = calc.decomposition_check(float(whole), [float(t.value) for t in parts],
                                     measure_unit=indicator.measure_unit, decimals=indicator.decimals) \
        if whole is not None else None
    return {"indicator": indicator, "year": year, "kind": kind, "kind_label": calc.KIND_LABELS[kind],
            "parent": parent, "whole": float(whole) if whole is not None else None, "parts": parts,
            "children_count": len(children), "missing": len(children) - len(parts), "check": check,
            "parks": parks, "parks_sum": sum(float(t.value) for t in parks)}


# --- share target --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShareTarget:
    indicator: Indicator
    unit: Unit
    province: Unit
    path: calc.SharePath
    province_growth_assumed: bool  # True when the province's growth was taken from its recent trend
    years: list[int]
    is_synthetic: bool
    sources: list[str]  # the stored source texts of the figures used

    @property
    def source(self) -> str:
        """The sources by their Chinese labels, 「；」-separated."""
        from newind.indicators.sources import sources_text

        return sources_text(self.sources, "本平台数据库")


def share_target(indicator_code: str, unit_code: str, *, target_share_pct: float, by_year: int,
                 province_code: str = "430000", province_growth_pct: float | None = None,
                 recent_years: int = 3) -> ShareTarget:
    """A share target (e.g. 12% of the province's GDP by 2020) read against the stored annual figures."""
    from newind.core.errors import AppError
    from newind.indicators.queries import current_values, indicator_by_code
    from newind.units.queries import unit_by_code

    indicator = indicator_by_code(indicator_code)
    if not indicator.additive:
        raise AppError(f"「{indicator.name}」不是可加总的总量指标，不能计算占全省比重：请选择地区生产总值等总量指标。")
    unit, province = unit_by_code(unit_code), unit_by_code(province_code)
    frame = current_values(indicator, unit_ids=[unit.id, province.id], period_kind=PeriodKind.ANNUAL)
    wide = frame.pivot_table(index="year", columns="unit_code", values="value", aggfunc="last").dropna()
    if unit.code not in wide.columns or province.code not in wide.columns or len(wide) < 2:
        raise AppError(f"缺少{unit.name}或{province.name}的「{indicator.name}」年度数据（至少需要两年）："
                       "请先导入年度数据。")
    wide = wide.sort_index()
    years = [int(y) for y in wide.index]
    assumed = province_growth_pct is None
    if province_growth_pct is None:
        k = min(recent_years, len(wide) - 1)
        p = wide[province.code].to_numpy()
        province_growth_pct = float(cagr_pct(p[-1 - k], p[-1], k))
    path = calc.share_target_path(wide[unit.code].tolist(), wide[province.code].tolist(), years,
                                  target_share_pct=target_share_pct, by_year=by_year,
                                  province_growth_pct=province_growth_pct, recent_years=recent_years)
    used = frame[frame["year"].isin(years)]
    sources = sorted(set(used["source"].astype(str)))
    return ShareTarget(indicator, unit, province, path, assumed, years, bool(used["is_synthetic"].any()), sources)
