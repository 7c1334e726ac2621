"""Reform task lists in the monthly report and on the dashboard (reform.parts), against a hand calculation.

The list (milestone weights in brackets), read at the end of June 2017 (the report of 2017-06):
  YQ-01 园区标准化厂房建设, 岳阳县, task weight 2: 03-31 (1) done 03-30, 06-30 (1) not done, 12-31 (2)
        → done 1 of 4 = 25.0%; planned by 06-30: 2 of 4 = 50.0%; 25 points behind → yellow (10—30)
  YQ-02 园区污水处理设施, 云溪区, task weight 1: 05-31 (1) not done → 0.0%, expected 100.0% → red (> 30)
  The list: (2 × 25 + 1 × 0) ÷ 3 = 16.7%, expected (2 × 50 + 1 × 100) ÷ 3 = 66.7%, 50.0 behind → red.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newind.indicators.periods import Period
from newind.reform.models import Milestone, ReformTask, TaskSet
from newind.units.models import Unit
from tests.reports.conftest import demo_figures  # noqa: F401 (fixture)

# The monthly overview reads the figures too: the demo figures, as the report tests load them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_figures")]

SET_NAME = "2017年「园区十条」任务清单"


@pytest.fixture
def task_list(cast) -> TaskSet:  # type: ignore[no-untyped-def]
    D = dt.date
    task_set = TaskSet.objects.create(code="yqsj-2017", name=SET_NAME, year=2017, is_synthetic=True)
    a = ReformTask.objects.create(task_set=task_set, code="YQ-01", title="园区标准化厂房建设", weight=Decimal(2),
                                  owner_unit=Unit.objects.get(code="430621"), is_synthetic=True)
    b = ReformTask.objects.create(task_set=task_set, code="YQ-02", title="园区污水处理设施", weight=Decimal(1),
                                  owner_unit=Unit.objects.get(code="430603"), is_synthetic=True)
    Milestone.objects.bulk_create([
        Milestone(task=a, seq=1, title="完成规划选址", planned_on=D(2017, 3, 31), weight=1, done_on=D(2017, 3, 30)),
        Milestone(task=a, seq=2, title="厂房主体完工", planned_on=D(2017, 6, 30), weight=1),
        Milestone(task=a, seq=3, title="企业入驻", planned_on=D(2017, 12, 31), weight=2),
        Milestone(task=b, seq=1, title="设施建成", planned_on=D(2017, 5, 31), weight=1),
    ])
    return task_set


def _section(period: str):  # type: ignore[no-untyped-def]
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview

    overview = monthly_overview(Period.parse(period))
    content = build_content(overview, with_charts=False)
    found = [s for s in content.sections if s.heading.endswith("改革与行动任务推进情况")]
    return overview, content, (found[0] if found else None)


def test_the_report_lists_each_set_and_the_tasks_behind_plan(task_list) -> None:  # type: ignore[no-untyped-def]
    overview, content, section = _section("2017-06")
    assert section is not None
    assert section.paragraphs == [
        f"截至2017年6月30日，1个改革与行动任务清单共2项任务：{SET_NAME}完成16.7%（序时66.7%，红灯）。"
        "落后序时进度的任务2项，其中亮红灯1项、亮黄灯1项。"]
    sets, behind = section.tables
    assert sets.rows == [[SET_NAME, 2, 16.7, 66.7, 50.0, 2, "red"]]
    # red first, then yellow
    assert behind.rows == [[SET_NAME, "YQ-02", "园区污水处理设施", "云溪区", 0.0, 100.0, "red"],
                           [SET_NAME, "YQ-01", "园区标准化厂房建设", "岳阳县", 25.0, 50.0, "yellow"]]
    assert "改革与行动任务清单，各牵头单位报告的节点完成情况" in overview.sources and overview.is_synthetic
    assert "超过30个百分点亮红灯" in sets.note


def test_earlier_in_the_year_the_same_list_is_on_plan(task_list) -> None:  # type: ignore[no-untyped-def]
    # At 2017-03-31: YQ-01 planned 1 of 4 (25%), done 1 of 4 (25%); YQ-02 nothing planned yet (0%, 0%).
    # The list: (2 × 25 + 0) ÷ 3 = 16.7%, expected the same: on plan, green.
    _, _, section = _section("2017-03")
    assert section is not None
    assert section.tables[0].rows == [[SET_NAME, 2, 16.7, 16.7, 0.0, 0, "green"]]
    assert section.paragraphs[0].endswith("各项任务均未落后序时进度。") and len(section.tables) == 1


def test_a_year_without_a_list_has_no_section(task_list) -> None:  # type: ignore[no-untyped-def]
    from newind.reform.parts import overview_part

    part = overview_part(Period.parse("2016-06"), None, "430600")
    assert part.frames["meta"].empty and not part.sources
    _, content, section = _section("2016-06")
    assert section is None


def test_the_dashboard_card_shows_the_lists(task_list, client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("leader").get("/dashboard/?period=2017-06").content.decode()
    assert 'id="reform-card"' in page and SET_NAME in page and "完成 16.7%" in page
    assert "园区污水处理设施" in page
