"""The pure rules, table-driven, each expectation worked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from newind.accountability import calc
from newind.cases.sla import TZ


@pytest.mark.parametrize(("deadline_day", "as_of", "late"), [
    # 2017-09-25 (Mon): 09-26…09-29 are 4 working days, the 调休 Saturday 09-30 the 5th, reached at 24:00.
    ("2017-09-25", "2017-09-30T10:00", 4),
    ("2017-09-25", "2017-10-01T00:00", 5),
    # the 国庆/中秋 holiday adds nothing: still 5 on 10-08; 10-09 is the 6th, complete at 24:00 (10-10 00:00)
    ("2017-09-25", "2017-10-09T23:00", 5),
    ("2017-09-25", "2017-10-10T00:00", 6),
    ("2017-09-29", "2017-09-29T12:00", 0),  # not late yet
])
def test_working_days_late(deadline_day, as_of, late) -> None:  # type: ignore[no-untyped-def]
    moment = dt.datetime.fromisoformat(as_of).replace(tzinfo=TZ)
    got = calc.working_days_late(pd.Series([dt.date.fromisoformat(deadline_day)]), moment)
    assert int(got[0]) == late
    assert bool(calc.past_last_rung(got, 5)[0]) == (late >= 5)


def test_late_report_counts() -> None:
    rows = pd.DataFrame([
        # unit 1: one late (submitted the day after), one missing, one on time on its last day
        {"unit_id": 1, "deadline": "2017-03-10", "submitted_on": "2017-03-11", "period_label": "1—2月"},
        {"unit_id": 1, "deadline": "2017-04-10", "submitted_on": None, "period_label": "1—3月"},
        {"unit_id": 1, "deadline": "2017-05-10", "submitted_on": "2017-05-10", "period_label": "1—4月"},
        # unit 2: nothing submitted, but the deadline has not passed on `today`: neither late nor missing
        {"unit_id": 2, "deadline": "2017-07-10", "submitted_on": None, "period_label": "1—6月"},
        # unit 3: one late only
        {"unit_id": 3, "deadline": "2017-03-10", "submitted_on": "2017-03-20", "period_label": "1—2月"},
    ])
    counts = calc.late_report_counts(rows, dt.date(2017, 7, 1))
    assert counts.to_dict("records") == [
        {"unit_id": 1, "late": 1, "missing": 1, "total": 2, "periods": "1—2月迟报、1—3月缺报"},
        {"unit_id": 3, "late": 1, "missing": 0, "total": 1, "periods": "1—2月迟报"}]
    assert calc.repeatedly_late(counts)["unit_id"].tolist() == [1]


@pytest.mark.parametrize(("state", "found", "expected"), [
    ("open", True, ("open", False)),
    ("acknowledged", True, ("acknowledged", False)),
    ("resolved", True, ("open", True)),
    ("resolved", False, ("resolved", False)),
])
def test_a_resolved_alert_reopens_when_found_again(state, found, expected) -> None:  # type: ignore[no-untyped-def]
    assert calc.alert_transition(state, found) == expected


@pytest.mark.parametrize(("state", "action", "expected"), [
    ("open", "acknowledge", "acknowledged"), ("open", "resolve", "resolved"),
    ("acknowledged", "resolve", "resolved"), ("acknowledged", "acknowledge", None),
    ("resolved", "resolve", None), ("resolved", "acknowledge", None),
])
def test_the_moves_people_make(state, action, expected) -> None:  # type: ignore[no-untyped-def]
    assert calc.alert_move(state, action) == expected


def test_fingerprint_and_subscribers() -> None:
    assert calc.fingerprint("red_light", "target:3", "2017") == "red_light|target:3|2017"
    assert calc.subscribers_text(["市领导", "", "市工信局管理员"]) == "（订阅人：市领导、市工信局管理员）"
    assert calc.subscribers_text([]) == ""


@pytest.mark.parametrize(("head", "direct", "leader", "expected"), [
    ("局长甲", "李四", "张市长", "局长甲（直接责任人：李四）"),
    ("局长甲", "", "张市长", "局长甲"),
    ("", "李四", "张市长", "李四"),
    ("", "", "张市长", "张市长"),
    ("", "", "", "（未登记主要负责人）"),
])
def test_who_answers_for_a_stalled_project(head, direct, leader, expected) -> None:  # type: ignore[no-untyped-def]
    assert calc.project_person(head, direct, leader) == expected
