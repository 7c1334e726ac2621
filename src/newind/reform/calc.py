"""Pure arithmetic of reform task lists: progress, expected progress (序时) and lights. No database.

Definitions (docs/reform.md):
- a milestone counts as done at a date when its done date is on or before that date;
- task progress (完成进度) = Σ weight of the task's done milestones ÷ Σ weight of all its milestones × 100;
  milestone weights default to 1, so equal weights mean "the share of milestones done";
- task expected progress (序时进度) = Σ weight of the milestones planned on or before the date ÷ Σ weight × 100
  (the plan's own calendar, the milestone-schedule analogue of the targets' elapsed share of the year);
- gap_pts = expected − progress (positive = behind), and the light is the targets' ordered rules
  (definitions/warning_rules/default.yaml, target type "level", kind "hard") through
  newind.targets.calc.lights_frame — the same function and rules as the targets' 序时进度 lights;
- a set's (or an owner unit's) progress = Σ task weight × task progress ÷ Σ task weight over its tasks that have
  milestones, and its expected progress likewise; its light comes from the same rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from newind.targets.calc import LIGHT_SEVERITY, RuleSet, lights_frame

MILESTONE_COLUMNS = ["task_id", "weight", "planned_on", "done_on"]
TASK_COLUMNS = ["task_id", "weight"]


def _date_series(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def task_progress(milestones: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per task_id: total/done/planned milestone weight, progress_pct, expected_pct, gap_pts, milestone counts
    and overdue (planned before `as_of`, not done by it). Set-wise: one groupby."""
    cols = ["total_w", "done_w", "planned_w", "progress_pct", "expected_pct", "gap_pts", "milestones", "done",
            "overdue"]
    if milestones.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="task_id"))
    when = pd.Timestamp(as_of)
    w = milestones["weight"].astype(float)
    done = _date_series(milestones["done_on"]) <= when
    planned = _date_series(milestones["planned_on"]) <= when
    overdue = (_date_series(milestones["planned_on"]) < when) & ~done
    frame = pd.DataFrame({"task_id": milestones["task_id"], "total_w": w, "done_w": w.where(done, 0.0),
                          "planned_w": w.where(planned, 0.0), "milestones": 1, "done": done.astype(int),
                          "overdue": overdue.astype(int)})
    out = frame.groupby("task_id").sum()
    total = out["total_w"].where(out["total_w"] > 0)
    out["progress_pct"] = out["done_w"] / total * 100.0
    out["expected_pct"] = out["planned_w"] / total * 100.0
    out["gap_pts"] = out["expected_pct"] - out["progress_pct"]
    return out[cols]


def weighted_progress(tasks: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per value of `by`: Σ task weight × task progress ÷ Σ task weight (and the same for expected), over the
    tasks that have milestones (progress not missing); tasks counts every task, behind counts red/yellow ones."""
    t = tasks.copy()
    has = t["progress_pct"].astype(float).notna()
    w = t["weight"].astype(float).where(has, 0.0)
    t["_w"] = w
    t["_wp"] = w * t["progress_pct"].astype(float).fillna(0.0)
    t["_we"] = w * t["expected_pct"].astype(float).fillna(0.0)
    t["_behind"] = t["light"].isin(["red", "yellow"]).astype(int) if "light" in t.columns else 0
    t["_tasks"] = 1
    g = t.groupby(by).agg(weight=("_w", "sum"), wp=("_wp", "sum"), we=("_we", "sum"), tasks=("_tasks", "sum"),
                          behind=("_behind", "sum"))
    denom = g["weight"].where(g["weight"] > 0)
    g["progress_pct"] = g["wp"] / denom
    g["expected_pct"] = g["we"] / denom
    g["gap_pts"] = g["expected_pct"] - g["progress_pct"]
    return g[["tasks", "weight", "progress_pct", "expected_pct", "gap_pts", "behind"]]


def with_lights(frame: pd.DataFrame, rules: RuleSet, as_of: dt.date) -> pd.DataFrame:
    """Add light, light_label, light_reason and a whole Chinese sentence (light_text) to rows with gap_pts,
    progress_pct and expected_pct, using the targets' rules as level targets of kind hard."""
    out = frame.copy()
    if out.empty:
        for c in ("light", "light_label", "light_reason", "light_text"):
            out[c] = pd.Series(dtype=object)
        return out
    judged = pd.DataFrame({"gap_pts": out["gap_pts"].astype(float), "target_type": "level", "kind": "hard",
                           "forecast_miss": False}, index=out.index)
    lights = lights_frame(judged, rules)
    out["light"], out["light_label"], out["light_reason"] = lights["light"], lights["light_label"], \
        lights["light_reason"]
    out["light_text"] = [light_sentence(as_of, e, p, label, reason) for e, p, label, reason in zip(
        out["expected_pct"], out["progress_pct"], out["light_label"], out["light_reason"], strict=True)]
    return out


def _pct(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}%"


def light_sentence(as_of: dt.date, expected: Any, progress: Any, label: str, reason: str) -> str:
    """'截至2017年6月30日，按计划应完成50.0%（已到期节点的权重占比），实际完成25.0%，落后进度25.0个百分点（10—30个百分点），亮黄灯。'"""
    day = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    if progress is None or pd.isna(progress):
        return f"截至{day}，尚未排定任务节点，无法判断进度。"
    return (f"截至{day}，按计划应完成{_pct(expected)}（已到计划日期的节点权重占比），实际完成{_pct(progress)}，"
            f"{reason}，{'亮' + label if label.endswith('灯') else label}。")


def sort_by_severity(frame: pd.DataFrame) -> pd.DataFrame:
    """Red first, then yellow, then by the largest gap."""
    if frame.empty:
        return frame
    key = frame["light"].map(LIGHT_SEVERITY).fillna(9)
    return frame.assign(_k=key, _g=-frame["gap_pts"].astype(float).fillna(-np.inf)) \
        .sort_values(["_k", "_g"], kind="stable").drop(columns=["_k", "_g"])
