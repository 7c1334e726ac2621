"""Pure rules of the projects app: plain data and frames in, plain data out (no ORM; tests/core/test_layering).

Each part of the app has its own section below, headed `# --- <part>`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from newind.core.errors import AppError, Problem
from newind.core.numbers import fmt_number
from newind.enterprises.calc import industry_code_problem, normalise_industry_code
from newind.parks.calc import ThresholdCheck, check_entry
from newind.projects.choices import STAGE_ORDER, InvestorFlag, ProjectList, Stage, stage_index
from newind.scoring.calc import round_half_up
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


# --- portfolio and league ------------------------------------------------------------------------------
#
# The portfolio figures (组合指标) of a county or a park for a period, and the inputs of the county 赛马.
# A period is cumulative like every newind figure: a month N is 1–N月 (no 1月 figure: 1–2月 is the first),
# a quarter N is 1–3N月, a year is 1–12月. Its window is S = 1 January to E = the last day of its last
# month. Projects belong to a county by Project.county and to a park by Project.park (a project in a park
# counts for both). Every project on file counts, falsified ones included (they are also deducted in 赛马).
#
# "Reached stage s by date d": the project has an actual date (ProjectStage.actual_on) on stage s or any
# later stage (choices.STAGE_ORDER), the earliest of them ≤ d — a project at 投产 has also started, even
# when its 开工 row has no date. "Signed in the period": reached 签约 on a date in [S, E].
#
# Figures (a rate is numerator ÷ denominator × 100, in %; null — shown "—" — when the denominator is 0):
#   signed_count              projects signed in the period
#   signed_amount             Σ 签约金额 of those (contract_amount, or total_investment when it is blank), 万元
#   started_rate_pct          开工率: of the projects whose planned 开工 date is in [S, E], those that
#                             reached 开工 by E
#   investment_completion_pct 投资完成率: Σ 年初至报告期累计完成投资 ÷ Σ 年度计划投资, over the projects with
#                             an annual plan (ProjectYearPlan) for the year; a project's cumulative figure
#                             is its current progress row of the latest month ≤ the period's last month of
#                             that year (0 when it has none) — "completed ytd ÷ annual plan", also for a
#                             month or a quarter
#   completed_production_rate_pct 竣工投产率: of the projects whose planned 投产 date is in [S, E], those
#                             that reached 投产 by E
#   performance_rate_pct      履约率: of the projects signed by E whose planned 开工 date is ≤ E (the
#                             contract's start has fallen due, in any year), those that reached 开工 by E
#   funds_in_place_pct        资金到位率: Σ 累计到位资金 ÷ Σ 签约金额, over the projects signed by E whose latest
#                             progress row of the year gives a funds figure
#   conversion_rate_pct       立项转化率: signed_count ÷ the projects in the pipeline during the period
#                             (not signed before S: never signed, or signed on or after S)
#   industry_fit_pct          产业契合度: industrial projects (Project.is_industrial) signed in the period ÷
#                             signed_count ("industrial ÷ all new projects")
#   bands                     the projects signed in the period by total investment, lower bound inclusive,
#                             upper exclusive: 0.3–1亿 = [3,000, 10,000) 万元, 1–2亿 = [10,000, 20,000),
#                             2–10亿 = [20,000, 100,000), ≥10亿 = [100,000, ∞); below 0.3亿 is in no band
#   quota (引进指标)           from definitions/projects/quotas.yaml: a park with a rule for the year must have
#                             ≥ min_count projects signed from 1 January to E with total investment
#                             ≥ min_investment (industrial ones only when the rule says so).
#                             quota_met: true when it has them, false when not (yet), null for a unit with
#                             no rule (every county, the municipal parks). veto (一票否决): true only when the
#                             period reaches the year end (month 12, Q4, the year) and quota_met is false;
#                             before the year end a missing quota shows quota_met false with veto false
#                             ("尚未完成", still possible).
# 赛马 inputs per county: overdue_starts = projects whose planned 开工 date is ≤ E without a start by E;
#   falsified = projects flagged 弄虚作假 (Project.is_falsified); top500_investors = projects signed in the
#   period whose investor_flags include fortune500, china500 or private500 (a project counts once).

BANDS: tuple[tuple[str, str, float, float], ...] = (
    ("0.3-1", "0.3—1亿元", 3_000.0, 10_000.0),
    ("1-2", "1—2亿元", 10_000.0, 20_000.0),
    ("2-10", "2—10亿元", 20_000.0, 100_000.0),
    ("10+", "10亿元及以上", 100_000.0, float("inf")),
)
TOP500_FLAGS = ("fortune500", "china500", "private500")
RATE_FIGURES: dict[str, tuple[str, str]] = {
    # rate code: (numerator column, denominator column) of the unit sums
    "started_rate_pct": ("started_of_due", "start_due_in"),
    "investment_completion_pct": ("ytd_planned", "plan"),
    "completed_production_rate_pct": ("producing_of_due", "production_due_in"),
    "performance_rate_pct": ("performed", "contract_due"),
    "funds_in_place_pct": ("funds", "funds_base"),
    "conversion_rate_pct": ("signed_in", "pipeline"),
    "industry_fit_pct": ("industrial_signed", "signed_in"),
}
FIGURE_LABELS = {
    "signed_count": ("签约项目", "个"), "signed_amount": ("签约金额", "万元"),
    "started_rate_pct": ("开工率", "%"), "investment_completion_pct": ("投资完成率", "%"),
    "completed_production_rate_pct": ("竣工投产率", "%"), "performance_rate_pct": ("履约率", "%"),
    "funds_in_place_pct": ("资金到位率", "%"), "conversion_rate_pct": ("立项转化率", "%"),
    "industry_fit_pct": ("产业契合度", "%"),
}


@dataclass(frozen=True)
class Window:
    """A cumulative period's window: 1 January of `year` to the last day of `last_month`."""

    year: int
    last_month: int

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, 1, 1)

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, self.last_month, 1) + pd.offsets.MonthEnd(0)

    @property
    def year_end(self) -> bool:
        return self.last_month == 12


