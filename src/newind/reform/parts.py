"""Reform and action task lists in the monthly report and on the leaders' dashboard (newind.core.parts;
issue 13 §3): each list's weighted progress against its 序时 (planned) progress with its light, and the tasks
behind plan, at the end of the report's month (or today for the running month).

Only the lists of the report's year take part; a year without a list adds no section and no card."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from django.utils import timezone

from newind.core.parts import Column, DashboardCard, DomainPart, OverviewPart, Section, Table, cell
from newind.reform import calc, queries

NAME = "reform"
HEADING = "改革与行动任务推进情况"
BEHIND_ROWS = 20  # the report lists at most this many tasks behind plan (red first, then by gap)
CARD_ROWS = 6


def period_end(period: Any) -> dt.date:
    """The last day a period (annual, 1–N月, 1–N季度 cumulative) covers."""
    kind = str(getattr(period, "kind", "Y"))
    n = int(getattr(period, "n", 0) or 0)
    month = 12 if n == 0 else (3 * n if kind.upper().startswith("Q") else n)
    return dt.date(period.year, month, calendar.monthrange(period.year, month)[1])


def _tasks(user: Any, year: int) -> Any:
    from newind.accounts.access import reform_tasks_in_scope
    from newind.reform.models import ReformTask

    # The CLI and the jobs (user None) build the city's report: every task.
    base = ReformTask.objects.all() if user is None else reform_tasks_in_scope(user)
    return base.filter(task_set__year=year)


def overview_part(period: Any, user: Any, city_code: str) -> OverviewPart:
    as_of = min(period_end(period), timezone.localdate())
    frame = queries.tasks_frame(_tasks(user, period.year), as_of)
    if frame.empty:
        return OverviewPart(frames={"sets": pd.DataFrame(), "behind": pd.DataFrame(), "meta": pd.DataFrame()})
    sets = queries.rollup(frame, "task_set_id", as_of).sort_values("set_code", kind="stable")
    behind = calc.sort_by_severity(frame[frame["light"].isin(["red", "yellow"])])
    meta = pd.DataFrame([{"as_of": as_of, "tasks": len(frame), "red": int(frame["light"].eq("red").sum()),
                          "yellow": int(frame["light"].eq("yellow").sum())}])
    synthetic = bool(frame["is_synthetic"].astype(bool).any())
    return OverviewPart(frames={"sets": sets.reset_index(drop=True), "behind": behind.reset_index(drop=True),
                                "meta": meta}, sources=[queries.SOURCE], is_synthetic=synthetic)


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _pct(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}%"


def _num(value: Any) -> Any:
    return None if value is None or pd.isna(value) else round(float(value), 1)


def report_sections(overview: Any, note: Callable[[str], str]) -> list[Section]:
    meta = overview.part_frame(NAME, "meta")
    if meta.empty:
        return []
    sets, behind = overview.part_frame(NAME, "sets"), overview.part_frame(NAME, "behind")
    m = meta.iloc[0]
    as_of = m["as_of"]
    lists = "、".join(f"{r.set_name}完成{_pct(r.progress_pct)}（序时{_pct(r.expected_pct)}，{r.light_label}）"
                     for r in sets.itertuples())
    text = (f"截至{_day(as_of)}，{len(sets)}个改革与行动任务清单共{int(m['tasks'])}项任务：{lists}。"
            + (f"落后序时进度的任务{int(m['red']) + int(m['yellow'])}项，其中亮红灯{int(m['red'])}项、"
               f"亮黄灯{int(m['yellow'])}项。" if int(m["red"]) + int(m["yellow"]) else "各项任务均未落后序时进度。"))
    rule = ("完成进度为已完成节点的权重占比，序时进度为已到计划日期的节点的权重占比，清单进度按任务权重加权；"
            "落后10—30个百分点亮黄灯，超过30个百分点亮红灯。")
    tables = [Table("改革任务清单", f"改革与行动任务清单推进情况（截至{_day(as_of)}）",
                    [Column("任务清单"), Column("任务（项）", "number", 0), Column("完成进度（%）", "number", 1),
                     Column("序时进度（%）", "number", 1), Column("落后（百分点）", "number", 1),
                     Column("落后任务（项）", "number", 0), Column("预警", "light")],
                    [[r.set_name, cell(r.tasks), _num(r.progress_pct), _num(r.expected_pct), _num(r.gap_pts),
                      cell(r.behind), r.light] for r in sets.itertuples()], note(rule))]
    if not behind.empty:
        shown = behind.head(BEHIND_ROWS)
        more = len(behind) - len(shown)
        tables.append(Table("落后改革任务", f"落后序时进度的改革任务（截至{_day(as_of)}）",
                            [Column("任务清单"), Column("编号", "code"), Column("任务"), Column("牵头单位"),
                             Column("完成进度（%）", "number", 1), Column("序时进度（%）", "number", 1),
                             Column("预警", "light")],
                            [[r.set_name, r.code, r.title, r.owner_name, _num(r.progress_pct), _num(r.expected_pct),
                              r.light] for r in shown.itertuples()],
                            note(rule + (f"另有{more}项落后任务未列出，见「改革任务」页面。" if more else ""))))
    return [Section(HEADING, [text], tables)]


def dashboard_cards(overview: Any, screen: bool) -> list[DashboardCard]:
    """One card in the normal mode (the meeting-room screen keeps its one screen for the figures)."""
    meta = overview.part_frame(NAME, "meta")
    if screen or meta.empty:
        return []
    sets, behind = overview.part_frame(NAME, "sets"), overview.part_frame(NAME, "behind")
    return [DashboardCard("reform/dashboard_card.html", {
        "as_of": meta.iloc[0]["as_of"], "sets": sets.to_dict("records"),
        "behind": behind.head(CARD_ROWS).to_dict("records"), "more": max(0, len(behind) - CARD_ROWS),
        "synthetic": bool(sets["is_synthetic"].astype(bool).any()),
    })]


PART = DomainPart(name=NAME, order=75, overview=overview_part, report_sections=report_sections,
                  dashboard_cards=dashboard_cards)
