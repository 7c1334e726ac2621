"""`calc.case_metrics` on plain frames: definitions of each figure, checked against hand counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from newind.cases.calc import METRIC_COLUMNS, METRIC_LABELS, case_metrics
from newind.cases.sla import TZ


def at(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ) if text else None


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"extensions_approved": 0, "rating": "", "closed_at": None, "group": "A"}
    records = [{**base, **r} for r in rows]
    for r in records:
        for key in ("received_at", "closed_at", "close_deadline"):
            r[key] = at(r[key]) if isinstance(r[key], str) or r[key] is None else r[key]
    return pd.DataFrame(records)


NOW = at("2018-03-01T12:00")
assert NOW is not None


def test_every_metric_has_a_chinese_label_with_its_unit():
    assert set(METRIC_LABELS) == set(METRIC_COLUMNS)
    assert METRIC_LABELS["closure_rate"] == "办结率（%）"
    assert METRIC_LABELS["avg_working_days_to_close"] == "平均办结用时（工作日）"


def test_a_case_closed_late_in_the_evening_counts_on_its_shanghai_day():
    # Received Friday 2018-02-09 10:00, closed Thursday 2018-02-22 23:30 Shanghai (15:30 UTC): working days
    # after 02-09 up to 02-22 are 02-11, 02-12, 02-13, 02-14, 02-22 = 5 (the festival does not count).
    # Its deadline 02-22 24:00 (5 WD, zhongshan): on time by 30 minutes.
    out = case_metrics(frame([{"state": "closed", "received_at": "2018-02-09T10:00", "closed_at": "2018-02-22T23:30",
                               "close_deadline": "2018-02-23T00:00"}]), ["group"], NOW)
    row = out.iloc[0]
    assert (row["avg_working_days_to_close"], row["closed_on_time"], row["overdue_done_late"]) == (5.0, 1, 0)


def test_closing_exactly_at_the_deadline_is_on_time_and_one_minute_later_is_late():
    rows = [
        {"state": "closed", "received_at": "2017-09-29T10:00", "closed_at": "2017-10-13T00:00",
         "close_deadline": "2017-10-13T00:00"},
        {"state": "closed", "received_at": "2017-09-29T10:00", "closed_at": "2017-10-13T00:01",
         "close_deadline": "2017-10-13T00:00"},
    ]
    row = case_metrics(frame(rows), ["group"], NOW).iloc[0]
    # 1 of 2 on time = 50.0%. Durations count the calendar day of the moment: a closure at 00:00 is on
    # 10-13 by the clock (only deadlines are written as 24:00 of the day before), so both took 09-30,
    # 10-09…10-13 = 6 working days.
    assert (row["closed_on_time"], row["on_time_rate"], row["overdue_done_late"]) == (1, 50.0, 1)
    assert row["avg_working_days_to_close"] == 6.0


@pytest.mark.parametrize(("state", "closed", "still_open"), [
    ("received", None, 1), ("assigned", None, 1), ("disputed", None, 1), ("in_progress", None, 1),
    ("extension_pending", None, 1), ("redo", None, 1),  # a redo is open again: overdue if past its deadline
    ("closed", "2017-10-20T10:00", 0), ("evaluated", "2017-10-20T10:00", 0), ("archived", "2017-10-20T10:00", 0),
])
def test_which_states_are_open(state, closed, still_open):
    row = case_metrics(frame([{"state": state, "received_at": "2017-09-29T10:00", "closed_at": closed,
                               "close_deadline": "2017-10-13T00:00"}]), ["group"], NOW).iloc[0]
    assert row["overdue_still_open"] == still_open
    assert row["closed"] == 1 - still_open
    assert row["closure_rate"] == (0.0 if still_open else 100.0)
    # Closed after the deadline: done late.
    assert row["overdue_done_late"] == 1 - still_open


def test_an_open_case_before_its_deadline_is_not_overdue():
    row = case_metrics(frame([{"state": "in_progress", "received_at": "2018-02-27T10:00",
                               "close_deadline": "2018-03-07T00:00"}]), ["group"], NOW).iloc[0]
    assert (row["overdue_still_open"], row["on_time_rate"], row["avg_working_days_to_close"]) == (0, None, None)


def test_rates_without_a_denominator_are_none_and_groups_are_separate():
    rows = [
        {"group": "A", "state": "in_progress", "received_at": "2018-02-27T10:00", "close_deadline": "2018-03-07T00:00"},
        {"group": "B", "state": "evaluated", "received_at": "2017-10-09T09:00", "closed_at": "2017-10-10T09:00",
         "close_deadline": "2017-10-17T00:00", "rating": "unsatisfied", "extensions_approved": 2},
        {"group": "B", "state": "evaluated", "received_at": "2017-10-09T09:00", "closed_at": "2017-10-11T09:00",
         "close_deadline": "2017-10-17T00:00", "rating": "basically_satisfied"},
        {"group": "B", "state": "closed", "received_at": "2017-10-09T09:00", "closed_at": "2017-10-12T09:00",
         "close_deadline": "2017-10-17T00:00"},
    ]
    out = {r["group"]: r for r in case_metrics(frame(rows), ["group"], NOW).to_dict("records")}
    a, b = out["A"], out["B"]
    assert (a["total"], a["closure_rate"], a["on_time_rate"], a["satisfaction_rate"], a["extension_rate"]) == (
        1, 0.0, None, None, 0.0)
    # B: 3 closed, all on time; 2 rated, 1 satisfied (基本满意 counts) = 50.0%; 1 extended (twice) of 3 = 33.3%;
    # working days 1, 2, 3 → 2.0.
    assert (b["total"], b["closure_rate"], b["on_time_rate"], b["rated"], b["satisfaction_rate"],
            b["extended"], b["extension_rate"], b["avg_working_days_to_close"]) == (
        3, 100.0, 100.0, 2, 50.0, 1, 33.3, 2.0)


def test_rounding_to_one_decimal():
    # 2 of 3 = 66.666…% → 66.7; 1 of 3 = 33.3.
    rows = [{"state": "closed", "received_at": "2017-10-09T09:00", "closed_at": c, "close_deadline": "2017-10-11T00:00"}
            for c in ("2017-10-10T09:00", "2017-10-10T10:00", "2017-10-12T10:00")]
    row = case_metrics(frame(rows), ["group"], NOW).iloc[0]
    assert (row["on_time_rate"], row["closure_rate"]) == (66.7, 100.0)


def test_grouping_by_two_columns():
    rows = [{"group": g, "month": m, "state": "closed", "received_at": "2017-10-09T09:00",
             "closed_at": "2017-10-10T09:00", "close_deadline": "2017-10-11T00:00"}
            for g, m in (("A", "2017-10"), ("A", "2017-10"), ("A", "2017-11"), ("B", "2017-10"))]
    out = case_metrics(frame(rows), ["group", "month"], NOW)
    assert [(r["group"], r["month"], r["total"]) for r in out.to_dict("records")] == [
        ("A", "2017-10", 2), ("A", "2017-11", 1), ("B", "2017-10", 1)]
