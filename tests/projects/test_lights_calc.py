"""The project light rules (issue 12 §4) against hand calculations, at the boundary months.

Period: 1—6月 2017 (as of 2017-06-30) unless a row says otherwise. Thresholds: definitions/projects/lights.yaml
(start yellow from 0 months after the planned month, red from 3; registration yellow from 1, red from 2;
stalled red from 2 reporting months without a report; investment by the gap-only rules 10 / 30 points).
"""

from __future__ import annotations

import pandas as pd
import pytest

from newind.core.errors import AppError
from newind.projects import calc
from newind.targets.rules import rule_set

CONFIG = calc.LightConfig("t", "测试", calc.Threshold(0, 3), calc.Threshold(1, 2), calc.Threshold(None, 2), "gap-only")
NaT = pd.NaT


def facts(**over: object) -> pd.DataFrame:
    row: dict[str, object] = {"project_id": 1, "planned_start": NaT, "started_on": NaT, "started": False,
                              "in_stats": False, "completed": False, "stopped": False, "stopped_on": NaT,
                              "stop_reason": None, "last_year": float("nan"), "last_month": float("nan"),
                              "plan": float("nan"), "ytd": float("nan")}
    row.update(over)
    for k in ("planned_start", "started_on", "stopped_on"):
        row[k] = pd.Timestamp(row[k]) if row[k] is not NaT else NaT
    return pd.DataFrame([row])


def lights(frame: pd.DataFrame, year: int = 2017, month: int = 6) -> list[tuple[str, str, str]]:
    out = calc.project_lights_frame(frame, year, month, CONFIG, rule_set("gap-only"))
    return list(zip(out["kind"], out["light"], out["reason"], strict=True))


# Start: months after the planned month, not started by 2017-06-30.
@pytest.mark.parametrize(("planned", "expected"), [
    ("2017-07-01", []),  # planned month not yet come
    ("2017-06-15", [("start", "yellow", "计划2017年6月开工，截至2017年6月底尚未开工")]),  # 6−6 = 0 → yellow
    ("2017-04-30", [("start", "yellow", "计划2017年4月开工，已逾期2个月未开工")]),  # 6−4 = 2 → still yellow
    ("2017-03-01", [("start", "red", "计划2017年3月开工，已逾期3个月未开工")]),  # 6−3 = 3 → red
    ("2016-12-20", [("start", "red", "计划2016年12月开工，已逾期6个月未开工")]),  # (2017·12+6)−(2016·12+12) = 6
])
def test_start_light_by_months_after_the_planned_month(planned: str, expected: list[tuple[str, str, str]]) -> None:
    assert lights(facts(planned_start=planned)) == expected


def test_a_started_or_completed_project_has_no_start_light() -> None:
    # Started in July (after the period's end) is not started at 2017-06-30: the caller passes started=False.
    assert lights(facts(planned_start="2017-01-01", started=True, started_on="2017-02-10", in_stats=True,
                        last_year=2017, last_month=6)) == []
    assert lights(facts(planned_start="2017-01-01", completed=True)) == []


# Registration (入库纳统): months since the start month, started but not in the statistics.
@pytest.mark.parametrize(("started", "expected"), [
    ("2017-06-05", []),  # 0 months: none
    ("2017-05-31", [("registration", "yellow", "2017年5月开工，已1个月未入库纳统")]),  # 1 → yellow
    ("2017-04-01", [("registration", "red", "2017年4月开工，已2个月未入库纳统")]),  # 2 → red
])
def test_registration_light_by_months_since_the_start(started: str, expected: list[tuple[str, str, str]]) -> None:
    # Reported this month, so no stalled light.
    assert lights(facts(started=True, started_on=started, last_year=2017, last_month=6)) == expected


# Stalled: reporting months (1—2月 is one) without a current report, for a started, open project.
@pytest.mark.parametrize(("year", "month", "last", "expected"), [
    (2017, 6, (2017, 6), []),  # reported this month: 0
    (2017, 6, (2017, 5), []),  # 1 month missed (June): none
    (2017, 6, (2017, 4), [("stalled", "red", "最近一次报送进度为2017年1—4月，已连续2个月未报送进度")]),  # May, June
    # 1—2月 2018 after December 2017: one reporting month missed (the 1—2月 report), not two calendar months.
    (2018, 2, (2017, 12), []),
    (2018, 3, (2017, 12), [("stalled", "red", "最近一次报送进度为2017年1—12月，已连续2个月未报送进度")]),
])
def test_stalled_counts_reporting_months(year: int, month: int, last: tuple[int, int],
                                         expected: list[tuple[str, str, str]]) -> None:
    f = facts(started=True, started_on="2016-03-01", in_stats=True, last_year=last[0], last_month=last[1])
    assert lights(f, year, month) == expected


