"""Reads of reform task lists: tasks with progress and lights at a date, per set and per owner unit.
Set-wise: two queries (tasks, milestones) and pandas; `tasks` is a queryset already filtered by access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from newind.reform import calc
from newind.reform.models import Milestone, ReformTask, TaskSet
from newind.targets.rules import rule_set

SOURCE = "改革与行动任务清单，各牵头单位报告的节点完成情况"
TASK_FIELDS = ["id", "task_set_id", "task_set__code", "task_set__name", "code", "title", "owner_unit_id",
               "owner_unit__code", "owner_unit__name", "weight", "is_synthetic"]


def tasks_frame(tasks: QuerySet[ReformTask], as_of: dt.date) -> pd.DataFrame:
    """One row per task: its fields, progress, expected progress, gap, counts and light with its sentence."""
    rows = list(tasks.values(*TASK_FIELDS))
    frame = pd.DataFrame(rows, columns=TASK_FIELDS).rename(columns={
        "id": "task_id", "task_set__code": "set_code", "task_set__name": "set_name",
        "owner_unit__code": "owner_code", "owner_unit__name": "owner_name"})
    if frame.empty:
        return calc.with_lights(frame.assign(progress_pct=[], expected_pct=[], gap_pts=[]), rule_set(), as_of)
    ms = pd.DataFrame(list(Milestone.objects.filter(task_id__in=frame["task_id"].tolist())
                           .values(*calc.MILESTONE_COLUMNS)), columns=calc.MILESTONE_COLUMNS)
    progress = calc.task_progress(ms, as_of)
    frame = frame.merge(progress, left_on="task_id", right_index=True, how="left")
    for col in ("milestones", "done", "overdue"):
        frame[col] = frame[col].fillna(0).astype(int)
    frame["weight"] = frame["weight"].astype(float)
    return calc.with_lights(frame, rule_set(), as_of)


def rollup(frame: pd.DataFrame, by: str, as_of: dt.date) -> pd.DataFrame:
    """Per set (by='task_set_id') or per owner unit (by='owner_unit_id'): weighted progress and its light."""
    if frame.empty:
        return calc.with_lights(pd.DataFrame(columns=["tasks", "weight", "progress_pct", "expected_pct", "gap_pts",
                                                      "behind"]), rule_set(), as_of)
    names = {"task_set_id": ["set_code", "set_name"], "owner_unit_id": ["owner_code", "owner_name"]}[by]
    g = calc.weighted_progress(frame, by)
    labels = frame.groupby(by)[names + ["is_synthetic"]].first()
    return calc.with_lights(g.join(labels).reset_index(), rule_set(), as_of)


def task_sets() -> list[TaskSet]:
    return list(TaskSet.objects.all())


def milestones_of(task: ReformTask, as_of: dt.date) -> list[dict[str, Any]]:
    """The task's milestones with their status at `as_of` (已完成 / 逾期未完成 / 未到期)."""
    out = []
    for m in task.milestones.select_related("reported_by").order_by("seq"):
        if m.done_on and m.done_on <= as_of:
            status, css = ("已完成（逾期完成）" if m.done_on > m.planned_on else "已完成"), "done"
        elif m.planned_on < as_of:
            status, css = "逾期未完成", "overdue"
        else:
            status, css = "未到期", "pending"
        out.append({"m": m, "status": status, "css": css})
    return out