def reached_dates(stages: pd.DataFrame) -> pd.DataFrame:
    """Per project, the date it reached each stage: the earliest actual date of that stage or a later one.

    `stages`: project_id and one column `actual_<stage>` per stage of STAGE_ORDER (dates or NaT; missing
    columns are taken as NaT). Returns project_id-indexed columns `reached_<stage>` (datetime64)."""
    frame = stages.set_index("project_id")
    cols = [f"actual_{s}" for s in STAGE_ORDER]
    wide = pd.DataFrame({c: pd.to_datetime(frame[c]) if c in frame.columns else pd.NaT for c in cols},
                        index=frame.index)
    # A reverse cumulative minimum along the stages: the earliest date on this stage or any later one.
    values = wide.to_numpy(dtype="datetime64[ns]")
    as_int = values.view("int64").copy()
    nat = np.iinfo("int64").min
    as_int[as_int == nat] = np.iinfo("int64").max
    rev = np.minimum.accumulate(as_int[:, ::-1], axis=1)[:, ::-1]
    rev[rev == np.iinfo("int64").max] = nat
    return pd.DataFrame(rev.view("datetime64[ns]"), index=wide.index, columns=[f"reached_{s}" for s in STAGE_ORDER])


def _falsified_by(p: pd.DataFrame, end: Any) -> pd.Series:
    if "falsified_on" not in p.columns:
        return pd.Series(True, index=p.index)
    on = pd.to_datetime(p["falsified_on"])
    return on.isna() | (on <= end)


def project_figures(projects: pd.DataFrame, stages: pd.DataFrame, progress: pd.DataFrame, plans: pd.DataFrame,
                    window: Window) -> pd.DataFrame:
    """One row per project with the 0/1 and amount columns the unit figures sum.

    projects: id, county_id, park_id, total_investment, contract_amount (NaN = blank), is_industrial,
      is_falsified, is_top500 (bool), falsified_on (the finding's date, NaT = always counted); stages: as `reached_dates` plus planned_started and planned_producing
      (the planned 开工 and 投产 dates); progress: project_id, ytd_investment, funds_in_place (the latest
      current row of the year ≤ the last month; NaN = none); plans: project_id, planned_investment.
    """
    s, e = window.start, window.end
    p = projects.set_index("id")
    reached = reached_dates(stages).reindex(p.index)
    planned = stages.set_index("project_id")[["planned_started", "planned_producing"]].reindex(p.index)
    planned_start = pd.to_datetime(planned["planned_started"])
    planned_prod = pd.to_datetime(planned["planned_producing"])
    signed_on, started_on = reached["reached_signed"], reached["reached_started"]
    producing_on = reached["reached_producing"]
    signed_in = (signed_on >= s) & (signed_on <= e)
    signed_by = signed_on <= e
    started_by = started_on <= e
    start_due_in = (planned_start >= s) & (planned_start <= e)
    start_due_by = planned_start <= e
    production_due_in = (planned_prod >= s) & (planned_prod <= e)
    total = p["total_investment"].astype(float)
    base = p["contract_amount"].astype(float).fillna(total)
    prog = progress.set_index("project_id").reindex(p.index)
    ytd = prog["ytd_investment"].astype(float).fillna(0.0)
    funds = prog["funds_in_place"].astype(float)
    plan = plans.set_index("project_id")["planned_investment"].astype(float).reindex(p.index)
    has_plan = plan.notna()
    has_funds = signed_by & funds.notna()
    out = pd.DataFrame({
        "county_id": p["county_id"], "park_id": p["park_id"], "total_investment": total,
        "signed_in": signed_in.astype(int), "signed_amount": base.where(signed_in, 0.0),
        "start_due_in": start_due_in.astype(int), "started_of_due": (start_due_in & started_by).astype(int),
        "plan": plan.fillna(0.0), "ytd_planned": ytd.where(has_plan, 0.0),
        "production_due_in": production_due_in.astype(int),
        "producing_of_due": (production_due_in & (producing_on <= e)).astype(int),
        "contract_due": (signed_by & start_due_by).astype(int),
        "performed": (signed_by & start_due_by & started_by).astype(int),
        "funds": funds.where(has_funds, 0.0).fillna(0.0), "funds_base": base.where(has_funds, 0.0),
        "pipeline": (~(signed_on < s)).astype(int),
        "industrial_signed": (signed_in & p["is_industrial"].astype(bool)).astype(int),
        "overdue_starts": (start_due_by & ~started_by).astype(int),
        # a finding counts from its date: a period ending before it is not deducted
        "falsified": (p["is_falsified"].astype(bool)
                      & _falsified_by(p, e)).astype(int),
        "top500_investors": (signed_in & p["is_top500"].astype(bool)).astype(int),
    }, index=p.index)
    for code, _label, low, high in BANDS:
        out[f"band_{code}"] = (signed_in & (total >= low) & (total < high)).astype(int)
    return out


SUM_COLUMNS = ("signed_in", "signed_amount", "start_due_in", "started_of_due", "plan", "ytd_planned",
               "production_due_in", "producing_of_due", "contract_due", "performed", "funds", "funds_base",
               "pipeline", "industrial_signed", "overdue_starts", "falsified", "top500_investors",
               *(f"band_{b[0]}" for b in BANDS))


def ratio_pct(num: pd.Series, den: pd.Series) -> pd.Series:
    """num ÷ den × 100, NaN where den is 0 (the figure is "—")."""
    den = den.astype(float)
    return (num.astype(float) / den.where(den != 0) * 100.0).astype(float)


def unit_figures(per_project: pd.DataFrame, unit_column: str, unit_ids: list[int]) -> pd.DataFrame:
    """Sum the per-project columns by unit (county_id or park_id) and compute the rates; one row per unit of
    `unit_ids` (a unit without a project has zero counts and null rates)."""
    sums = (per_project.dropna(subset=[unit_column]).groupby(unit_column)[list(SUM_COLUMNS)].sum()
            .reindex(unit_ids, fill_value=0))
    sums.index = sums.index.astype(int)
    out = sums.rename(columns={"signed_in": "signed_count"}).copy()
    for code, (num, den) in RATE_FIGURES.items():
        out[code] = ratio_pct(sums[num], sums[den])
    out["project_count"] = per_project.groupby(unit_column).size().reindex(unit_ids, fill_value=0).to_numpy()
    return out