def test_stalled_without_any_report_counts_from_the_start_month() -> None:
    # Started May 2017, no report: May and June are due → 2 → red; started June → 1 → none.
    assert lights(facts(started=True, started_on="2017-05-20", in_stats=True)) == [
        ("stalled", "red", "2017年5月开工以来未报送进度（2个月）")]
    assert lights(facts(started=True, started_on="2017-06-02", in_stats=True)) == []


def test_a_stopped_project_is_shown_as_stopped_without_stalled_or_investment_lights() -> None:
    f = facts(started=True, started_on="2016-03-01", in_stats=True, stopped=True, stopped_on="2017-03-10",
              stop_reason="环保整改", plan=10000.0, ytd=0.0)
    assert lights(f) == [("stopped", "yellow", "2017年3月10日停工：环保整改")]


# Investment: ytd ÷ plan against 序时进度 6/12 = 50%, gap-only rules (yellow ≥ 10 behind, red > 30).
@pytest.mark.parametrize(("ytd", "light", "text"), [
    (4100.0, None, ""),  # 41% → 9 points behind: green (not listed)
    (4000.0, "yellow", "（占年计划40.0%，序时进度50.0%），落后进度10.0个百分点（10—30个百分点）"),  # 10.0 is yellow
    (2000.0, "yellow", "（占年计划20.0%，序时进度50.0%），落后进度30.0个百分点（10—30个百分点）"),  # 30.0 still yellow
    (1900.0, "red", "（占年计划19.0%，序时进度50.0%），落后进度31.0个百分点（超过30个百分点）"),
])
def test_investment_light_uses_the_targets_rules(ytd: float, light: str | None, text: str) -> None:
    f = facts(started=True, started_on="2016-03-01", in_stats=True, last_year=2017, last_month=6, plan=10000.0,
              ytd=ytd)
    got = lights(f)
    if light is None:
        assert got == []
    else:
        assert got == [("investment", light, f"年度计划投资10,000万元，1—6月完成{ytd:,.0f}万元{text}")]


def test_investment_with_the_strict_rules_is_yellow_from_5_points() -> None:
    f = facts(started=True, started_on="2016-03-01", in_stats=True, last_year=2017, last_month=6, plan=10000.0,
              ytd=4500.0)  # 45% → 5.0 behind
    out = calc.project_lights_frame(f, 2017, 6, CONFIG, rule_set("strict-5-15"))
    assert list(out["light"]) == ["yellow"] and out["gap_pts"].iloc[0] == pytest.approx(5.0)


def test_several_lights_of_one_project_red_first() -> None:
    f = facts(started=True, started_on="2017-03-01", last_year=2017, last_month=3, plan=10000.0)
    # Not in the statistics for 3 months (red); last report 1—3月: April, May, June missed (3 → red).
    assert [(k, light) for k, light, _ in lights(f)] == [("registration", "red"), ("stalled", "red")]


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "x", "start": {"yellow_from": 3, "red_from": 1}, "registration": {"red_from": 2},
      "stalled": {"red_from": 2}, "investment": {"rule_set": "gap-only"}}, "黄灯月数大于红灯月数"),
    ({"code": "x", "start": {"red_from": -1}, "registration": {}, "stalled": {}, "investment": {"rule_set": "a"}},
     "不小于0的整数"),
    ({"code": "x", "start": {}, "registration": {}, "stalled": {}}, "investment.rule_set"),
    ({"code": "x", "start": {"green": 1}, "registration": {}, "stalled": {}, "investment": {"rule_set": "a"}},
     "格式不对"),
])
def test_bad_light_configs_are_refused_in_chinese(data: dict[str, object], message: str) -> None:
    with pytest.raises(AppError, match=message):
        calc.parse_light_config(data)


def test_report_index_is_consecutive_over_the_year_end() -> None:
    assert calc.report_index(2018, 2) - calc.report_index(2017, 12) == 1
    assert calc.report_index(2017, 1) == calc.report_index(2017, 2)  # January is in the 1—2月 report
    assert calc.month_index(2017, 3) - calc.month_index(2016, 12) == 3
