"""The leaders' responsibility measures against a hand calculation on small frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from newind.leaders.calc import Rules, followed_lights, responsibility

D = dt.date
HEADS = pd.DataFrame([
    # head 1: 岳阳县 县长, user 11; head 2: 华容县 县长, user 21 (no user account: signs nothing)
    {"head_id": 1, "unit_id": 100, "unit_code": "430621", "unit_name": "岳阳县", "name": "张三", "post": "县长",
     "user_id": 11},
    {"head_id": 2, "unit_id": 200, "unit_code": "430623", "unit_name": "华容县", "name": "李四", "post": "县长",
     "user_id": None},
])


def test_followed_lights_within_the_window_only():
    lights = pd.DataFrame({"unit_id": [100, 100, 200], "lit_on": [D(2017, 4, 15), D(2017, 5, 15), D(2017, 4, 15)]})
    tasks = pd.DataFrame({"unit_id": [100, 200], "created_on": [D(2017, 4, 25), D(2017, 4, 26)]})
    # 4-15 → 4-25 is 10 days: in; 5-15 has no task after it; 200: 11 days: out.
    assert followed_lights(lights, tasks, 10).tolist() == [True, False, False]
    # A task filed before the light does not follow it.
    assert followed_lights(lights, pd.DataFrame({"unit_id": [100], "created_on": [D(2017, 4, 1)]}), 10).tolist() \
        == [False, False, False]


def test_responsibility_over_a_quarter_matches_the_hand_calculation():
    meetings = pd.DataFrame({"chair_id": [1, 1, 1, 1, 2], "kind": ["monthly", "monthly", "monthly", "special",
                                                                   "monthly"]})
    instructed = pd.DataFrame({"head_id": [1, 1, 2]})
    reports = pd.DataFrame({"unit_id": [100, 100, 100, 200, 200], "approved_by": [11, 11, 12, 22, None]})
    closures = pd.DataFrame({"unit_id": [100, 100, 100, 100], "closed_by": [11, 13, 13, 13]})
    lights = pd.DataFrame({"unit_id": [100, 100, 200], "lit_on": [D(2017, 7, 15), D(2017, 8, 15), D(2017, 7, 15)]})
    unit_tasks = pd.DataFrame({"unit_id": [100, 200], "created_on": [D(2017, 7, 20), D(2017, 9, 1)]})
    out = responsibility(HEADS, months=3, rules=Rules(meetings_per_month=1, follow_days=10), meetings=meetings,
                         tasks_instructed=instructed, reports=reports, closures=closures, lights=lights,
                         unit_tasks=unit_tasks).set_index("head_id")
    one, two = out.loc[1], out.loc[2]
    # Head 1: 3 月调度 of 3 required (the 专题 one does not count) → 100 %; 2 tasks instructed;
    # reports 2 of 3 signed → 66.7 %; closures 1 of 4 → 25.0 %; lights: 7-15 followed on 7-20, 8-15 not → 50 %.
    assert (one.meetings_chaired, one.meetings_required, one.meeting_rate) == (3, 3, 100.0)
    assert one.tasks_instructed == 2
    assert (one.reports_total, one.reports_signed, one.report_signoff_rate) == (3, 2, 66.7)
    assert (one.closures_total, one.closures_signed, one.closure_signoff_rate) == (4, 1, 25.0)
    assert (one.red_lights, one.red_followed, one.red_follow_rate) == (2, 1, 50.0)
    # score = mean(100, 66.7, 25, 50) = 241.7 / 4 = 60.425 → 60.4
    assert one.score == pytest.approx(60.4)
    # Head 2: 1 of 3 → 33.3 %; reports 0 of 2 (no account); no closures → no base; light not followed (48 days).
    assert (two.meetings_chaired, two.meeting_rate) == (1, 33.3)
    assert (two.reports_total, two.reports_signed, two.report_signoff_rate) == (2, 0, 0.0)
    assert two.closures_total == 0 and pd.isna(two.closure_signoff_rate)
    assert (two.red_lights, two.red_followed, two.red_follow_rate) == (1, 0, 0.0)
    # score = mean(33.3, 0.0, 0.0) = 11.1 (the closure share has no base and is left out)
    assert two.score == pytest.approx(11.1)
    assert one.summary.startswith("张三（岳阳县县长）：主持月调度会 3 次（应 3 次）")
    assert "10 日内跟进督办 1 个" in one.summary


def test_chairing_extra_meetings_does_not_make_up_for_a_month_without_one():
    meetings = pd.DataFrame({"chair_id": [1] * 5, "kind": ["monthly"] * 5})
    empty = pd.DataFrame(columns=["unit_id", "approved_by"])
    out = responsibility(HEADS, months=3, rules=Rules(), meetings=meetings, tasks_instructed=pd.DataFrame(
        columns=["head_id"]), reports=empty, closures=pd.DataFrame(columns=["unit_id", "closed_by"]),
        lights=pd.DataFrame(columns=["unit_id", "lit_on"]), unit_tasks=pd.DataFrame(columns=["unit_id", "created_on"]))
    row = out.set_index("head_id").loc[1]
    assert (row.meetings_chaired, row.meeting_rate) == (5, 100.0)
    # Only the meeting rate has a base: the score is that rate.
    assert row.score == 100.0 and "本单位无红灯" in row.summary