def quota_status(per_project: pd.DataFrame, rules: list[dict[str, Any]], unit_codes: pd.Series,
                 window: Window) -> pd.DataFrame:
    """quota_required, quota_brought_in, quota_met (True/False/None) and veto per park id of `unit_codes`
    (index = unit id, values = unit code) for the year's rules (see the section's comment)."""
    out = pd.DataFrame(index=unit_codes.index)
    out["quota_label"] = None
    out["quota_required"] = np.nan
    out["quota_min_investment"] = np.nan
    out["quota_brought_in"] = np.nan
    signed = per_project[per_project["signed_in"] == 1]
    for rule in rules:
        ids = unit_codes.index[unit_codes.isin(rule["units"])]
        mask = signed["total_investment"] >= float(rule["min_investment"])
        if rule.get("industrial_only", True):
            mask &= signed["industrial_signed"] == 1
        counts = signed[mask].groupby("park_id").size()
        out.loc[ids, "quota_label"] = rule["label"]
        out.loc[ids, "quota_required"] = float(rule["min_count"])
        out.loc[ids, "quota_min_investment"] = float(rule["min_investment"])
        out.loc[ids, "quota_brought_in"] = counts.reindex(ids, fill_value=0).to_numpy(dtype=float)
    has_rule = out["quota_required"].notna()
    met = out["quota_brought_in"] >= out["quota_required"]
    out["quota_met"] = pd.Series(np.where(has_rule, met, None), index=out.index, dtype=object)
    out["veto"] = (has_rule & ~met & window.year_end).astype(bool)
    return out


def league_frame(figures: pd.DataFrame, codes: pd.Series, names: pd.Series) -> pd.DataFrame:
    """The scoring engine's frame for the county 赛马 (scheme projects-saima): one row per county with the
    item inputs (rates rounded to 2 decimals as published, NaN where "—") and the adjustment counts."""
    return pd.DataFrame({
        "credit_code": codes.to_numpy(), "name": names.to_numpy(), "league": "county",
        "signed_amount": figures["signed_amount"].astype(float).round(2).to_numpy(),
        **{c: figures[c].round(2).to_numpy() for c in RATE_FIGURES},
        "overdue_starts": figures["overdue_starts"].to_numpy(dtype=float),
        "falsified": figures["falsified"].to_numpy(dtype=float),
        "top500_investors": figures["top500_investors"].to_numpy(dtype=float),
    })


def rank_changes(now: pd.Series, before: pd.Series) -> pd.Series:
    """进位/退位 per unit code: previous rank − rank (positive = moved up); NaN without a previous rank."""
    prev = before.reindex(now.index)
    return (prev - now).astype(float)


def league_narrative(units: list[dict[str, Any]], period_label: str, *, previous_label: str | None,
                     min_reporting: int) -> list[str]:
    """Chinese sentences from the league's numbers only: who leads, who moved most, who was deducted or
    got a bonus. `units` are the league rows (rank order, with total, rank, rank_change, deductions, bonus,
    overdue_starts, falsified, top500_investors)."""
    ranked = [u for u in units if u["rank"] is not None]
    if len(ranked) < min_reporting:
        return [f"{period_label}参评县市区不足{min_reporting}个，不排名次。"]
    first = [u for u in ranked if u["rank"] == 1]
    lead = "、".join(u["name"] for u in first)
    text = [f"{period_label}县市区重大项目赛马，{lead}以 {first[0]['total']:.2f} 分{'并列' if len(first) > 1 else ''}居第一"]
    last_rank = max(u["rank"] for u in ranked)
    last = [u for u in ranked if u["rank"] == last_rank]
    if last_rank > 1:
        text[0] += f"，{'、'.join(u['name'] for u in last)}以 {last[0]['total']:.2f} 分居末位"
    text[0] += f"（共 {len(ranked)} 个县市区参评）。"
    moves = [u for u in ranked if u.get("rank_change") is not None]
    if previous_label is None or not moves:
        text.append("上期没有可比的排名，本期不计进位、退位。")
    else:
        up = max(u["rank_change"] for u in moves)
        down = min(u["rank_change"] for u in moves)
        if up <= 0 and down >= 0:
            text.append(f"与{previous_label}相比，各县市区名次没有变化。")
        else:
            if up > 0:
                who = [u for u in moves if u["rank_change"] == up]
                text.append(f"与{previous_label}相比，进位最多的是{'、'.join(_move(u) for u in who)}，"
                            f"上升 {up} 位。")
            if down < 0:
                who = [u for u in moves if u["rank_change"] == down]
                text.append(f"退位最多的是{'、'.join(_move(u) for u in who)}，下降 {-down} 位。")
    deducted = sorted((u for u in ranked if u["deductions"] > 0), key=lambda u: (-u["deductions"], u["rank"]))
    if deducted:
        parts = []
        for u in deducted:
            why = []
            if u["overdue_starts"]:
                why.append(f"逾期未开工 {u['overdue_starts']} 个")
            if u["falsified"]:
                why.append(f"弄虚作假 {u['falsified']} 个")
            parts.append(f"{u['name']}扣 {u['deductions']:.2f} 分（{'、'.join(why)}）")
        text.append(f"{len(deducted)} 个县市区被扣分：{'；'.join(parts)}。")
    else:
        text.append("本期没有县市区因逾期未开工或弄虚作假被扣分。")
    bonus = sorted((u for u in ranked if u["bonus"] > 0), key=lambda u: (-u["bonus"], u["rank"]))
    if bonus:
        text.append("引进500强企业投资项目加分：" + "；".join(
            f"{u['name']} {u['top500_investors']} 个，加 {u['bonus']:.2f} 分" for u in bonus) + "。")
    return text


def _move(u: dict[str, Any]) -> str:
    return f"{u['name']}（由第 {u['rank'] + u['rank_change']} 位升至第 {u['rank']} 位）" if u["rank_change"] > 0 \
        else f"{u['name']}（由第 {u['rank'] + u['rank_change']} 位降至第 {u['rank']} 位）"


def window_of(year: int, kind: str, n: int) -> Window:
    """The window of a period given as (year, kind Y/Q/M, n)."""
    last = 12 if kind == "Y" else 3 * n if kind == "Q" else n
    return Window(year, last)


def date_or_nat(value: dt.date | None) -> pd.Timestamp:
    return pd.Timestamp(value) if value is not None else pd.NaT


