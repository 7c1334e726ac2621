"""Leaders' own responsibility (主要领导亲自部署、亲自调度、亲自负责), pure: frames of records in, one row per
unit head out. No database; `leaders.queries` reads the records (meetings, supervision tasks, submissions,
case closures, red lights) and calls `responsibility`.

Why each measure is what it is (issue 13 §5, built from the records, never from self-declaration):
- 亲自调度: the meetings the head chaired against those the rules require in the period (one 月调度 a month for
  a principal head, by definitions/leaders/rules.yaml); the rate is capped at 100 %, so chairing two in one
  month does not make up for a month without one.
- 亲自部署: the supervision tasks the head personally assigned or instructed (批示) in the period, a count.
- 亲自负责: the share of the unit's approved monthly reports the head signed off (approved as the reviewer)
  and the share of the unit's supervision-task closures the head signed (closed as the unit's user).
- 红灯必督: the share of the unit's red lights in the period that were followed, within N calendar days of the
  figures' release, by a supervision task to the unit.
The head's score is the mean of the shares that have a base (a unit with no red light is not judged on
following them up): a figure with no base is no figure (None), not 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HEAD_COLUMNS = ["head_id", "unit_id", "unit_code", "unit_name", "name", "post", "user_id"]
OUT_COLUMNS = [*HEAD_COLUMNS, "meetings_chaired", "meetings_required", "meeting_rate", "tasks_instructed",
               "reports_total", "reports_signed", "report_signoff_rate", "closures_total", "closures_signed",
               "closure_signoff_rate", "red_lights", "red_followed", "red_follow_rate", "score", "summary"]
LABELS = {
    "meetings_chaired": "主持调度会（次）", "meetings_required": "应主持（次）", "meeting_rate": "亲自调度率（%）",
    "tasks_instructed": "亲自交办、批示督办事项（件）", "reports_total": "本单位月报（份）",
    "reports_signed": "本人审核签发（份）", "report_signoff_rate": "月报签发率（%）",
    "closures_total": "本单位督办事项办结（件）", "closures_signed": "本人签批办结（件）",
    "closure_signoff_rate": "办结签批率（%）", "red_lights": "本单位红灯（个）",
    "red_followed": "亮灯后按期督办（个）", "red_follow_rate": "红灯督办率（%）", "score": "履责得分（%）",
}
RATE_COLUMNS = ["meeting_rate", "report_signoff_rate", "closure_signoff_rate", "red_follow_rate"]


@dataclass(frozen=True)
class Rules:
    """What the rules ask (definitions/leaders/rules.yaml)."""

    meetings_per_month: int = 1  # 月调度: one a month, chaired by the principal head
    meeting_kinds: tuple[str, ...] = ("monthly",)  # the meeting kinds that count as 调度
    follow_days: int = 10  # a red light must be followed by a task within this many calendar days


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0) * 100).round(1)


def _count(frame: pd.DataFrame, key: str, heads: pd.DataFrame, on: str) -> pd.Series:
    """How many rows of `frame` fall to each head by `key` (a column of frame) = heads[on]."""
    if frame.empty:
        return pd.Series(0, index=heads.index)
    counts = frame.groupby(key).size()
    return heads[on].map(counts).fillna(0).astype(int)


def followed_lights(lights: pd.DataFrame, tasks: pd.DataFrame, follow_days: int) -> pd.Series:
    """For each red light (unit_id, lit_on) whether a supervision task to the unit (unit_id, created_on) was
    filed on the day it was lit or within `follow_days` calendar days after. Set-wise: a merge on the unit
    and a window test, no loop per light."""
    if lights.empty:
        return pd.Series(dtype=bool)
    if tasks.empty:
        return pd.Series(False, index=lights.index)
    lit = lights[["unit_id", "lit_on"]].reset_index(names="_light")
    pairs = lit.merge(tasks[["unit_id", "created_on"]], on="unit_id", how="inner")
    delta = (pd.to_datetime(pairs["created_on"]) - pd.to_datetime(pairs["lit_on"])).dt.days
    hit = pairs.loc[(delta >= 0) & (delta <= follow_days), "_light"].unique()
    return pd.Series(lights.index.isin(hit), index=lights.index)


def responsibility(heads: pd.DataFrame, *, months: int, rules: Rules, meetings: pd.DataFrame,
                   tasks_instructed: pd.DataFrame, reports: pd.DataFrame, closures: pd.DataFrame,
                   lights: pd.DataFrame, unit_tasks: pd.DataFrame) -> pd.DataFrame:
    """One row per head (the principal heads of the units judged) over a period of `months` months.

    heads: HEAD_COLUMNS. meetings: chair_id, kind (the meetings held in the period). tasks_instructed:
    head_id (a task assigned or instructed by the head in the period). reports: unit_id, approved_by (user id
    or NaN; the unit's approved monthly reports of the period). closures: unit_id, closed_by (user id; the
    unit's supervision tasks closed in the period). lights: unit_id, lit_on (the unit's red lights in the
    period). unit_tasks: unit_id, created_on (supervision tasks filed to a unit, from the period's start to
    `follow_days` after its end)."""
    out = heads[HEAD_COLUMNS].copy().reset_index(drop=True)
    counted = meetings[meetings["kind"].isin(rules.meeting_kinds)] if not meetings.empty else meetings
    out["meetings_chaired"] = _count(counted, "chair_id", out, "head_id")
    out["meetings_required"] = int(months * rules.meetings_per_month)
    chaired = out["meetings_chaired"].clip(upper=out["meetings_required"])
    out["meeting_rate"] = _rate(chaired, out["meetings_required"])
    out["tasks_instructed"] = _count(tasks_instructed, "head_id", out, "head_id")

    def signed(frame: pd.DataFrame, by: str) -> tuple[pd.Series, pd.Series]:
        total = _count(frame, "unit_id", out, "unit_id")
        if frame.empty:
            return total, pd.Series(0, index=out.index)
        pairs = frame.dropna(subset=[by]).groupby(["unit_id", by]).size()
        key = pd.MultiIndex.from_arrays([out["unit_id"], out["user_id"].fillna(-1).astype(int)])
        mine = pd.Series(pairs.reindex(key).to_numpy(), index=out.index).fillna(0).astype(int)
        return total, mine

    out["reports_total"], out["reports_signed"] = signed(reports, "approved_by")
    out["report_signoff_rate"] = _rate(out["reports_signed"], out["reports_total"])
    out["closures_total"], out["closures_signed"] = signed(closures, "closed_by")
    out["closure_signoff_rate"] = _rate(out["closures_signed"], out["closures_total"])
    followed = followed_lights(lights, unit_tasks, rules.follow_days)
    lit = lights.assign(followed=followed.to_numpy()) if not lights.empty else lights.assign(followed=[])
    out["red_lights"] = _count(lit, "unit_id", out, "unit_id")
    out["red_followed"] = _count(lit[lit["followed"]], "unit_id", out, "unit_id") if not lit.empty else 0
    out["red_follow_rate"] = _rate(out["red_followed"], out["red_lights"])
    out["score"] = out[RATE_COLUMNS].astype(float).mean(axis=1, skipna=True).round(1)
    out["summary"] = summaries(out, rules)
    return out[OUT_COLUMNS]


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.1f}%"


def summaries(rows: pd.DataFrame, rules: Rules) -> list[str]:
    """One Chinese sentence per head from the numbers (a few dozen heads: a loop over rows is fine here)."""
    out = []
    for r in rows.itertuples(index=False):
        parts = [f"主持月调度会 {r.meetings_chaired} 次（应 {r.meetings_required} 次）",
                 f"亲自交办、批示督办事项 {r.tasks_instructed} 件"]
        if r.reports_total:
            parts.append(f"本单位月报 {r.reports_total} 份中本人审核签发 {r.reports_signed} 份")
        if r.closures_total:
            parts.append(f"督办事项办结 {r.closures_total} 件中本人签批 {r.closures_signed} 件")
        if r.red_lights:
            parts.append(f"本单位亮红灯 {r.red_lights} 个，{rules.follow_days} 日内跟进督办 {r.red_followed} 个")
        else:
            parts.append("本单位无红灯")
        out.append(f"{r.name}（{r.unit_name}{r.post}）：" + "；".join(parts) + f"。履责得分 {_pct(r.score)}。")
    return out
