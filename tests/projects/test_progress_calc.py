"""The monthly progress checks (projects.calc, pure): each compared with a hand calculation."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from newind.projects.calc import (
    ERROR,
    EXPLAIN,
    check_progress,
    month_label,
    progress_shares,
    refuse_month,
    reports_progress,
)

NAN = float("nan")


def frame(**overrides: list[object]) -> pd.DataFrame:
    """One project, 甲项目（XM1）: total 50,000, plan 12,000, 1—2月 published (ytd 2,000, since start 10,000)."""
    base: dict[str, list[object]] = {
        "project_id": [1], "project": ["甲项目（XM1）"], "month_investment": [1500.0], "ytd_investment": [3500.0],
        "since_start_investment": [11500.0], "funds_in_place": [NAN], "explanation": [""],
        "total_investment": [50000.0], "year_plan": [12000.0], "prev_month": [2.0], "prev_ytd": [2000.0],
        "prev_since_start": [10000.0], "next_month": [NAN], "next_ytd": [NAN], "next_since_start": [NAN],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def run(rows: pd.DataFrame, month: int = 3, complete: bool = True) -> list[tuple[str, str, str]]:
    return [(i.field, i.kind, i.message) for i in check_progress(rows, month=month, share_bound_pct=30,
                                                                 max_amount=1e8, require_complete=complete)]


def test_a_consistent_row_passes() -> None:
    # 3,500 = 2,000 (1—2月) + 1,500 (March); 11,500 = 10,000 + 1,500 ≤ 50,000; 1,500 ÷ 12,000 = 12.5 % ≤ 30 %.
    assert run(frame()) == []


def test_a_cumulative_figure_never_falls_within_the_year() -> None:
    issues = run(frame(ytd_investment=[1900.0], since_start_investment=[9999.0], month_investment=[0.0]))
    assert [(f, k) for f, k, _ in issues] == [("ytd_investment", ERROR), ("since_start_investment", ERROR)]
    assert "「甲项目（XM1）」的「年初至报告期累计」为 1,900.00万元，低于已发布的1—2月累计 2,000.00万元" in issues[0][2]
    assert "「开工至报告期累计」为 9,999.00万元，低于已发布的1—2月累计 10,000.00万元" in issues[1][2]
    # Equal to last month's is allowed (no investment this month).
    assert run(frame(month_investment=[0.0], ytd_investment=[2000.0], since_start_investment=[10000.0])) == []


def test_a_correction_may_not_exceed_the_next_published_month() -> None:
    # Correcting 1—3月 while 1—4月 is published at ytd 4,000 / since start 12,000.
    rows = frame(next_month=[4.0], next_ytd=[4000.0], next_since_start=[12000.0], ytd_investment=[4000.01])
    issues = run(rows)
    assert [(f, k) for f, k, _ in issues] == [("ytd_investment", ERROR)]
    assert "高于已发布的1—4月累计 4,000.00万元" in issues[0][2]


def test_since_start_cannot_exceed_the_total_investment() -> None:
    issues = run(frame(since_start_investment=[50000.01]))
    assert [(f, k) for f, k, _ in issues] == [("since_start_investment", ERROR)]
    assert "超过项目总投资 50,000.00万元" in issues[0][2]
    assert run(frame(since_start_investment=[50000.0])) == []  # exactly the total is fine


def test_a_month_over_30_percent_of_the_plan_needs_an_explanation() -> None:
    # 30 % of 12,000 is 3,600: 3,600 passes, 3,700 (30.8 %) needs a 说明.
    assert run(frame(month_investment=[3600.0], ytd_investment=[5600.0], since_start_investment=[13600.0])) == []
    rows = frame(month_investment=[3700.0], ytd_investment=[5700.0], since_start_investment=[13700.0])
    issues = run(rows)
    assert [(f, k) for f, k, _ in issues] == [("explanation", EXPLAIN)]
    assert "占年度计划投资 12,000.00万元 的 30.8%，超过30%" in issues[0][2]
    rows["explanation"] = ["设备集中到货"]
    assert run(rows) == []
    # Without a plan the share is not checked (no denominator).
    assert run(frame(year_plan=[NAN], month_investment=[3700.0], ytd_investment=[5700.0],
                     since_start_investment=[13700.0])) == []


def test_the_threshold_is_the_definitions() -> None:
    rows = frame(month_investment=[2500.0], ytd_investment=[4500.0], since_start_investment=[12500.0])
    # 2,500 ÷ 12,000 = 20.8 %: over a 20 % bound, under 30 %.
    strict = check_progress(rows, month=3, share_bound_pct=20, max_amount=1e8, require_complete=True)
    assert [i.kind for i in strict] == [EXPLAIN] and "超过20%" in strict[0].message
    assert run(rows) == []


def test_negative_figures_are_refused() -> None:
    issues = run(frame(funds_in_place=[-5.0]))
    assert [(f, k) for f, k, _ in issues] == [("funds_in_place", ERROR)]
    assert issues[0][2] == "「甲项目（XM1）」的「累计到位资金」为 -5.00万元：投资和资金不能为负数，请核对。"


def test_blank_figures_are_refused_only_when_submitting() -> None:
    rows = frame(month_investment=[NAN], ytd_investment=[NAN], since_start_investment=[NAN])
    assert run(rows, complete=False) == []
    assert [f for f, _, _ in run(rows)] == ["month_investment", "ytd_investment", "since_start_investment"]


def test_month_2_is_1_to_2_and_its_ytd_equals_the_month() -> None:
    first = frame(prev_month=[NAN], prev_ytd=[NAN], prev_since_start=[NAN], month_investment=[2000.0],
                  ytd_investment=[2000.0], since_start_investment=[10000.0])
    assert run(first, month=2) == []
    first["ytd_investment"] = [2100.0]
    issues = run(first, month=2)
    assert [(f, k) for f, k, _ in issues] == [("ytd_investment", ERROR)]
    assert "1—2月为全年第一期" in issues[0][2]
    assert refuse_month(1) is not None and "1—2月合并" in str(refuse_month(1))
    assert refuse_month(2) is None and refuse_month(12) is None and refuse_month(13) is not None
    assert month_label(2) == "1—2月" and month_label(7) == "1—7月"


def test_the_checks_run_over_many_rows_at_once() -> None:
    rows = pd.concat([frame(), frame(project_id=[2], project=["乙项目（XM2）"], ytd_investment=[1000.0],
                                     month_investment=[1000.0])], ignore_index=True)
    issues = check_progress(rows, month=3, share_bound_pct=30, max_amount=1e8, require_complete=True)
    assert [(i.project_id, i.field) for i in issues] == [(2, "ytd_investment")]


def test_the_shares_are_computed() -> None:
    out = progress_shares(frame())
    # 3,500 ÷ 12,000 × 100 = 29.1666…; 11,500 ÷ 50,000 × 100 = 23.
    assert out["pct_of_year_plan"][0] == pytest.approx(3500 / 12000 * 100) and out["pct_of_total"][0] == 23.0
    none = progress_shares(frame(year_plan=[NAN], total_investment=[0.0]))
    assert math.isnan(none["pct_of_year_plan"][0]) and math.isnan(none["pct_of_total"][0])


@pytest.mark.parametrize(("stage", "since", "listed"), [
    ("planning", None, False), ("negotiating", None, False), ("signed", None, True), ("started", None, True),
    ("producing", dt.date(2015, 1, 1), True), ("full_production", dt.date(2016, 12, 31), False),
    ("full_production", dt.date(2017, 1, 1), True), ("full_production", None, True),
])
def test_which_projects_report(stage: str, since: dt.date | None, listed: bool) -> None:
    assert reports_progress(stage, since, 2017) is listed