# --- registry -------------------------------------------------------------------------------------------
#
# The office's project workbook (项目库): one row per project, Chinese headers found by name in the first
# rows of a sheet (a title row may sit above). Read into checked records with every problem located by
# sheet, row and column; then each record is matched to a project on file (by 项目编号, else by 项目名称
# within its 所在县市区) and compared field by field. Only the columns present are compared, so a file
# without a 园区 column leaves every park as it is. A blank stage-date or evidence cell (开工佐证材料) never
# erases what is on file (a stage's dates and evidence are its history); a blank cell of any other optional
# column clears the field.
# Amounts are 万元, land 亩; per-mu figures (投资强度, 亩均税收, 亩均产值) are 万元/亩.

REGISTRY_FIELDS: dict[str, str] = {
    # field: its label (the column title the import asks for, and the history's wording)
    "code": "项目编号", "name": "项目名称", "county": "所在县市区", "park": "所在园区",
    "industry_code": "行业代码", "is_industrial": "产业项目", "investor_name": "投资主体",
    "investor_flags": "投资方类型", "total_investment": "总投资（万元）",
    "out_of_province_investment": "其中省外资金（万元）", "contract_amount": "签约金额（万元）",
    "land_area": "用地面积（亩）", "expected_annual_tax": "达产年税收（万元）",
    "expected_annual_output": "达产年产值（万元）", "lists": "所属清单", "leader_name": "联点市领导",
    "responsible_unit": "责任单位", "responsible_person": "直接责任人", "has_task_force": "工作专班",
    "stage": "当前阶段", "plan_year": "计划年度", "plan": "年度计划投资（万元）",
}
# Fields changed on the project page, not by the import (projects.services): their labels in the history.
PAGE_FIELDS: dict[str, str] = {"is_stopped": "停工", "stoppage_review": "停工复工审核", "is_falsified": "弄虚作假"}
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("项目编号", "项目代码", "编号"), "name": ("项目名称", "名称"),
    "county": ("所在县市区", "县市区", "所属县市区"), "park": ("所在园区", "园区", "所属园区"),
    "industry_code": ("行业代码", "国民经济行业代码"), "is_industrial": ("产业项目", "是否产业项目"),
    "investor_name": ("投资主体", "投资方", "投资企业"), "investor_flags": ("投资方类型", "投资主体类型"),
    "total_investment": ("总投资(万元)", "总投资", "计划总投资(万元)"),
    "out_of_province_investment": ("其中省外资金(万元)", "其中省外资金", "省外资金(万元)"),
    "contract_amount": ("签约金额(万元)", "签约金额", "合同金额(万元)"),
    "land_area": ("用地面积(亩)", "用地面积", "用地(亩)"),
    "expected_annual_tax": ("达产年税收", "达产年税收(万元)", "达产后年税收(万元)"),
    "expected_annual_output": ("达产年产值", "达产年产值(万元)", "达产后年产值(万元)"),
    "lists": ("所属清单", "清单"), "leader_name": ("联点市领导", "联点领导", "联系市领导"),
    "responsible_unit": ("责任单位",), "responsible_person": ("直接责任人", "责任人"),
    "has_task_force": ("工作专班", "是否成立专班", "专班"), "stage": ("当前阶段", "项目阶段", "阶段"),
    "plan_year": ("计划年度", "年度"), "plan": ("年度计划投资", "年度计划投资(万元)", "年度计划(万元)"),
}
# Other words for a stage in the 当前阶段 column and in the date headers (计划开工日期 / 实际开工日期).
STAGE_WORDS: dict[str, tuple[str, ...]] = {
    Stage.PLANNING: ("谋划", "储备", "谋划储备", "谋划/储备"), Stage.NEGOTIATING: ("在谈", "洽谈", "招商"),
    Stage.SIGNED: ("签约",), Stage.REGISTERED: ("注册",), Stage.LAND: ("供地", "落地"), Stage.STARTED: ("开工",),
    Stage.IN_STATS: ("入库", "纳统", "入库纳统"), Stage.COMPLETED: ("竣工",), Stage.PRODUCING: ("投产",),
    Stage.FULL_PRODUCTION: ("达产",),
}
REQUIRED_REGISTRY = ("code", "name", "county", "total_investment")
AMOUNT_FIELDS = ("total_investment", "out_of_province_investment", "contract_amount", "land_area",
                 "expected_annual_tax", "expected_annual_output")
TEXT_LIMITS = {"name": 200, "investor_name": 200, "leader_name": 50, "responsible_person": 50}
# The fields a re-import compares (besides the stage dates `planned:<stage>` / `actual:<stage>` and the
# annual plans `plan:<year>`), in the order the history shows them.
REGISTRY_TRACKED = ("code", "name", "county_id", "park_id", "industry_code", "is_industrial", "investor_name",
                    "investor_flags", "total_investment", "out_of_province_investment", "contract_amount",
                    "land_area", "expected_annual_tax", "expected_annual_output", "lists", "leader_name",
                    "responsible_unit_id", "responsible_person", "has_task_force", "stage")
_YES = {"是": True, "有": True, "y": True, "yes": True, "1": True, "√": True, "否": False, "无": False, "n": False,
        "no": False, "0": False, "": False}
_SPLIT = re.compile(r"[、,，;；/\s]+")
_PLAN_YEAR = re.compile(r"^(\d{4})年(?:度)?计划(?:完成)?投资(?:\(万元\))?$")


def registry_norm(text: object) -> str:
    """A header or a name as compared: no spaces, full-width brackets as ASCII, quotes dropped, lower case."""
    s = re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")")
    return re.sub(r"[“”\"'‘’]", "", s).lower()


