"""Pure rules of the projects app: plain data and frames in, plain data out (no ORM; tests/core/test_layering).

Each part of the app has its own section below, headed `# --- <part>`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newind.core.numbers import fmt_number
from newind.projects.choices import STAGE_ORDER, Stage, stage_index

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
