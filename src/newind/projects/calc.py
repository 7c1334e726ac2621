"""Pure project arithmetic (no database): lights, campaign progress and its summary.

Other parts of the projects app add their sections here (portfolio figures, league items, checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.targets.calc import RuleSet, calendar_schedule_pct, lights_frame

# --- lights ---------------------------------------------------------------------------------------------

LIGHT_KINDS: dict[str, str] = {
    "start": "开工滞后", "registration": "入库纳统滞后", "investment": "投资滞后序时", "stalled": "进度停滞",
    "stopped": "停工",
}
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯"}


@dataclass(frozen=True)
class Threshold:
    """A light from a count of months: yellow from `yellow_from`, red from `red_from` (both inclusive;
    None = no such step)."""

    yellow_from: int | None
    red_from: int | None


@dataclass(frozen=True)
class LightConfig:
    code: str
    name: str
    start: Threshold
    registration: Threshold
    stalled: Threshold
    investment_rule_set: str


def _threshold(data: Any, key: str, code: str) -> Threshold:
    raw = data.get(key) if isinstance(data, dict) else None
    if not isinstance(raw, dict) or set(raw) - {"yellow_from", "red_from"}:
        raise AppError(f"项目预警灯配置「{code}」的「{key}」格式不对：应为 {{yellow_from: 月数, red_from: 月数}}。")
    values: list[int | None] = []
    for name in ("yellow_from", "red_from"):
        v = raw.get(name)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise AppError(f"项目预警灯配置「{code}」的「{key}.{name}」应为不小于0的整数月数（或留空）。")
        values.append(v)
    yellow, red = values
    if yellow is not None and red is not None and yellow > red:
        raise AppError(f"项目预警灯配置「{code}」的「{key}」黄灯月数大于红灯月数：黄灯应先于红灯。")
    return Threshold(yellow, red)


def parse_light_config(data: Any) -> LightConfig:
    """Validate definitions/projects/lights.yaml; raise AppError naming the bad key."""
    if not isinstance(data, dict) or not data.get("code"):
        raise AppError("项目预警灯配置格式不对：应为带 code 的 YAML 映射。")
    code = str(data["code"])
    inv = data.get("investment") or {}
    rule_set = str(inv.get("rule_set") or "") if isinstance(inv, dict) else ""
    if not rule_set:
        raise AppError(f"项目预警灯配置「{code}」缺少 investment.rule_set：请写预警规则文件的代码，如 gap-only。")
    return LightConfig(code, str(data.get("name") or code), _threshold(data, "start", code),
                       _threshold(data, "registration", code), _threshold(data, "stalled", code), rule_set)


def month_index(year: Any, month: Any) -> Any:
    """Months since year 0 (so the difference of two is a count of whole calendar months)."""
    return np.asarray(year, dtype=float) * 12 + np.asarray(month, dtype=float) - 1


def report_index(year: Any, month: Any) -> Any:
    """The reporting month's position in a sequence with 11 per year (1—2月 is one report, month 2):
    consecutive reporting months differ by 1 (Dec of one year → 1—2月 of the next)."""
    m = np.maximum(np.asarray(month, dtype=float), 2)
    return np.asarray(year, dtype=float) * 11 + m - 2


def threshold_lights(months: pd.Series, threshold: Threshold) -> pd.Series:
    """'red' / 'yellow' / '' for each count of months (NaN = no light)."""
    m = months.astype(float)
    out = pd.Series("", index=months.index, dtype=object)
    if threshold.yellow_from is not None:
        out[m >= threshold.yellow_from] = "yellow"
    if threshold.red_from is not None:
        out[m >= threshold.red_from] = "red"
    return out


def _ym(ts: Any) -> str:
    return f"{ts.year}年{ts.month}月"


def _months_text(month: int) -> str:
    return "1—2月" if month == 2 else f"1—{month}月"


LIGHT_COLUMNS = ["project_id", "kind", "kind_label", "light", "light_label", "reason", "months", "completion_pct",
                 "schedule_pct", "gap_pts"]


def project_lights_frame(facts: pd.DataFrame, year: int, month: int, config: LightConfig,
                         rules: RuleSet) -> pd.DataFrame:
    """The red and yellow lights of every project at the end of month `month` of `year` (one row per project
    and lit kind, see LIGHT_COLUMNS), set-wise.

    `facts` has one row per project: project_id; planned_start and started_on (Timestamps or NaT; started_on
    only when on or before the period's end); started, in_stats, completed and stopped (bools at the
    period's end: a stage reached without a date counts as reached); stopped_on, stop_reason; last_year and
    last_month (the latest current progress report up to the period, NaN when none); plan (the year's
    planned investment, 万元) and ytd (this period's 1—N月 investment, NaN when not reported).
    """
    f = facts.reset_index(drop=True)
    now_m = float(month_index(year, month))
    parts: list[pd.DataFrame] = []

    def lit(kind: str, mask: pd.Series, months: pd.Series, lights: pd.Series, reasons: list[str] | None = None,
            extra: dict[str, pd.Series] | None = None) -> None:
        keep = mask & lights.isin(["red", "yellow"])
        if not keep.any():
            return
        part = pd.DataFrame({"project_id": f.loc[keep, "project_id"], "kind": kind, "light": lights[keep],
                             "months": months[keep]})
        for name, col in (extra or {}).items():
            part[name] = col[keep]
        parts.append(part)

    started = f["started"].astype(bool)
    completed = f["completed"].astype(bool)
    stopped = f["stopped"].astype(bool)
    planned = pd.to_datetime(f["planned_start"])
    started_on = pd.to_datetime(f["started_on"])

    # 开工: not started by the period's end, planned month ended.
    late = now_m - month_index(planned.dt.year, planned.dt.month)
    late = pd.Series(late, index=f.index)
    start_ok = ~started & ~completed & planned.notna() & (late >= 0)
    lit("start", start_ok, late, threshold_lights(late, config.start))

    # 入库纳统: started (with a date), not yet in the statistics.
    since = pd.Series(now_m - month_index(started_on.dt.year, started_on.dt.month), index=f.index)
    reg_ok = started & ~completed & ~f["in_stats"].astype(bool) & started_on.notna() & (since >= 0)
    lit("registration", reg_ok, since, threshold_lights(since, config.registration))

    # 停滞: reporting months without a current progress report, since the last one (or since the start).
    now_r = float(report_index(year, month))
    last = pd.Series(report_index(f["last_year"], f["last_month"]), index=f.index)
    first_due = pd.Series(report_index(started_on.dt.year, started_on.dt.month), index=f.index)
    missed = (now_r - last).where(last.notna(), now_r - first_due + 1)
    stall_ok = started & ~completed & ~stopped & missed.notna() & (missed >= 0)
    lit("stalled", stall_ok, missed, threshold_lights(missed, config.stalled))

    # 投资序时: the targets' light rules on ytd ÷ the year's plan against 序时进度.
    plan = f["plan"].astype(float)
    ytd = f["ytd"].astype(float)
    inv_ok = ~stopped & (plan > 0) & ytd.notna()
    completion = (ytd / plan.where(plan > 0)) * 100.0
    schedule = pd.Series(calendar_schedule_pct(np.full(len(f), min(month, 12))), index=f.index, dtype=float)
    gap = (schedule - completion).where(inv_ok)
    judged = lights_frame(pd.DataFrame({"gap_pts": gap, "target_type": "level", "kind": "hard",
                                        "forecast_miss": False}, index=f.index), rules)
    lit("investment", inv_ok, pd.Series(np.nan, index=f.index), judged["light"],
        extra={"completion_pct": completion, "schedule_pct": schedule, "gap_pts": gap,
               "rule_reason": judged["light_reason"]})

    # 停工: shown as such while stopped.
    lit("stopped", stopped, pd.Series(np.nan, index=f.index), pd.Series("yellow", index=f.index))

    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LIGHT_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    for col in ("completion_pct", "schedule_pct", "gap_pts", "rule_reason"):
        if col not in out.columns:
            out[col] = np.nan
    out = out.merge(f[["project_id", "planned_start", "started_on", "stopped_on", "stop_reason", "plan", "ytd",
                       "last_year", "last_month"]], on="project_id", how="left")
    # Text only, for the lit rows (a page's or a report's few): not a numeric hot path.
    out["reason"] = [_reason(r, year, month) for r in out.to_dict("records")]
    out["kind_label"] = out["kind"].map(LIGHT_KINDS)
    out["light_label"] = out["light"].map(LIGHT_LABELS)
    order = {k: i for i, k in enumerate(LIGHT_KINDS)}
    out = out.assign(_sev=out["light"].map({"red": 0, "yellow": 1}), _k=out["kind"].map(order))
    out = out.sort_values(["_sev", "project_id", "_k"], kind="stable").reset_index(drop=True)
    return out[LIGHT_COLUMNS]


def _reason(r: dict[str, Any], year: int, month: int) -> str:
    kind = r["kind"]
    if kind == "start":
        head = f"计划{_ym(r['planned_start'])}开工"
        n = int(r["months"])
        return f"{head}，截至{year}年{month}月底尚未开工" if n == 0 else f"{head}，已逾期{n}个月未开工"
    if kind == "registration":
        return f"{_ym(r['started_on'])}开工，已{int(r['months'])}个月未入库纳统"
    if kind == "stalled":
        n = int(r["months"])
        if pd.notna(r["last_year"]):
            last = f"{int(r['last_year'])}年{_months_text(int(r['last_month']))}"
            return f"最近一次报送进度为{last}，已连续{n}个月未报送进度"
        return f"{_ym(r['started_on'])}开工以来未报送进度（{n}个月）"
    if kind == "investment":
        return (f"年度计划投资{float(r['plan']):,.0f}万元，{_months_text(month)}完成{float(r['ytd']):,.0f}万元"
                f"（占年计划{float(r['completion_pct']):.1f}%，序时进度{float(r['schedule_pct']):.1f}%），"
                f"{r['rule_reason']}")
    day = r["stopped_on"]
    when = f"{day.year}年{day.month}月{day.day}日" if pd.notna(day) else ""
    return f"{when}停工：{r['stop_reason'] or '未填写原因'}"


# --- problems -------------------------------------------------------------------------------------------

DEADLINE_LABELS = {"red": "已逾期", "yellow": "临近时限", "green": "在时限内"}


def deadline_light(now: Any, deadline: Any, remind_at: Any) -> str:
    """An open problem's deadline light: red past the closing deadline, yellow from the profile's reminder
    moment on, green before it."""
    if now > deadline:
        return "red"
    return "yellow" if now >= remind_at else "green"