def registry_cell(value: object) -> str:
    """A cell as text; Excel's 1234.0 becomes '1234' and a date cell its ISO date."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _header_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, words in _HEADER_WORDS.items():
        for w in words:
            out.setdefault(registry_norm(w), name)
    for stage, words in STAGE_WORDS.items():
        for w in {*words, Stage(stage).label}:
            for kind, prefix in (("planned", "计划"), ("actual", "实际")):
                out.setdefault(registry_norm(f"{prefix}{w}日期"), f"{kind}:{stage}")
                out.setdefault(registry_norm(f"{prefix}{w}时间"), f"{kind}:{stage}")
            for suffix in ("佐证材料", "佐证"):
                out.setdefault(registry_norm(f"{w}{suffix}"), f"evidence:{stage}")
    return out


REGISTRY_HEADERS = _header_map()


def registry_field_label(name: str) -> str:
    """The Chinese label of a field, a stage date (`actual:started` → 实际开工日期) or a plan (`plan:2017`)."""
    kind, _, rest = name.partition(":")
    if kind in ("planned", "actual") and rest:
        return f"{'计划' if kind == 'planned' else '实际'}{Stage(rest).label}日期"
    if kind == "plan" and rest:
        return f"{rest}年计划投资（万元）"
    if kind == "evidence" and rest:
        return f"{Stage(rest).label}佐证材料"
    base = name.removesuffix("_id")
    return REGISTRY_FIELDS.get(base, REGISTRY_FIELDS.get(name, PAGE_FIELDS.get(name, name)))


def header_field(text: object) -> str | None:
    """The field a header names (`plan:2017` for 「2017年计划投资（万元）」), or None."""
    key = registry_norm(registry_cell(text))
    m = _PLAN_YEAR.match(key)
    if m:
        return f"plan:{m.group(1)}"
    return REGISTRY_HEADERS.get(key)


@dataclass
class RegistrySheet:
    """The rows of one sheet as text, with the Excel row number and each field's column letter."""

    sheet: str
    frame: pd.DataFrame
    columns: dict[str, str]
    problems: list[Problem]


def registry_sheet(cells: pd.DataFrame, sheet: str, search_rows: int = 10) -> RegistrySheet | None:
    """Find the header (a row naming 项目名称 and 项目编号 or 所在县市区); None when the sheet has none."""
    for i in range(min(search_rows, len(cells))):
        found: dict[str, int] = {}
        for j, value in enumerate(cells.iloc[i].tolist()):
            name = header_field(value)
            if name and name not in found:
                found[name] = j
        if "name" in found and ("code" in found or "county" in found):
            break
    else:
        return None
    letters = {name: get_column_letter(j + 1) for name, j in found.items()}
    where = sheet or None
    problems = [Problem(f"缺少「{REGISTRY_FIELDS[n]}」列：请在表头中加上这一列（列名须为「{REGISTRY_FIELDS[n]}」）。",
                        where, i + 1, None) for n in REQUIRED_REGISTRY if n not in found]
    if "plan" in found and "plan_year" not in found:
        problems.append(Problem("有「年度计划投资」列但没有「计划年度」列：请加一列「计划年度」（如 2017），"
                                "或把列名写成「2017年计划投资（万元）」。", where, i + 1, letters["plan"]))
    body = cells.iloc[i + 1:]
    frame = pd.DataFrame({name: body.iloc[:, j].map(registry_cell) for name, j in found.items()})
    frame.insert(0, "row", range(i + 2, i + 2 + len(body)))
    frame = frame[(frame.drop(columns="row") != "").any(axis=1)].reset_index(drop=True)
    return RegistrySheet(sheet, frame, letters, problems)


@dataclass
class RegistryLookups:
    """Normalised names and codes → unit id, built by the service: counties (and functional zones), parks,
    and the units that may be a responsible unit (departments, counties, zones, parks)."""

    counties: dict[str, int]
    parks: dict[str, int]
    units: dict[str, int]
    county_names: list[str]
    park_names: list[str]


def parse_amount(text: str) -> Decimal | None | str:
    """A 万元 or 亩 amount from a cell: '' → None, 'bad' when it is not a number ≥ 0."""
    if text == "":
        return None
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return "bad"
    return value if value.is_finite() and 0 <= value < Decimal("1e13") else "bad"


def parse_day(text: str) -> dt.date | None | str:
    """A date from a cell ('2017-04-01', '2017/4/1', '2017年4月1日', '2017.4.1'); '' → None, else 'bad'."""
    if text == "":
        return None
    cleaned = (text.split(" ")[0].split("T")[0].replace("年", "-").replace("月", "-").replace("日", "")
               .replace("/", "-").replace(".", "-").strip("-"))
    try:
        day = dt.date.fromisoformat("-".join(part.zfill(2) for part in cleaned.split("-")))
    except ValueError:
        return "bad"
    return day if 1990 <= day.year <= 2100 else "bad"


def _stage_code(text: str) -> str | None:
    key = registry_norm(text)
    for stage, words in STAGE_WORDS.items():
        if key in {registry_norm(w) for w in (*words, Stage(stage).label, stage)}:
            return str(stage)
    return None


def _codes_of(text: str, choices: Any) -> tuple[list[str], list[str]]:
    """Labels separated by 、 → (codes in the choices' order, unknown words)."""
    by_label = {registry_norm(label): str(code) for code, label in choices.choices}
    by_label.update({registry_norm(str(code)): str(code) for code in choices.values})
    by_label.setdefault(registry_norm("五个100"), "province_5x100")
    by_label.setdefault(registry_norm("省五个100"), "province_5x100")
    words = [w for w in _SPLIT.split(text) if w]
    found = {by_label[registry_norm(w)] for w in words if registry_norm(w) in by_label}
    unknown = [w for w in words if registry_norm(w) not in by_label]
    return [str(c) for c in choices.values if c in found], unknown


