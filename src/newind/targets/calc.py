"""Pure target arithmetic: schedule (序时进度), completion, gaps, lights from ordered rules, decomposition
checks, changes since last period and the share-target path. No database."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.core.numbers import MISSING, fmt_number, to_float
from newind.indicators.calc import cagr_pct, last_year_profile_share, required_growth_for_share
from newind.targets.choices import Light as LightChoice
from newind.targets.choices import ScheduleBasis, TargetKind, TargetType

LIGHT_LABELS = {str(v): str(label) for v, label in LightChoice.choices}
# Severity order for sorting warning lists: red first.
LIGHT_SEVERITY = {"red": 0, "yellow": 1, "none": 2, "green": 3}
KIND_LABELS = {str(v): str(label) for v, label in TargetKind.choices}
TARGET_TYPES = tuple(str(v) for v in TargetType.values)
BASIS_LABELS = {str(v): str(label) for v, label in ScheduleBasis.choices if v}


# --- rules ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LightRule:
    """One ordered rule: its conditions (all must hold; None = no condition) and the light it gives."""

    light: str
    reason: str
    target_types: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    gap_over: float | None = None  # gap_pts > gap_over (strict)
    gap_from: float | None = None  # gap_pts >= gap_from (inclusive)
    forecast_miss: bool | None = None  # the year-end point forecast falls short of the target
    prob_meet_below: float | None = None  # the backtested chance of meeting the target is below this

    @property
    def is_catch_all(self) -> bool:
        return all(v is None for v in (self.target_types, self.kinds, self.gap_over, self.gap_from,
                                       self.forecast_miss, self.prob_meet_below))

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Rows of `frame` (columns gap_pts, target_type, kind, forecast_miss) this rule matches."""
        m = pd.Series(True, index=frame.index)
        if self.target_types is not None:
            m &= frame["target_type"].isin(self.target_types)
        if self.kinds is not None:
            m &= frame["kind"].isin(self.kinds)
        gap = frame["gap_pts"].astype(float)
        if self.gap_over is not None:
            m &= gap > self.gap_over
        if self.gap_from is not None:
            m &= gap >= self.gap_from
        if self.forecast_miss is not None:
            miss = frame["forecast_miss"].astype(object).fillna(False).astype(bool)
            m &= miss if self.forecast_miss else ~miss
        if self.prob_meet_below is not None:
            prob = frame["prob_meet"].astype(float) if "prob_meet" in frame.columns \
                else pd.Series(np.nan, index=frame.index)
            m &= prob < self.prob_meet_below  # no probability (no forecast) never matches
        return m


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    rules: tuple[LightRule, ...] = field(default_factory=tuple)


_RULE_KEYS = {"light", "reason", "target_types", "kinds", "gap_over", "gap_from", "forecast_miss",
              "prob_meet_below"}


def parse_rule_set(data: dict[str, Any]) -> RuleSet:
    """Validate a rule set read from YAML; raise AppError naming the bad rule."""
    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or code)
    raw = data.get("rules")
    if not code or not isinstance(raw, list) or not raw:
        raise AppError(f"预警规则「{code or '?'}」缺少 code 或 rules：每个规则文件需有代码和至少一条规则。")
    rules: list[LightRule] = []
    for i, r in enumerate(raw, start=1):
        where = f"预警规则「{code}」第{i}条"
        if not isinstance(r, dict) or set(r) - _RULE_KEYS:
            extra = "、".join(sorted(set(r) - _RULE_KEYS)) if isinstance(r, dict) else ""
            raise AppError(f"{where}格式不对{('：不认识的字段 ' + extra) if extra else ''}。")
        light = r.get("light")
        if light not in ("green", "yellow", "red"):
            raise AppError(f"{where}的灯色「{light}」无效：应为 green、yellow 或 red。")
        types = tuple(r["target_types"]) if r.get("target_types") is not None else None
        kinds = tuple(r["kinds"]) if r.get("kinds") is not None else None
        if types and set(types) - set(TARGET_TYPES):
            raise AppError(f"{where}的目标形式无效：应为 level 或 growth。")
        if kinds and set(kinds) - set(KIND_LABELS):
            raise AppError(f"{where}的目标类别无效：应为 hard、floor 或 stretch。")
        rules.append(LightRule(
            light=light, reason=str(r.get("reason") or LIGHT_LABELS[light]), target_types=types, kinds=kinds,
            gap_over=float(r["gap_over"]) if r.get("gap_over") is not None else None,
            gap_from=float(r["gap_from"]) if r.get("gap_from") is not None else None,
            forecast_miss=bool(r["forecast_miss"]) if r.get("forecast_miss") is not None else None,
            prob_meet_below=float(r["prob_meet_below"]) if r.get("prob_meet_below") is not None else None,
        ))
    if not rules[-1].is_catch_all:
        raise AppError(f"预警规则「{code}」的最后一条必须不带条件（兜底规则），否则有的目标会没有灯色。")
    return RuleSet(code=code, name=name, rules=tuple(rules))


