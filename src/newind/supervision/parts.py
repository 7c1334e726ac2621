"""The monthly report's 上月调度会议定事项落实情况 section (newind.core.parts; issue 13 §1): the next month's
report lists the decisions of the previous month's dispatch meetings and the status of the tasks they became
(judged at the end of the report's month, or now for the running month)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from newind.cases.sla import end_of_day, to_local
from newind.core.parts import Column, DomainPart, OverviewPart, Section, Table
from newind.supervision import calc, queries
from newind.supervision.choices import TaskStatus

NAME = "supervision"
HEADING = "上月调度会议定事项落实情况"
SOURCE = "本平台调度会议与督办事项记录"


def _as_of(period: Any) -> dt.datetime:
    from newind.cases.services import clock

    end = end_of_day(queries.month_bounds(f"{period.year}-{period.n:02d}")[1])
    return min(end, to_local(clock()))


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    if str(getattr(period, "kind", "")) != "M" or not getattr(period, "n", 0):
        return OverviewPart(frames={"decisions": pd.DataFrame(columns=queries.DECISION_COLUMNS)})
    previous = calc.report_month_before(f"{period.year}-{period.n:02d}")
    moment = _as_of(period)
    frame = queries.decisions_of_month(previous, as_of=moment)
    frame.attrs["month"] = previous
    return OverviewPart(frames={"decisions": frame, "meta": pd.DataFrame([{"month": previous,
                                                                            "as_of": moment}])},
                        sources=[SOURCE] if not frame.empty else [],
                        is_synthetic=bool(frame["is_synthetic"].astype(bool).any()) if not frame.empty else False)


def _month_label(key: str) -> str:
    return f"{int(key[:4])}年{int(key[5:7])}月"


def report_sections(overview: Any, note: Callable[[str], str]) -> list[Section]:
    decisions = overview.part_frame(NAME, "decisions")
    meta = overview.part_frame(NAME, "meta")
    if meta.empty:
        return []
    month = _month_label(str(meta.iloc[0]["month"]))
    as_of = to_local(meta.iloc[0]["as_of"])
    as_of_text = f"{(as_of - dt.timedelta(seconds=1)):%Y年%-m月%-d日}"
    if decisions.empty:
        # No meeting on record last month: no section (a city that does not record its meetings here gets
        # the report it had; whether heads chair their meetings is judged on /leaders/).
        return []
    counts = decisions["status"].value_counts()
    closed = sum(int(counts.get(str(s), 0)) for s in (TaskStatus.CLOSED_EARLY, TaskStatus.CLOSED_ON_TIME,
                                                       TaskStatus.CLOSED_LATE))
    overdue = int(counts.get(str(TaskStatus.OVERDUE), 0))
    sent_back = int(counts.get(str(TaskStatus.SENT_BACK), 0))
    text = (f"{month}召开调度会议{decisions['meeting_title'].nunique()}次，议定事项{len(decisions)}项。截至{as_of_text}，"
            f"已办结销号{closed}项，逾期未办结{overdue}项，退回重办{sent_back}项，其余正在办理或审核中。")
    rows = [[r.meeting_title, f"{r.held_on:%Y-%m-%d}", r.text, r.owner_unit, r.deadline_text, r.case_code or "—",
             r.status_label] for r in decisions.itertuples()]
    table = Table("议定事项落实", f"{month}调度会议定事项落实情况（截至{as_of_text}）",
                  [Column("会议"), Column("日期"), Column("议定事项"), Column("责任单位"), Column("办结时限"),
                   Column("督办编号", "code"), Column("落实情况")],
                  rows, note(f"议定事项按会议转为督办事项，按督办时限方案计时（工作日）；落实情况为截至{as_of_text}的状态，"
                             "办结以申请销号并经审核、领导审定的时间计。"))
    return [Section(HEADING, [text], [table])]


PART = DomainPart(name=NAME, order=70, overview=overview_part, report_sections=report_sections)