def check_registry_rows(recs: RegistrySheet,
                        lookups: RegistryLookups) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Turn a sheet's text rows into project records (unit ids, codes, Decimals, dates), collecting every
    problem with its sheet, row and column. Each record has sheet, row, the fields present and `plans`
    ({year: 万元}) when the sheet has annual plans."""
    problems: list[Problem] = list(recs.problems)
    where = recs.sheet or None
    records: list[dict[str, Any]] = []
    present = [c for c in recs.frame.columns if c != "row"]
    for raw in recs.frame.to_dict("records"):
        row = int(raw["row"])
        rec: dict[str, Any] = {"sheet": recs.sheet, "row": row, "columns": recs.columns}

        def bad(name: str, message: str, row: int = row) -> None:
            problems.append(Problem(message, where, row, recs.columns.get(name)))

        for name in present:
            text = str(raw[name])
            if name in ("county", "park", "responsible_unit"):
                _read_unit(rec, name, text, lookups, bad)
            elif name in AMOUNT_FIELDS or name.startswith(("planned:", "actual:", "plan:")) or name == "plan":
                _read_number(rec, name, text, str(raw.get("plan_year", "")), bad)
            elif name != "plan_year":
                _read_text(rec, name, text, bad)
        _row_consistency(rec, bad)
        records.append(rec)
    problems.sort(key=lambda p: (p.row or 0, len(p.column or ""), p.column or ""))
    return records, problems


def _read_unit(rec: dict[str, Any], name: str, text: str, lookups: RegistryLookups, bad: Any) -> None:
    """所在县市区 (required), 所在园区 and 责任单位: a unit's name, short name or code → its id."""
    if name == "county":
        found = lookups.counties.get(registry_norm(text))
        if not text:
            bad(name, "没有填写所在县市区：请填写县市区名称或行政区划代码，如 岳阳县 或 430621。")
        elif found is None:
            known = "、".join(lookups.county_names[:12])
            bad(name, f"未找到县市区「{text}」：请填写县市区（或功能区）的名称、简称或代码（如{known}）。")
    elif name == "park":
        found = lookups.parks.get(registry_norm(text)) if text else None
        if text and found is None:
            known = "、".join(lookups.park_names[:6])
            bad(name, f"未找到园区「{text}」：请填写平台中园区的名称、简称或代码（如{known}），不在园区的项目留空。")
    else:
        found = lookups.units.get(registry_norm(text)) if text else None
        if text and found is None:
            bad(name, f"未找到责任单位「{text}」：请填写平台中市直部门、县市区或园区的名称或简称。")
    rec[f"{name}_id"] = found


def _read_number(rec: dict[str, Any], name: str, text: str, plan_year: str, bad: Any) -> None:
    """Amounts (万元; 用地面积 in 亩), stage dates and annual plans."""
    if name.startswith(("planned:", "actual:")):
        day = parse_day(text)
        if day == "bad":
            bad(name, f"「{registry_field_label(name)}」的「{text}」不是日期：请写成 2017-04-01 这样的日期。")
            day = None
        rec[name] = day
        return
    value = parse_amount(text)
    label = REGISTRY_FIELDS.get(name) or registry_field_label(name)
    if value == "bad":
        unit = "亩" if name == "land_area" else "万元"
        bad(name, f"「{label}」的「{text}」不是有效的数：请填写不小于0的数字，单位为{unit}。")
        value = None
    elif name == "total_investment" and (value is None or value == 0):
        bad(name, "没有填写总投资：请填写大于0的金额，单位为万元。")
    if name in AMOUNT_FIELDS:
        rec[name] = value
        return
    year = name.partition(":")[2]
    if name == "plan" and value is not None:
        year = plan_year if re.fullmatch(r"(19|20)\d\d", plan_year) else ""
        if not year:
            bad("plan_year", f"计划年度「{plan_year}」不是年份：请填写4位年份，如 2017。")
    if value is not None and year:
        rec.setdefault("plans", {})[int(year)] = value


def _read_text(rec: dict[str, Any], name: str, text: str, bad: Any) -> None:
    """Codes, names, texts, yes/no flags, the investor types and lists (、-separated) and the stage."""
    if name == "code":
        if len(text) > 40:
            bad(name, f"项目编号「{text}」超过40个字符：请核对。")
        rec["code"] = text.upper()
    elif name == "name":
        if not text:
            bad(name, "没有填写项目名称：请填写项目全称。")
        rec["name"] = text
    elif name in TEXT_LIMITS:
        if len(text) > TEXT_LIMITS[name]:
            bad(name, f"「{REGISTRY_FIELDS[name]}」超过{TEXT_LIMITS[name]}个字：请精简。")
        rec[name] = text
    elif name == "industry_code":
        problem = industry_code_problem(text) if text else None
        if problem:
            bad(name, problem)
        rec["industry_code"] = normalise_industry_code(text) if text else ""
    elif name in ("is_industrial", "has_task_force"):
        flag = _YES.get(registry_norm(text))
        if flag is None:
            bad(name, f"「{REGISTRY_FIELDS[name]}」一栏「{text}」无法识别：请填写“是”或“否”。")
        # A blank 产业项目 cell keeps the default (an industrial project); a blank 工作专班 is 无.
        rec[name] = bool(flag) if name == "has_task_force" or text else True
    elif name in ("investor_flags", "lists"):
        codes, unknown = _codes_of(text, InvestorFlag if name == "investor_flags" else ProjectList)
        if unknown:
            allowed = ("世界500强、中国500强、民营500强、央企、外资、省外资金" if name == "investor_flags"
                       else "省“五个100”、市重大项目、产业项目")
            bad(name, f"{REGISTRY_FIELDS[name]}「{'、'.join(unknown)}」无法识别：可填 {allowed}，多个之间用顿号（、）分开。")
        rec[name] = codes
    elif name.startswith("evidence:"):
        if len(text) > 500:
            bad(name, f"「{registry_field_label(name)}」超过500个字：请写明文件名称、文号或批复，不要粘贴全文。")
        rec[name] = text or None
    elif name == "stage":
        code = _stage_code(text) if text else None
        if text and code is None:
            bad(name, f"当前阶段「{text}」无法识别：请填写 {'、'.join(label for _, label in Stage.choices)} 之一。")
        if code is not None:
            rec["stage"] = code


def _row_consistency(rec: dict[str, Any], bad: Any) -> None:
    """Checks across the cells of one row: parts within totals, the current stage not before a dated one."""
    total, outside = rec.get("total_investment"), rec.get("out_of_province_investment")
    if isinstance(total, Decimal) and isinstance(outside, Decimal) and outside > total:
        bad("out_of_province_investment", f"其中省外资金{outside}万元大于总投资{total}万元：请核对。")
    stage = rec.get("stage")
    if stage:
        later = [s for s in STAGE_ORDER[stage_index(stage) + 1:] if rec.get(f"actual:{s}")]
        if later:
            bad("stage", f"当前阶段为「{Stage(stage).label}」，但已填写「{registry_field_label(f'actual:{later[-1]}')}」："
                         "请核对当前阶段或实际日期。")


