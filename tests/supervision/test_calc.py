"""The pure rules of supervision (newind.supervision.calc), each against a hand calculation written here."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from newind.cases.sla import ProgressRule
from newind.supervision import calc
from tests.cases.conftest import at

# A deadline "2017-10-09 24:00" is stored as 00:00 of 10-10 (the engine's convention).
DEADLINE = at("2017-10-10T00:00")
NOW = at("2017-10-20T10:00")


@pytest.mark.parametrize(("state", "closed_at", "deadline", "expected"), [
    # closed before the deadline's day (10-09) began: 提前
    ("closed", at("2017-10-08T17:00"), DEADLINE, "closed_early"),
    # closed on the deadline's day: 按期
    ("closed", at("2017-10-09T15:00"), DEADLINE, "closed_on_time"),
    # exactly at 24:00 of the day still counts as on time (closed_at <= deadline)
    ("evaluated", at("2017-10-10T00:00"), DEADLINE, "closed_on_time"),
    # closed the day after: 逾期办结
    ("archived", at("2017-10-11T09:00"), DEADLINE, "closed_late"),
    # waiting for the office's review or the leader's window, even past the deadline: 销号审核中
    ("review", None, at("2017-10-01T00:00"), "review"),
    ("awaiting_leader", None, DEADLINE, "review"),
    # open past the deadline: 逾期未办结, whether it was sent back or not
    ("in_progress", None, at("2017-10-20T00:00"), "overdue"),
    ("redo", None, at("2017-10-20T00:00"), "overdue"),
    # sent back, deadline still ahead: 退回重办
    ("redo", None, at("2017-10-25T00:00"), "sent_back"),
    # open, deadline ahead: 办理中
    ("assigned", None, at("2017-10-25T00:00"), "open"),
])
def test_task_status_by_hand(state, closed_at, deadline, expected) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame([{"state": state, "closed_at": closed_at, "close_deadline": deadline}])
    assert calc.task_status(frame, NOW).tolist() == [expected]


def test_task_status_of_several_tasks_keeps_their_index() -> None:
    frame = pd.DataFrame([
        {"state": "closed", "closed_at": at("2017-10-09T15:00"), "close_deadline": DEADLINE},
        {"state": "in_progress", "closed_at": None, "close_deadline": DEADLINE},
    ], index=[7, 3])
    out = calc.task_status(frame, NOW)
    # NOW (10-20) is past the deadline: the open one is overdue.
    assert out.to_dict() == {7: "closed_on_time", 3: "overdue"}
    assert calc.task_status(frame.iloc[0:0], NOW).tolist() == []


def _tasks(*rows: tuple[str, str]) -> pd.DataFrame:
    names = {"A": "甲局", "B": "乙局", "C": "丙县", "D": "丁园区"}
    return pd.DataFrame([{"unit_code": u, "unit_name": names[u], "status": s} for u, s in rows])


def test_bulletin_lists_by_hand() -> None:
    frame = _tasks(("A", "closed_early"), ("A", "closed_on_time"),          # all good → 表扬
                   ("B", "closed_on_time"), ("B", "closed_late"),           # one late → 批评
                   ("C", "open"),                                           # nothing closed, nothing late → ""
                   ("D", "overdue"), ("D", "review"))                       # one overdue → 批评
    out = calc.bulletin_lists(frame)
    # Order by hand: 表扬 (A) first, then the unlisted (C), then 批评 by most good closures: B (1) before D (0).
    assert out["unit_code"].tolist() == ["A", "C", "B", "D"]
    rows = {r["unit_code"]: r for r in out.to_dict("records")}
    assert rows["A"] == {"unit_code": "A", "unit_name": "甲局", "total": 2, "closed_early": 1, "closed_on_time": 1,
                         "closed_late": 0, "overdue_open": 0, "on_time_rate": 100.0, "list": "表扬"}
    # B: (0 + 1) ÷ 2 closed × 100 = 50.0
    assert (rows["B"]["on_time_rate"], rows["B"]["list"], rows["B"]["closed_late"]) == (50.0, "批评", 1)
    # C and D closed nothing: no rate
    assert (rows["C"]["on_time_rate"], rows["C"]["list"], rows["C"]["total"]) == (None, "", 1)
    assert (rows["D"]["on_time_rate"], rows["D"]["list"], rows["D"]["overdue_open"], rows["D"]["total"]) == \
        (None, "批评", 1, 2)


def test_bulletin_rate_rounds_to_one_decimal() -> None:
    # 2 on time of 3 closed: 66.666… → 66.7
    out = calc.bulletin_lists(_tasks(("A", "closed_on_time"), ("A", "closed_early"), ("A", "closed_late")))
    assert out.iloc[0]["on_time_rate"] == 66.7 and out.iloc[0]["list"] == "批评"


def test_bulletin_of_no_tasks_is_empty_with_its_columns() -> None:
    out = calc.bulletin_lists(pd.DataFrame(columns=["unit_code", "unit_name", "status"]))
    assert out.empty and list(out.columns) == calc.BULLETIN_COLUMNS


RULE = ProgressRule(monthly_day=5, monthly_over_working_days=20, quarterly_classes=("annual",))


@pytest.mark.parametrize(("received", "deadline", "limit", "time_class", "expected"), [
    # 30 working days (> 20): the 5th of each month after March, up to the deadline 07-20
    (dt.date(2017, 3, 10), dt.date(2017, 7, 20), 30, "difficult",
     [dt.date(2017, 4, 5), dt.date(2017, 5, 5), dt.date(2017, 6, 5), dt.date(2017, 7, 5)]),
    # the deadline falls before the 5th of its month: that month owes nothing
    (dt.date(2017, 3, 10), dt.date(2017, 5, 4), 30, "document", [dt.date(2017, 4, 5)]),
    # 20 working days is not longer than 20: no monthly report
    (dt.date(2017, 3, 10), dt.date(2017, 4, 10), 20, "minutes", []),
    # no working-day limit (and not a quarterly class): none
    (dt.date(2017, 3, 10), dt.date(2017, 4, 10), None, "normal", []),
    # across the year end
    (dt.date(2017, 12, 20), dt.date(2018, 2, 10), 30, "difficult", [dt.date(2018, 1, 5), dt.date(2018, 2, 5)]),
    # 年度任务: the 5th of the first month of each later quarter (April, July, October)
    (dt.date(2017, 2, 1), dt.date(2017, 12, 31), None, "annual",
     [dt.date(2017, 4, 5), dt.date(2017, 7, 5), dt.date(2017, 10, 5)]),
    (dt.date(2017, 8, 1), dt.date(2017, 12, 31), None, "annual", [dt.date(2017, 10, 5)]),
])
def test_progress_due_by_hand(received, deadline, limit, time_class, expected) -> None:  # type: ignore[no-untyped-def]
    assert calc.progress_due(received, deadline, limit, time_class, RULE) == expected


@pytest.mark.parametrize(("key", "expected"), [("2017-10", "2017-09"), ("2017-01", "2016-12"), ("2018-12", "2018-11")])
def test_report_month_before(key: str, expected: str) -> None:
    assert calc.report_month_before(key) == expected
