"""target_progress, warning_list and the decomposition query on a small database."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.indicators.queries import office_month
from newind.targets.models import Target, WarningScheme
from newind.targets.queries import (
    PROGRESS_COLUMNS,
    decomposition,
    target_progress,
    warning_list,
)
from newind.units.models import Unit

from .factories import va_history, write_monthly

pytestmark = pytest.mark.django_db


def make_target(code: str, unit: str, value: float, kind: str = "hard", ttype: str = "level") -> Target:
    return Target.objects.create(indicator=Indicator.objects.get(code=code), unit=Unit.objects.get(code=unit),
                                 year=2017, kind=kind, target_type=ttype, value=Decimal(str(value)))


@pytest.fixture
def small(reference_data):
    # Two counties growing 10% a year; 2016 totals 121 and 60.5 → 2017 on track for 133.1 and 66.55.
    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=4)


def test_progress_columns_and_arithmetic(small):
    make_target("industrial_va_above_size", "430621", 133.1)  # exactly on the trend
    make_target("industrial_va_above_size", "430623", 100.0)  # far too high
    f = target_progress(Period.parse("2017-03"))
    assert list(f.columns) == PROGRESS_COLUMNS
    on = f[f["unit_code"] == "430621"].iloc[0]
    profile_3 = 0.062 + 0.058 + 0.083
    total = 0.062 + 0.058 + 0.083 + 0.082 + 0.085 + 0.088 + 0.080 + 0.082 + 0.090 + 0.092 + 0.096 + 0.102
    assert on["actual"] == pytest.approx(133.1 * profile_3 / total, rel=1e-3)
    assert on["schedule_pct"] == pytest.approx(25.0)  # 序时进度 1—3月 = 3/12
    assert on["completion_pct"] == pytest.approx(on["actual"] / 133.1 * 100)
    assert on["gap_pts"] == pytest.approx(25.0 - on["completion_pct"])
    # The seasonal-naive forecast recovers the year exactly; the target is met → green with a note.
    assert on["forecast"] == pytest.approx(133.1, rel=1e-3)
    assert on["light"] == "green" and on["light_label"] == "绿灯" and "容差" in on["light_reason"]
    assert on["target_kind_label"] == "硬指标" and on["period_label"] == "2017年1—3月"
    assert on["is_synthetic"]
    far = f[f["unit_code"] == "430623"].iloc[0]
    assert far["light"] == "red" and far["prob_meet"] == 0.0 and "可能性仅0%" in far["light_reason"]


def test_first_release_1_2月_uses_two_twelfths(small):
    make_target("industrial_va_above_size", "430621", 133.1)
    row = target_progress(Period.parse("2017-02")).iloc[0]
    assert row["schedule_pct"] == pytest.approx(2 / 12 * 100)


def test_last_year_profile_setting_on_the_target(small):
    t = make_target("industrial_va_above_size", "430621", 133.1)
    t.schedule_basis = "last_year"
    t.save()
    row = target_progress(Period.parse("2017-03")).iloc[0]
    assert row["schedule_basis"] == "last_year" and row["schedule_basis_label"] == "上年同期进度"
    assert row["schedule_pct"] == pytest.approx(row["completion_pct"], rel=1e-3)  # exactly on last year's pace
    assert row["gap_pts"] == pytest.approx(0.0, abs=0.05)


def test_growth_target_reads_the_published_growth_indicator(reference_data):
    write_monthly("industrial_va_above_size_growth_pct", {"430621": {2016: [7.0] * 11, 2017: [6.5, 6.0]}})
    make_target("industrial_va_above_size_growth_pct", "430621", 8.0, ttype="growth")
    row = target_progress(Period.parse("2017-03")).iloc[0]
    assert row["actual"] == 6.0 and row["actual_indicator_code"] == "industrial_va_above_size_growth_pct"
    assert row["gap_pts"] == pytest.approx(2.0)  # points of growth short of the target
    assert row["light"] == "yellow"
    # A growth rate is not "done" by the calendar: no 序时进度 is shown (was a misleading 100%).
    assert pd.isna(row["schedule_pct"])


def test_a_unit_without_figures_gets_no_light(small):
    make_target("industrial_va_above_size", "430624", 50.0)
    row = target_progress(Period.parse("2017-03")).iloc[0]
    assert row["light"] == "none" and row["light_label"] == "无数据"


def test_the_year_rule_set_is_used(small):
    make_target("industrial_va_above_size", "430621", 140.0, kind="stretch")
    assert target_progress(Period.parse("2017-03")).iloc[0]["rule_set"] == "default"
    WarningScheme.objects.create(year=2017, rule_set="strict-5-15")
    row = target_progress(Period.parse("2017-03")).iloc[0]
    assert row["rule_set"] == "strict-5-15" and row["light"] == "yellow"  # stretch forecast to miss


def test_warning_list_changes_and_order(small):
    make_target("industrial_va_above_size", "430621", 133.1)
    make_target("industrial_va_above_size", "430623", 100.0)
    w = warning_list(Period.parse("2017-04"))
    assert w["unit_code"].tolist() == ["430623"]  # the green one is not a warning
    assert w.iloc[0]["change"] == "持续红灯" and w.iloc[0]["previous_light"] == "red"
    first = warning_list(Period.parse("2017-02"))
    assert first.iloc[0]["change"] == "新亮红灯"  # no earlier period in the year
    # The targets pages open on the office's month, the same one as the dashboard (`office_month`).
    assert office_month() == Period.month(2017, 4)


def test_decomposition_query_shows_the_shortfall(reference_data):
    city = Unit.objects.get(code="430600")
    make_target("industrial_va_above_size", "430600", 1000.0)
    make_target("industrial_va_above_size", "430621", 600.0)
    make_target("industrial_va_above_size", "430623", 380.0)
    make_target("industrial_va_above_size", "P430606", 200.0)  # a park inside 华容县: shown, not added
    d = decomposition(Indicator.objects.get(code="industrial_va_above_size"), 2017, "hard", city)
    assert d["check"].message == "分解合计比全市目标少 20.00亿元：请补足分解任务，或调整全市目标。"
    assert d["children_count"] == 13 and d["missing"] == 11
    assert d["parks_sum"] == 200.0


def test_growth_target_on_a_level_without_a_published_rate(reference_data):
    # 工业税收 has no growth indicator: its growth is computed from the two cumulative figures (nominal).
    from .factories import seasonal_cum

    write_monthly("industrial_tax", {"430621": {2015: seasonal_cum(9.0), 2016: seasonal_cum(10.0),
                                                2017: seasonal_cum(11.0, last_n=3)}})
    make_target("industrial_tax", "430621", 12.0, ttype="growth")
    row = target_progress(Period.parse("2017-03")).iloc[0]
    assert row["actual"] == pytest.approx(10.0, rel=1e-3)  # 1—3月 11 vs 10 on the same profile
    assert row["forecast"] == pytest.approx(10.0, rel=1e-2)  # seasonal naive: 11.0 for the year, +10%
    assert row["gap_pts"] == pytest.approx(2.0, rel=1e-2) and row["light"] == "red"  # cannot reach 12%
    assert row["prob_meet"] == 0.0


def test_stock_target_counts_the_planned_increase(reference_data):
    # 规模工业企业数 is a stock: 100 at the end of 2016, target 112; 103 by 1—3月 is a quarter of the way.
    write_monthly("above_size_enterprises", {"430621": {2016: [95.0] * 10 + [100.0], 2017: [101.0, 103.0]}})
    make_target("above_size_enterprises", "430621", 112)
    row = target_progress(Period.parse("2017-03")).iloc[0]
    assert row["completion_pct"] == pytest.approx(25.0)
    assert row["schedule_pct"] == pytest.approx(25.0) and row["gap_pts"] == pytest.approx(0.0)