def match_records(records: list[dict[str, Any]], by_code: dict[str, int],
                  by_name: dict[tuple[int, str], int]) -> tuple[list[int | None], list[Any]]:
    """The project on file each record updates (by 项目编号, else by 项目名称 within its county) or None for a
    new one; problems: a new project without a code, the same project twice, a code another project holds."""
    ids: list[int | None] = []
    problems: list[Any] = []
    seen: dict[int | str, int] = {}
    for rec in records:
        cols = rec["columns"]
        code, key = rec.get("code", ""), (rec.get("county_id"), registry_norm(rec.get("name", "")))
        pid = by_code.get(code) if code else None
        if pid is None:
            pid = by_name.get(key) if key[0] is not None else None  # type: ignore[arg-type]
            if pid is None and not code:
                problems.append(Problem("新项目没有填写项目编号：平台中本县市区没有同名项目，请填写项目编号。",
                                        rec["sheet"] or None, rec["row"], cols.get("code")))
        mark: int | str = pid if pid is not None else f"new:{code}"
        if mark in seen and mark != "new:":
            problems.append(Problem(f"与第{seen[mark]}行是同一个项目（项目编号或同县市区的项目名称相同）：同一项目只能出现一次，"
                                    "请删除或合并重复的行。", rec["sheet"] or None, rec["row"], cols.get("code")))
        seen.setdefault(mark, rec["row"])
        ids.append(pid)
    return ids, problems


def _same_value(a: object, b: object) -> bool:
    blank_a = a is None or a == "" or a == [] or a == ()
    blank_b = b is None or b == "" or b == [] or b == ()
    if blank_a and blank_b:
        return True
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


