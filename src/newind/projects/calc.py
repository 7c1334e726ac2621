"""Pure rules of the projects app: plain data and frames in, plain data out (no ORM; tests/core/test_layering).

Each part of the app has its own section below, headed `# --- <part>`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newind.core.errors import AppError
from newind.core.numbers import fmt_number
from newind.projects.choices import STAGE_ORDER, Stage, stage_index
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
# --- monthly progress checks ----------------------------------------------------------------------------
#
# A unit reports each of its active projects once a month on 岳新工办统2表 (definitions/reporting/
# monthly-projects.yaml). Months are cumulative periods 1–N月 with 1–2月 combined: month 2 is the year's
# first report and there is no month 1. The checks below run over all the unit's rows at once (a frame),
# against the last published month before and the first published month after the one reported.

PROGRESS_FIELDS: dict[str, str] = {
    "month_investment": "当月完成投资",
    "ytd_investment": "年初至报告期累计",
    "since_start_investment": "开工至报告期累计",
    "funds_in_place": "累计到位资金",
}
PROGRESS_TEXT_FIELDS: dict[str, str] = {"image_progress": "形象进度", "problems": "存在问题", "explanation": "说明"}
# The three figures a submitted row must have (累计到位资金 may be left blank).
REQUIRED_PROGRESS = ("month_investment", "ytd_investment", "since_start_investment")
FIRST_MONTH = 2  # 1–2月
TOLERANCE = 0.005  # half a hundredth of 万元: figures are kept to 2 decimals
ERROR, EXPLAIN = "error", "explain"

# The stages at which a project reports progress: from 签约 on (a signed project may already pay for land
# and design); a project that reached 达产 before the report year has finished and reports no more.
REPORTING_STAGES: tuple[str, ...] = STAGE_ORDER[stage_index(Stage.SIGNED):]


def reports_progress(stage: str, stage_since: dt.date | None, year: int) -> bool:
    """Whether a project at `stage` (since `stage_since`) is on its unit's monthly form for `year`."""
    if stage not in REPORTING_STAGES:
        return False
    return not (stage == Stage.FULL_PRODUCTION and stage_since is not None and stage_since < dt.date(year, 1, 1))


def month_label(month: int) -> str:
    """The cumulative period of a month as reported: 1—2月, 1—3月, … (no 1月)."""
    return f"1—{month}月"


def refuse_month(month: int) -> str | None:
    """Why a month cannot be reported (None when it can): month 1 is part of 1—2月."""
    if month == 1:
        return "项目月度进度没有1月报表：1—2月合并为全年第一期，请下达或填报2月（1—2月）。"
    if not FIRST_MONTH <= month <= 12:
        return f"报告月份 {month} 不正确：只能是2（1—2月）至12（1—12月）。"
    return None


@dataclass(frozen=True)
class ProgressIssue:
    """One problem of one project's row: `field` is a PROGRESS_FIELDS key or "explanation"; `kind` is
    ERROR (wrong, blocks saving and submitting) or EXPLAIN (needs a 说明 before submitting)."""

    project_id: int
    field: str
    message: str
    kind: str = ERROR


def _amount(value: float) -> str:
    return fmt_number(value, 2, "万元")


