"""Pure rules of dispatch meetings and supervision tasks: a task's status, the bulletin's lists per unit and
the progress reports long tasks owe. No ORM: frames and plain values (tested with hand calculations)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from newind.cases import calc as case_calc
from newind.cases.calc import CLOSED_STATES
from newind.cases.choices import State
from newind.cases.sla import ProgressRule, to_local
from newind.supervision.choices import TaskStatus

_CLOSED = [str(s) for s in CLOSED_STATES]
_REVIEW = [str(State.REVIEW), str(State.AWAITING_LEADER)]


def task_status(tasks: pd.DataFrame, now: dt.datetime) -> pd.Series:
    """Each task's status at `now`, at once: 提前/按期/逾期办结销号 for closed ones (closed before the deadline's
    day / by the deadline / after it — the moment 销号 was asked, confirmed by the review), 销号审核中, 退回重办,
    逾期未办结 (open past the deadline) or 办理中. Columns: state, closed_at, close_deadline (aware)."""
    if tasks.empty:
        return pd.Series([], dtype=object)
    moment = pd.Timestamp(to_local(now))
    state = tasks["state"].astype(str)
    closed_at = pd.to_datetime(tasks["closed_at"], utc=True)
    deadline = pd.to_datetime(tasks["close_deadline"], utc=True)
    # The deadline is 24:00 of its day, stored as 00:00 of the next: its day starts one day before.
    deadline_day_start = deadline - pd.Timedelta(days=1)
    closed = state.isin(_CLOSED)
    conditions = [
        closed & (closed_at < deadline_day_start),
        closed & (closed_at <= deadline),
        closed,
        state.isin(_REVIEW),
        ~closed & (deadline < moment),
        state.eq(str(State.REDO)),
    ]
    choices = [TaskStatus.CLOSED_EARLY, TaskStatus.CLOSED_ON_TIME, TaskStatus.CLOSED_LATE, TaskStatus.REVIEW,
               TaskStatus.OVERDUE, TaskStatus.SENT_BACK]
    out = np.select(conditions, [str(c) for c in choices], default=str(TaskStatus.OPEN))
    return pd.Series(out, index=tasks.index, dtype=object)


BULLETIN_COLUMNS = ["unit_code", "unit_name", "total", "closed_early", "closed_on_time", "closed_late",
                    "overdue_open", "on_time_rate", "list"]


def bulletin_lists(tasks: pd.DataFrame) -> pd.DataFrame:
    """Per owner unit: tasks closed early, on time and late, and still overdue; 按期办结率 = (early + on time) ÷
    closed × 100 (one decimal, None without a closed task). `list` is 表扬 for a unit with closed tasks all on
    time (or early) and nothing overdue, 批评 for a unit with a late closure or an overdue open task, "" else.
    Columns in: unit_code, unit_name, status. Sorted: 表扬 first (most early/on time), then the rest, then 批评."""
    if tasks.empty:
        return pd.DataFrame(columns=BULLETIN_COLUMNS)
    frame = tasks.assign(
        total=1,
        closed_early=tasks["status"].eq(str(TaskStatus.CLOSED_EARLY)).astype(int),
        closed_on_time=tasks["status"].eq(str(TaskStatus.CLOSED_ON_TIME)).astype(int),
        closed_late=tasks["status"].eq(str(TaskStatus.CLOSED_LATE)).astype(int),
        overdue_open=tasks["status"].eq(str(TaskStatus.OVERDUE)).astype(int))
    out = frame.groupby(["unit_code", "unit_name"], sort=False)[
        ["total", "closed_early", "closed_on_time", "closed_late", "overdue_open"]].sum().reset_index()
    good = out["closed_early"] + out["closed_on_time"]
    closed = good + out["closed_late"]
    out["on_time_rate"] = (good / closed.where(closed > 0) * 100).round(1)
    bad = (out["closed_late"] + out["overdue_open"]) > 0
    out["list"] = np.where(bad, "批评", np.where(good > 0, "表扬", ""))
    order = np.where(out["list"].eq("表扬"), 0, np.where(out["list"].eq("批评"), 2, 1))
    out = out.assign(_order=order, _good=-good, _bad=-(out["closed_late"] + out["overdue_open"]))
    out = out.sort_values(["_order", "_good", "_bad", "unit_code"], kind="stable").drop(columns=["_order", "_good", "_bad"])
    out = out[BULLETIN_COLUMNS].reset_index(drop=True)
    return out.astype(object).where(out.notna(), None)


def progress_due(received: dt.date, deadline_day: dt.date, limit_working_days: int | None, time_class: str,
                 rule: ProgressRule) -> list[dt.date]:
    """The days progress reports are due for one task (the case engine's rule, whose job reminds of them)."""
    return case_calc.progress_due(received, deadline_day, limit_working_days, time_class, rule)


def report_month_before(period_key: str) -> str:
    """'2017-10' → '2017-09': the month whose meetings' decisions the report of `period_key` lists."""
    year, month = int(period_key[:4]), int(period_key[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
