"""Reads of dispatch meetings and supervision tasks: the task frame with status, a month's decisions with
the status of their tasks (the next month's report), and the bulletin's frame. Set-wise: one query each."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from newind.cases.sla import end_of_day, format_deadline, to_local
from newind.supervision import calc
from newind.supervision.choices import TaskStatus
from newind.supervision.models import Decision, SupervisionTask

TASK_FIELDS = ("id", "case_id", "case__code", "case__title", "case__state", "case__closed_at",
               "case__close_deadline", "case__received_at", "case__lead_unit__code", "case__lead_unit__name",
               "case__redo_count", "source_kind", "source_ref", "urgency", "is_synthetic")


def task_frame(tasks: QuerySet[Any] | None = None, *, now: dt.datetime) -> pd.DataFrame:
    """One row per task with its case's state, deadline, owner unit and status at `now` (one query)."""
    qs = (tasks if tasks is not None else SupervisionTask.objects.all()).order_by("id").values(*TASK_FIELDS)
    frame = pd.DataFrame(list(qs), columns=list(TASK_FIELDS))
    frame = frame.rename(columns={"case__state": "state", "case__closed_at": "closed_at",
                                  "case__close_deadline": "close_deadline", "case__lead_unit__code": "unit_code",
                                  "case__lead_unit__name": "unit_name"})
    frame["status"] = calc.task_status(frame, now) if not frame.empty else pd.Series(dtype=object)
    return frame


def month_bounds(period_key: str) -> tuple[dt.date, dt.date]:
    year, month = int(period_key[:4]), int(period_key[5:7])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


DECISION_COLUMNS = ["meeting_title", "held_on", "text", "owner_unit", "deadline_text", "case_code", "status",
                    "status_label", "is_synthetic"]


def decisions_of_month(period_key: str, *, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The decisions of the meetings held in the month `period_key`, with their task's status at `as_of`
    (default: the end of the following month — what the next month's report shows). Two queries."""
    first, last = month_bounds(period_key)
    if as_of is None:
        nxt = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        as_of = end_of_day(month_bounds(nxt.strftime("%Y-%m"))[1])
    decisions = list(Decision.objects.filter(meeting__held_on__range=(first, last))
                     .order_by("meeting__held_on", "meeting_id", "id")
                     .values("id", "text", "deadline", "meeting__title", "meeting__held_on", "owner_unit__name",
                             "meeting__is_synthetic"))
    if not decisions:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    tasks = task_frame(SupervisionTask.objects.filter(decision_id__in=[d["id"] for d in decisions]), now=as_of)
    by_decision = {}
    if not tasks.empty:
        ids = dict(SupervisionTask.objects.filter(pk__in=tasks["id"].tolist()).values_list("id", "decision_id"))
        for row in tasks.itertuples():
            by_decision[ids[row.id]] = row
    labels = dict(TaskStatus.choices)
    rows = []
    for d in decisions:  # a month's decisions: a few dozen
        task = by_decision.get(d["id"])
        status = str(task.status) if task is not None else str(TaskStatus.NO_TASK)
        deadline = format_deadline(task.close_deadline) if task is not None else f"{d['deadline']:%Y-%m-%d} 24:00"
        rows.append({"meeting_title": d["meeting__title"], "held_on": d["meeting__held_on"], "text": d["text"],
                     "owner_unit": d["owner_unit__name"], "deadline_text": deadline,
                     "case_code": task.case__code if task is not None else "", "status": status,
                     "status_label": labels[status], "is_synthetic": d["meeting__is_synthetic"]})
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def bulletin_frame(period_key: str, *, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """The bulletin's per-unit lists for a month: the tasks whose deadline fell in the month (judged at its
    end, or `as_of`): closed early / on time / late, or still open past it."""
    first, last = month_bounds(period_key)
    moment = as_of or end_of_day(last)
    tasks = SupervisionTask.objects.filter(case__close_deadline__gt=end_of_day(first - dt.timedelta(days=1)),
                                           case__close_deadline__lte=end_of_day(last))
    frame = task_frame(tasks, now=moment)
    return calc.bulletin_lists(frame[["unit_code", "unit_name", "status"]] if not frame.empty else frame)


def meeting_rows(meetings: QuerySet[Any]) -> list[dict[str, Any]]:
    """The meeting list: kind, day, chair, counts of decisions and of the tasks they became (one query)."""
    from django.db.models import Count

    rows = (meetings.select_related("chair", "chair__unit")
            .annotate(n_decisions=Count("decisions", distinct=True), n_tasks=Count("decisions__task", distinct=True))
            .order_by("-held_on", "-id"))
    return [{"m": m, "n_decisions": m.n_decisions, "n_tasks": m.n_tasks} for m in rows]


def task_rows(tasks: QuerySet[Any], *, now: dt.datetime) -> list[dict[str, Any]]:
    frame = task_frame(tasks, now=now)
    labels = dict(TaskStatus.choices)
    out = []
    for r in frame.itertuples():
        out.append({"id": r.id, "case_id": r.case_id, "code": r.case__code, "title": r.case__title,
                    "unit": r.unit_name or "", "deadline": format_deadline(to_local(r.close_deadline)),
                    "status": r.status, "status_label": labels[r.status], "is_synthetic": r.is_synthetic})
    return out