def check_progress(rows: pd.DataFrame, *, month: int, share_bound_pct: float, max_amount: float,
                   require_complete: bool) -> list[ProgressIssue]:
    """Check a unit's rows for one month, all at once.

    `rows` has one row per project: project_id, project (its name and code), the four PROGRESS_FIELDS
    (float, NaN when blank), explanation (str), total_investment, year_plan (NaN without a plan),
    prev_month / prev_ytd / prev_since_start (the last published month before this one in the same year,
    NaN when none) and next_month / next_ytd / next_since_start (the first published month after it, for a
    correction). Blank figures are refused only with `require_complete` (submitting, not a draft).
    """
    issues: list[ProgressIssue] = []
    if rows.empty:
        return issues
    frame = rows.reset_index(drop=True)
    pid = frame["project_id"].to_numpy()
    name = frame["project"].astype(str).to_numpy()

    def add(mask: pd.Series | np.ndarray, field: str, make: object, kind: str = ERROR) -> None:
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            issues.append(ProgressIssue(int(pid[i]), field, make(i) if callable(make) else str(make), kind))

    val = {f: frame[f].astype(float) for f in PROGRESS_FIELDS}
    for field, label in PROGRESS_FIELDS.items():
        v = val[field]
        add(v < 0, field, lambda i, f=field, lb=label: f"「{name[i]}」的「{lb}」为 {_amount(val[f][i])}：投资和资金"
                                                      "不能为负数，请核对。")
        add(v > max_amount, field, lambda i, f=field, lb=label: f"「{name[i]}」的「{lb}」为 {_amount(val[f][i])}，"
                                                              f"超过 {_amount(max_amount)}：请核对数值，单位为万元。")
        if require_complete and field in REQUIRED_PROGRESS:
            add(v.isna(), field, lambda i, lb=label: f"「{name[i]}」的「{lb}」未填写：请填写（单位：万元；本月没有投资"
                                                    "请填 0）。")
    m, ytd, since = val["month_investment"], val["ytd_investment"], val["since_start_investment"]
    if month == FIRST_MONTH:
        add((ytd - m).abs() > TOLERANCE, "ytd_investment",
            lambda i: f"「{name[i]}」1—2月为全年第一期，「年初至报告期累计」（{_amount(ytd[i])}）应等于「当月完成投资」"
                      f"（{_amount(m[i])}）：请核对。")
    else:
        add(ytd < m - TOLERANCE, "ytd_investment",
            lambda i: f"「{name[i]}」的「年初至报告期累计」（{_amount(ytd[i])}）小于「当月完成投资」（{_amount(m[i])}）："
                      "累计数包含当月，请核对。")
    for field, label, now in (("ytd_investment", "年初至报告期累计", ytd),
                              ("since_start_investment", "开工至报告期累计", since)):
        prev_col = "prev_ytd" if field == "ytd_investment" else "prev_since_start"
        next_col = "next_ytd" if field == "ytd_investment" else "next_since_start"
        prev, nxt = frame[prev_col].astype(float), frame[next_col].astype(float)
        add(now < prev - TOLERANCE, field,
            lambda i, lb=label, n=now, p=prev: f"「{name[i]}」的「{lb}」为 {_amount(n[i])}，低于已发布的"
                                               f"{month_label(int(frame['prev_month'][i]))}累计 {_amount(p[i])}："
                                               "同一年内累计数不能减少，请核对。")
        add(now > nxt + TOLERANCE, field,
            lambda i, lb=label, n=now, x=nxt: f"「{name[i]}」的「{lb}」为 {_amount(n[i])}，高于已发布的"
                                              f"{month_label(int(frame['next_month'][i]))}累计 {_amount(x[i])}："
                                              "同一年内累计数不能减少，请核对（或同时更正后面的月份）。")
    total = frame["total_investment"].astype(float)
    add(since > total + TOLERANCE, "since_start_investment",
        lambda i: f"「{name[i]}」的「开工至报告期累计」为 {_amount(since[i])}，超过项目总投资 {_amount(total[i])}："
                  "请核对；总投资调整的，请先由市新型工业化办公室更新项目档案。")
    plan = frame["year_plan"].astype(float)
    bound = share_bound_pct / 100.0
    explained = frame["explanation"].fillna("").astype(str).str.strip() != ""
    over = (plan > 0) & (m > plan * bound + TOLERANCE)
    add(over & ~explained, "explanation",
        lambda i: f"「{name[i]}」的「当月完成投资」{_amount(m[i])}，占年度计划投资 {_amount(plan[i])} 的 "
                  f"{m[i] / plan[i] * 100:.1f}%，超过{share_bound_pct:g}%：请在「说明」栏写明原因。", EXPLAIN)
    return issues


def progress_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """占年计划% (ytd ÷ the year's plan) and 占总投资% (since start ÷ total investment), never stored:
    adds `pct_of_year_plan` and `pct_of_total` (NaN without a positive denominator)."""
    out = rows.copy()
    plan = out["year_plan"].astype(float)
    total = out["total_investment"].astype(float)
    out["pct_of_year_plan"] = np.where(plan > 0, out["ytd_investment"].astype(float) / plan.where(plan > 0) * 100,
                                       np.nan)
    out["pct_of_total"] = np.where(total > 0,
                                   out["since_start_investment"].astype(float) / total.where(total > 0) * 100, np.nan)
    return out