def diff_registry(records: list[dict[str, Any]], ids: list[int | None],
                  existing: dict[int, dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Split matched records into new ones, changes [{project_id, code, name, field, old, new}] and the
    count unchanged. `existing[id]` holds the REGISTRY_TRACKED fields, `planned:<stage>`/`actual:<stage>`
    `evidence:<stage>` and `plan:<year>`; only the fields a record carries are compared; a blank stage date
    or evidence changes nothing."""
    added: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    unchanged = 0
    for rec, pid in zip(records, ids, strict=True):
        if pid is None:
            added.append(rec)
            continue
        was = existing[pid]
        mine: list[dict[str, Any]] = []
        fields = [f for f in REGISTRY_TRACKED if f in rec and not (f == "code" and not rec["code"])]
        fields += sorted(k for k in rec if k.startswith(("planned:", "actual:", "evidence:")) and rec[k] is not None)
        fields += [f"plan:{y}" for y in sorted(rec.get("plans", {}))]
        for name in fields:
            new = rec["plans"][int(name[5:])] if name.startswith("plan:") else rec[name]
            old = was.get(name)
            if not _same_value(new, old):
                mine.append({"project_id": pid, "code": was["code"], "name": was["name"], "field": name,
                             "old": old, "new": new})
        changes += mine
        unchanged += not mine
    return added, changes, unchanged


def value_text(name: str, value: Any, labels: dict[int, str] | None = None) -> str:
    """How a registry value reads in the preview and the history."""
    if value is None or value == "" or value == []:
        return "（空）"
    if name.endswith("_id"):
        return (labels or {}).get(int(value), str(value))
    if name == "stage":
        return Stage(value).label
    if name in ("is_industrial", "has_task_force"):
        return "是" if value else "否"
    if name == "investor_flags":
        return "、".join(InvestorFlag(v).label for v in value)
    if name == "lists":
        return "、".join(ProjectList(v).label for v in value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- park entry thresholds ------------------------------------------------------------------------------
# A project's investment intensity (总投资 ÷ 用地面积), expected tax per mu (达产年税收 ÷ 用地面积) and expected
# output per mu (达产年产值 ÷ 用地面积), in 万元/亩, each against its park level's threshold
# (definitions/parks/thresholds.yaml, parks.calc.check_entry); passed when ≥ the threshold.


def project_entry_checks(level: str | None, land_area: Decimal | float | None, total_investment: Any,
                         expected_tax: Any, expected_output: Any,
                         thresholds: dict[str, dict[str, float]]) -> list[ThresholdCheck]:
    """The per-threshold checks of one project (parks.calc.ThresholdCheck each); [] without a park level or
    when the level has no thresholds."""
    if not level or not thresholds.get(level):
        return []

    def num(v: Any) -> float | None:
        return None if v is None else float(v)

    return check_entry(level, num(land_area), {"investment": num(total_investment), "tax": num(expected_tax),
                                               "output": num(expected_output)}, thresholds)

# --- campaigns ------------------------------------------------------------------------------------------
#
# A campaign (专项活动, e.g. 产业招商月) counts, per county, the projects that reached 开工 or 投产 (that stage's
# own actual date) and the amount signed (签约 actual date; the contract amount, else the total investment, as
# the portfolio counts it) within starts_on..min(ends_on, as_of), against the county's targets. 完成率 is
# actual ÷ target × 100, one decimal; no target (0 or blank) is no rate ("—"), and such a measure is neither
# met nor missed. A measure is met when actual ≥ target.

CAMPAIGN_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("new_starts", "新开工项目", "个"),
    ("new_production", "新投产项目", "个"),
    ("signed_amount", "签约金额", "万元"),
)
WAN_PER_YI = 10000  # 1亿元 = 10,000万元


def completion_pct(actual: Any, target: Any) -> float | None:
    """actual ÷ target × 100 to one decimal, half away from zero (6.25 → 6.3); None without a positive target."""
    if target is None or float(target) <= 0:
        return None
    return float(round_half_up(float(actual or 0) / float(target) * 100, 1))


def campaign_window(starts_on: dt.date, ends_on: dt.date, as_of: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days counted: starts_on..min(ends_on, as_of); None before the campaign starts."""
    last = ends_on if as_of is None else min(ends_on, as_of)
    return (starts_on, last) if last >= starts_on else None


def campaign_rows(counties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each county (dicts with `target_<m>` and `actual_<m>` for every measure) with `pct_<m>` and `met_<m>`,
    then the total row (`is_total`), whose targets and actuals are the sums."""
    total: dict[str, Any] = {"unit_id": None, "code": "", "name": "合计", "is_total": True}
    out = []
    for county in counties:
        row = {**county, "is_total": False}
        for m, _label, _unit in CAMPAIGN_MEASURES:
            row[f"target_{m}"] = float(row.get(f"target_{m}") or 0)
            row[f"actual_{m}"] = float(row.get(f"actual_{m}") or 0)
            total[f"target_{m}"] = total.get(f"target_{m}", 0.0) + row[f"target_{m}"]
            total[f"actual_{m}"] = total.get(f"actual_{m}", 0.0) + row[f"actual_{m}"]
        out.append(row)
    for m, _label, _unit in CAMPAIGN_MEASURES:
        total.setdefault(f"target_{m}", 0.0)
        total.setdefault(f"actual_{m}", 0.0)
    for row in [*out, total]:
        for m, _label, _unit in CAMPAIGN_MEASURES:
            row[f"pct_{m}"] = completion_pct(row[f"actual_{m}"], row[f"target_{m}"])
            row[f"met_{m}"] = None if row[f"pct_{m}"] is None else row[f"actual_{m}"] >= row[f"target_{m}"]
    return [*out, total]


def _amount_yi(wan: float) -> str:
    return fmt_number(wan / WAN_PER_YI, 2, "亿元")


def _measure_text(measure: str, value: float) -> str:
    return _amount_yi(value) if measure == "signed_amount" else f"{int(round(value))}个"


def campaign_sentences(name: str, rows: list[dict[str, Any]], goals: dict[str, float | None], *,
                       period_label: str = "期间") -> list[str]:
    """The end-of-campaign summary as Chinese sentences generated from the numbers: the city's totals against
    the goals (or, without a goal, the sum of the county targets), then the counties that met or missed each."""
    total = next(r for r in rows if r["is_total"])
    counties = [r for r in rows if not r["is_total"]]
    parts = []
    for m, label, _unit in CAMPAIGN_MEASURES:
        goal = goals.get(m)
        if goal is None or float(goal) <= 0:
            goal = total[f"target_{m}"] or None
        actual = total[f"actual_{m}"]
        noun = "签约金额" if m == "signed_amount" else f"{label}"
        if goal is None:
            parts.append(f"{noun}{_measure_text(m, actual)}")
        else:
            pct = completion_pct(actual, goal)
            parts.append(f"{noun}{_measure_text(m, actual)}，完成目标{_measure_text(m, float(goal))}的"
                         f"{fmt_number(pct, 1, '%')}")
    sentences = [f"{name}{period_label}全市" + "；".join(parts) + "。"]
    for m, label, _unit in CAMPAIGN_MEASURES:
        met = [r["name"] for r in counties if r[f"met_{m}"] is True]
        missed = [r for r in counties if r[f"met_{m}"] is False]
        if not met and not missed:
            continue
        text = f"{label}：" if m != "signed_amount" else "签约金额："
        text += (f"{'、'.join(met)}完成目标" if met else "没有县市区完成目标")
        if missed:
            gaps = "、".join(f"{r['name']}（完成{fmt_number(r[f'pct_{m}'], 1, '%')}，差"
                            f"{_measure_text(m, r[f'target_{m}'] - r[f'actual_{m}'])}）" for r in missed)
            text += f"；{gaps}未完成"
        else:
            text += "，全部县市区均完成目标"
        sentences.append(text + "。")
    return sentences


# --- the monthly report's section (projects.report, projects.parts) ----------------------------------------
#
# The report's period is cumulative (1–N月), but "this month's" signed, started and completed projects are
# the events of the calendar month N itself: stage rows whose actual date falls in it. 1—2月 is reported
# once, so its month is 1 January to the end of February (a January event is never left out).

# The stages whose actual date makes a project one of the month's events, and the list it joins:
# 竣工 and 投产 are one list (竣工投产), a project that did both in the month counted once.
EVENT_OF_STAGE: dict[str, str] = {Stage.SIGNED: "signed", Stage.STARTED: "started",
                                  Stage.COMPLETED: "completed", Stage.PRODUCING: "completed"}
EVENT_LABELS: dict[str, str] = {"signed": "签约", "started": "开工", "completed": "竣工投产"}


def report_month(year: int, n: int) -> tuple[dt.date, dt.date]:
    """The first and last day of report month n of `year` (n = 2 covers January and February)."""
    first = dt.date(year, 1 if n <= FIRST_MONTH else n, 1)
    last = (dt.date(year + (n == 12), n % 12 + 1, 1) - dt.timedelta(days=1))
    return first, last


def report_month_label(year: int, n: int) -> str:
    """'2017年3月'; '2017年1—2月' for the first report of a year."""
    return f"{year}年1—2月" if n <= FIRST_MONTH else f"{year}年{n}月"


def month_events(stage_rows: pd.DataFrame) -> pd.DataFrame:
    """The month's events, one row per project and list (签约, 开工, 竣工投产), from its stage rows.

    `stage_rows`: project_id, stage and actual_on (the rows dated in the month) plus the project's columns.
    Returns those columns with `event`, `event_label`, `stages` (the stage labels, 「、」-joined in stage
    order) and `actual_on` (the latest date of the event's stages: the day the project got furthest)."""
    columns = [*stage_rows.columns.drop("stage"), "event", "event_label", "stages"]
    rows = stage_rows[stage_rows["stage"].isin(list(EVENT_OF_STAGE))]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    labels = dict(Stage.choices)
    rows = rows.assign(event=rows["stage"].map(EVENT_OF_STAGE), order=rows["stage"].map(stage_index),
                       label=rows["stage"].map(labels)).sort_values(["project_id", "order"])
    keep = [c for c in stage_rows.columns if c not in {"stage", "actual_on", "project_id"}]
    grouped = rows.groupby(["event", "project_id"], sort=False)
    out = grouped[keep].first()
    out["actual_on"] = grouped["actual_on"].max()
    out["stages"] = grouped["label"].agg("、".join)
    out = out.reset_index()
    out["event_label"] = out["event"].map(EVENT_LABELS)
    out["event_order"] = out["event"].map(list(EVENT_LABELS).index)
    return out.sort_values(["event_order", "actual_on", "project_id"])[columns].reset_index(drop=True)


def rank_change_text(change: Any) -> str:
    """进位/退位 of a league row: '进2位', '退1位', '持平', or '—' without a previous rank."""
    if change is None or pd.isna(change):
        return "—"
    change = int(change)
    return f"进{change}位" if change > 0 else f"退{-change}位" if change < 0 else "持平"
