"""Reform progress and lights by hand calculation (reform.calc on plain frames; no database)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from newind.reform import calc
from newind.targets.rules import rule_set

D = dt.date
AS_OF = D(2017, 6, 30)


def _milestones() -> pd.DataFrame:
    return pd.DataFrame([
        # task 1: weights 1, 1, 2; two planned by 30 June (weight 2 of 4 = 50%), one done (1 of 4 = 25%)
        (1, 1, D(2017, 3, 31), D(2017, 3, 20)),
        (1, 1, D(2017, 6, 30), None),
        (1, 2, D(2017, 12, 31), None),
        # task 2: equal weights, 4 milestones; 1 planned by then (25%), 2 done (50%, ahead)
        (2, 1, D(2017, 5, 31), D(2017, 5, 1)),
        (2, 1, D(2017, 8, 31), D(2017, 6, 1)),
        (2, 1, D(2017, 10, 31), None),
        (2, 1, D(2017, 12, 31), None),
        # task 3: everything planned by then (100%), nothing done (0%), one done after the date does not count
        (3, 3, D(2017, 4, 30), D(2017, 7, 15)),
        (3, 1, D(2017, 6, 1), None),
    ], columns=calc.MILESTONE_COLUMNS)


def test_task_progress_is_the_done_weight_share_and_expected_the_planned_weight_share():
    out = calc.task_progress(_milestones(), AS_OF)
    assert out.loc[1, "progress_pct"] == pytest.approx(25.0)  # 1 / (1+1+2)
    assert out.loc[1, "expected_pct"] == pytest.approx(50.0)  # (1+1) / 4
    assert out.loc[1, "gap_pts"] == pytest.approx(25.0)
    assert out.loc[2, "progress_pct"] == pytest.approx(50.0) and out.loc[2, "expected_pct"] == pytest.approx(25.0)
    assert out.loc[3, "progress_pct"] == pytest.approx(0.0) and out.loc[3, "expected_pct"] == pytest.approx(100.0)
    # Overdue: planned before the date and not done by it (task 1's second milestone is due that very day).
    assert list(out["overdue"]) == [0, 0, 2]
    assert list(out["done"]) == [1, 2, 0]


def test_lights_use_the_targets_rules_with_a_chinese_sentence():
    progress = calc.task_progress(_milestones(), AS_OF)
    out = calc.with_lights(progress, rule_set(), AS_OF)
    # 25 points behind → yellow (10—30); 25 ahead → green; 100 behind → red (> 30).
    assert list(out["light"]) == ["yellow", "green", "red"]
    assert out.loc[1, "light_text"] == ("截至2017年6月30日，按计划应完成50.0%（已到计划日期的节点权重占比），实际完成25.0%，"
                                        "落后进度25.0个百分点（10—30个百分点），亮黄灯。")
    assert "快于进度25.0个百分点" in out.loc[2, "light_text"]
    assert out.loc[3, "light_reason"] == "落后进度100.0个百分点（超过30个百分点）"


def test_the_boundaries_are_the_targets_boundaries():
    # 10.0 behind is yellow, 9.99 green; 30.0 is yellow, 30.01 red (definitions/warning_rules/default.yaml).
    frame = pd.DataFrame({"gap_pts": [9.99, 10.0, 30.0, 30.01], "progress_pct": 0.0, "expected_pct": 0.0})
    assert list(calc.with_lights(frame, rule_set(), AS_OF)["light"]) == ["green", "yellow", "yellow", "red"]


def test_set_progress_is_weighted_by_task_weight():
    progress = calc.with_lights(calc.task_progress(_milestones(), AS_OF), rule_set(), AS_OF).reset_index()
    tasks = progress.assign(weight=[2.0, 1.0, 1.0], set_id=[7, 7, 8])
    out = calc.weighted_progress(tasks, "set_id")
    # set 7: (2 × 25 + 1 × 50) / 3 = 33.33…; expected (2 × 50 + 1 × 25) / 3 = 41.67; behind: task 1 (yellow)
    assert out.loc[7, "progress_pct"] == pytest.approx(100 / 3)
    assert out.loc[7, "expected_pct"] == pytest.approx(125 / 3)
    assert out.loc[7, "gap_pts"] == pytest.approx(25 / 3)
    assert (out.loc[7, "tasks"], out.loc[7, "behind"]) == (2, 1)
    assert out.loc[8, "progress_pct"] == pytest.approx(0.0) and out.loc[8, "behind"] == 1
    lit = calc.with_lights(out, rule_set(), AS_OF)
    assert list(lit["light"]) == ["green", "red"]  # 8.3 points behind is within the 10-point tolerance


def test_a_task_without_milestones_has_no_light_and_does_not_count_in_its_set():
    tasks = pd.DataFrame({"set_id": [1, 1], "weight": [1.0, 5.0], "progress_pct": [40.0, None],
                          "expected_pct": [40.0, None], "light": ["green", "none"]})
    out = calc.weighted_progress(tasks, "set_id")
    assert out.loc[1, "progress_pct"] == pytest.approx(40.0) and out.loc[1, "tasks"] == 2
    lit = calc.with_lights(tasks.assign(gap_pts=[0.0, None]), rule_set(), AS_OF)
    assert lit.loc[1, "light"] == "none" and lit.loc[1, "light_text"] == "截至2017年6月30日，尚未排定任务节点，无法判断进度。"