# --- schedule and completion --------------------------------------------------------------------------

def calendar_schedule_pct(months_covered: Any) -> Any:
    """序时进度: the elapsed share of the year in percent (1—N月 → N/12; 1—2月 → 2/12 = 16.7%)."""
    out = np.asarray(months_covered, dtype=float) / 12.0 * 100.0
    return float(out) if out.ndim == 0 else out


def schedule_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Expected completion by now for each row.

    Columns used: `months` (months covered by the 1—N月 figure), `basis` ('calendar'|'last_year'),
    `last_year_cum` (the unit's 1—N月 figure last year) and `last_year_total` (its full-year figure).
    Returns `schedule_pct` and `basis_used` (last_year falls back to calendar where last year's profile is
    missing or not positive, and says so).
    """
    months = frame["months"].astype(float)
    calendar = months / 12.0 * 100.0
    ly_cum = frame.get("last_year_cum", pd.Series(np.nan, index=frame.index)).astype(float)
    ly_total = frame.get("last_year_total", pd.Series(np.nan, index=frame.index)).astype(float)
    profile = last_year_profile_share(ly_cum, ly_total) * 100.0  # NaN unless 0 < to-date ≤ total
    profile_ok = (frame["basis"] == "last_year") & profile.notna()
    out = pd.DataFrame(index=frame.index)
    out["schedule_pct"] = calendar.where(~profile_ok, profile)
    out["basis_used"] = np.where(profile_ok, "last_year", "calendar")
    out.loc[months >= 12, "schedule_pct"] = 100.0
    return out


def completion_pct(actual: Any, target: Any, base: Any = None) -> Any:
    """Completion of a level target in percent: actual / target; for a stock (时点数) with a base (last year's
    year-end figure), the share of the planned increase achieved: (actual − base) / (target − base)."""
    a = np.asarray(actual, dtype=float)
    t = np.asarray(target, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if base is None:
            out = np.where(t > 0, a / np.where(t > 0, t, 1.0) * 100.0, np.nan)
        else:
            b = np.asarray(base, dtype=float)
            span = t - b
            out = np.where(np.isfinite(b) & (span > 0), (a - b) / np.where(span > 0, span, 1.0) * 100.0,
                           np.where(t > 0, a / np.where(t > 0, t, 1.0) * 100.0, np.nan))
    return float(out) if out.ndim == 0 else out


def direct_gap_pts(actual: Any, target: Any, higher_is_better: Any = True) -> Any:
    """Gap of a rate target (growth, share) in percentage points of the rate: positive = short of target."""
    a = np.asarray(actual, dtype=float)
    t = np.asarray(target, dtype=float)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    out = (t - a) * sign
    return float(out) if out.ndim == 0 else out


def vs_target_gap_text(gap: Any, unit: str = "%", decimals: int = 1) -> str:
    """'差 1.8 个百分点' (short of the target), '超 0.5 个百分点' (beyond it), '持平'; '—' without a figure.

    `gap` is `direct_gap_pts` (positive = short, whatever the direction); `unit` is the figure's own
    unit: a % compares in 个百分点, another ratio in its unit (吨标准煤/万元).
    """
    value = to_float(gap)
    if value is None:
        return MISSING
    if round(value, decimals) == 0:
        return "持平"
    gap_unit = "个百分点" if unit == "%" else unit
    return f"{'差' if value > 0 else '超'} {fmt_number(abs(value), decimals)} {gap_unit}"


def vs_target_text(actual: Any, target: Any, gap: Any, unit: str = "%", decimals: int = 1) -> str:
    """A rate or ratio target read against the actual figure, in points (never "完成 143%"):
    '实际 6.2%，目标 8.0%，差 1.8 个百分点'; '实际 —，目标 8.0%' before there is a figure."""
    head = f"实际 {fmt_number(actual, decimals, unit)}，目标 {fmt_number(target, decimals, unit)}"
    if to_float(actual) is None or to_float(gap) is None:
        return head
    return f"{head}，{vs_target_gap_text(gap, unit, decimals)}"


# --- lights -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Light:
    light: str
    label: str
    reason: str


def _fmt(x: float, decimals: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{decimals}f}"


def _reason(template: str, row: dict[str, Any]) -> str:
    gap = float(row.get("gap_pts", float("nan")))
    prob = row.get("prob_meet")
    ahead = ("快于进度" + _fmt(-gap) + "个百分点") if gap < 0 else "与进度持平"
    context = {
        "gap": _fmt(abs(gap)),
        "ahead": ahead,
        "kind_label": KIND_LABELS.get(str(row.get("kind")), ""),
        "forecast_text": str(row.get("forecast_text") or "—"),
        "target_text": str(row.get("target_text") or "—"),
        "prob": f"{float(prob) * 100:.0f}%" if prob is not None and not pd.isna(prob) else "—",
    }
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return template


def lights_frame(frame: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Apply ordered rules to every row: the first matching rule gives the light and its reason.

    `frame` needs gap_pts, target_type, kind, forecast_miss (bool or missing); forecast_text and
    target_text are used in reasons when present. Rows without a gap (no figure yet) get 'none'.
    Returns light, light_label, light_reason on the same index.
    """
    out = pd.DataFrame(index=frame.index)
    out["light"] = "none"
    out["light_reason"] = "本期未报数据，无法判断进度"
    has_gap = frame["gap_pts"].astype(float).notna()
    assigned = ~has_gap
    rule_of = pd.Series(-1, index=frame.index)
    for i, rule in enumerate(rules.rules):
        m = rule.mask(frame) & ~assigned
        rule_of[m] = i
        out.loc[m, "light"] = rule.light
        assigned |= m
    rows = frame.to_dict("index")
    # Text only (a handful of rows per page): formatting each reason is not on a numeric hot path.
    for idx in rule_of.index[rule_of >= 0]:
        out.at[idx, "light_reason"] = _reason(rules.rules[int(rule_of[idx])].reason, rows[idx])
    out["light_label"] = out["light"].map(LIGHT_LABELS)
    return out


def light_for(gap_pts: float, *, target_type: str = "level", kind: str = "hard", forecast_miss: bool = False,
              prob_meet: float | None = None, rules: RuleSet, forecast_text: str = "",
              target_text: str = "") -> Light:
    """The light for one target from ordered rules (the same code as `lights_frame`)."""
    frame = pd.DataFrame([{"gap_pts": gap_pts, "target_type": target_type, "kind": kind,
                           "forecast_miss": forecast_miss, "prob_meet": prob_meet,
                           "forecast_text": forecast_text, "target_text": target_text}])
    row = lights_frame(frame, rules).iloc[0]
    return Light(str(row["light"]), str(row["light_label"]), str(row["light_reason"]))


def light_change(previous: str | None, current: str) -> str:
    """What changed since the previous period, in the office's words (新亮红灯, 转绿, 由黄转红 …)."""
    prev = previous if previous in LIGHT_LABELS and previous != "none" else None
    if current == "none":
        return "本期未报数"
    if prev is None:
        return {"red": "新亮红灯", "yellow": "新亮黄灯", "green": "绿灯"}[current]
    if prev == current:
        return {"red": "持续红灯", "yellow": "持续黄灯", "green": "持续绿灯"}[current]
    if current == "green":
        return "转绿"
    if prev == "green":
        return "新亮红灯" if current == "red" else "新亮黄灯"
    return "由黄转红" if current == "red" else "由红转黄"


# --- decomposition ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecompositionCheck:
    whole: float
    parts_sum: float
    parts_count: int
    difference: float  # parts − whole: negative = the parts do not cover the whole
    covers: bool
    message: str


def decomposition_check(whole: float, parts: Iterable[float], *, measure_unit: str = "亿元",
                        decimals: int = 2, tolerance: float | None = None) -> DecompositionCheck:
    """Do the parts' level targets add up to (or exceed) the whole's? Says by how much they fall short.

    Compared at the indicator's display precision: a difference smaller than half its last digit is none.
    """
    values = [float(p) for p in parts if p is not None and not (isinstance(p, float) and math.isnan(p))]
    total = float(sum(values))
    diff = total - float(whole)
    tol = tolerance if tolerance is not None else 0.5 * 10 ** (-decimals)
    covers = diff >= -tol
    amount = f"{abs(diff):,.{decimals}f}{measure_unit}"
    if not values:
        message = "尚未分解到下级单位。"
    elif abs(diff) <= tol:
        message = f"分解合计与全市目标相等（{total:,.{decimals}f}{measure_unit}）。"
    elif covers:
        message = f"分解合计比全市目标多 {amount}，已覆盖全市目标。"
    else:
        message = f"分解合计比全市目标少 {amount}：请补足分解任务，或调整全市目标。"
    return DecompositionCheck(float(whole), total, len(values), diff, covers, message)


# --- share target ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SharePath:
    current_share_pct: float
    target_share_pct: float
    base_year: int
    by_year: int
    province_growth_pct: float
    required_growth_pct: float
    required_differential_pp: float
    recent_differential_pp: float | None
    recent_years: int
    reachable_on_trend: bool | None
    path: pd.DataFrame  # year, required_share_pct, trend_share_pct
    message: str


def share_target_path(unit_values: Sequence[float], province_values: Sequence[float], years: Sequence[int], *,
                      target_share_pct: float, by_year: int, province_growth_pct: float,
                      recent_years: int = 3) -> SharePath:
    """The growth differential over the province needed in each remaining year to reach a share target,
    and whether the recent trend (the average yearly differential of the last `recent_years` years) gets
    there. Values are levels in the same unit and price basis (e.g. nominal GDP, 亿元), by year ascending.
    """
    u = np.asarray(unit_values, dtype=float)
    p = np.asarray(province_values, dtype=float)
    yrs = np.asarray(years, dtype=int)
    if len(u) != len(p) or len(u) != len(yrs) or len(u) == 0:
        raise AppError("计算占比目标需要同样年份的本地与全省数据：请检查两组数据的年份是否一致。")
    if np.any(p <= 0) or np.any(u <= 0):
        raise AppError("计算占比目标需要正的本地与全省总量：数据中有缺失或非正的数值。")
    base_year = int(yrs[-1])
    n = by_year - base_year
    if n <= 0:
        raise AppError(f"目标年份{by_year}应晚于最新数据年份{base_year}：请改选更晚的目标年份。")
    share0 = float(u[-1] / p[-1] * 100.0)
    req = required_growth_for_share(share0, target_share_pct, n, province_growth_pct).iloc[0]
    recent: float | None = None
    k = min(recent_years, len(u) - 1)
    if k >= 1:
        # Average yearly growth differential (local − province) in nominal terms over the last k years.
        # (`cagr_pct`: no compound rate through a base ≤ 0, as for every growth.)
        differential = cagr_pct(u[-1 - k], u[-1], k) - cagr_pct(p[-1 - k], p[-1], k)
        recent = float(differential) if np.isfinite(differential) else None
    g = province_growth_pct / 100.0
    steps = np.arange(0, n + 1)
    rel_req = (1.0 + req["required_growth_pct"] / 100.0) / (1.0 + g)
    path = pd.DataFrame({"year": base_year + steps, "required_share_pct": share0 * rel_req ** steps})
    if recent is not None:
        rel_trend = (1.0 + g + recent / 100.0) / (1.0 + g)
        path["trend_share_pct"] = share0 * rel_trend ** steps
        reachable: bool | None = bool(recent >= float(req["differential_pp"]) - 1e-9)
        end_share = float(path["trend_share_pct"].iloc[-1])
    else:
        path["trend_share_pct"] = np.nan
        reachable, end_share = None, float("nan")
    diff = float(req["differential_pp"])
    verb = "快" if diff >= 0 else "慢"
    msg = (f"{base_year}年占全省{share0:.2f}%；要在{by_year}年达到{target_share_pct:g}%，在全省每年增长"
           f"{province_growth_pct:.2f}%的假设下，今后{n}年每年需增长{req['required_growth_pct']:.2f}%，"
           f"比全省{verb}{abs(diff):.2f}个百分点。")
    if recent is not None:
        msg += (f"近{k}年平均每年比全省{'快' if recent >= 0 else '慢'}{abs(recent):.2f}个百分点，"
                f"按此趋势{by_year}年占比约{end_share:.2f}%，"
                f"{'能够' if reachable else '不能'}达到目标。")
    return SharePath(share0, float(target_share_pct), base_year, int(by_year), float(province_growth_pct),
                     float(req["required_growth_pct"]), diff, recent, k, reachable, path, msg)


# The order a table cell or a card picks one of an indicator's targets in: the most severe light, then the
# binding kind. (No light yet comes after any lit one.)
TARGET_KIND_PRIORITY = ["hard", "floor", "stretch"]
PICK_LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2}


def pick_target_rows(progress: pd.DataFrame) -> pd.DataFrame:
    """One target row per (indicator, unit) for a table cell or a card: the most severe light, so a row
    never looks better than the warning list says; among equal lights the binding kind (hard, floor,
    stretch) first."""
    if progress.empty:
        return progress
    order = {k: i for i, k in enumerate(TARGET_KIND_PRIORITY)}
    ranked = progress.assign(__light=progress["light"].map(PICK_LIGHT_ORDER).fillna(len(PICK_LIGHT_ORDER)),
                             __order=progress["target_kind"].map(order).fillna(len(order)))
    ranked = ranked.sort_values(["indicator_code", "unit_code", "__light", "__order"], kind="stable")
    return ranked.drop_duplicates(["indicator_code", "unit_code"]).drop(columns=["__light", "__order"])
