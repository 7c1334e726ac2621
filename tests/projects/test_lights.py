"""The project lights read from the database, and their place in the targets' warning list.

Hand-made set (period 1—6月 2017, end 2017-06-30):
  P1 planned start 2017-03, not started             → 开工 red (6−3 = 3 months)
  P2 planned start 2017-05, not started             → 开工 yellow (1 month)
  P3 started 2017-05-10, not 入库, reported 1—6月    → 入库 yellow (1 month)
  P4 started 2016-03, 入库, last report 1—4月         → 停滞 red (May, June missed); a superseded (not current)
                                                       1—6月 row does not count
  P5 started 2016-03, 入库, 1—6月 ytd 1,800 of 10,000 → 投资 red (18% vs 50%: 32 points > 30, gap-only);
                                                       1—5月 1,500: 15% vs 5/12 = 41.7% → 26.7 behind, yellow
  P6 stopped 2017-04-01 (环保整改), not resumed        → 停工 yellow, no stalled light
  P7 completed 2017-01                               → nothing
"""

from __future__ import annotations

import pytest

from newind.indicators.periods import Period
from newind.projects.lights import lights_block, project_lights, red_projects
from newind.targets.queries import warning_list
from tests.projects.lights_fixtures import plan, progress, project, stop, unit

pytestmark = pytest.mark.django_db
JUNE = Period.month(2017, 6)


@pytest.fixture
def hand_set() -> dict[str, object]:
    a, b = unit("C-A", "甲县"), unit("C-B", "乙区")
    dept = unit("D-X", "市发改委", "department")
    s = {
        "p1": project("P1", a, stages={"started": ("2017-03-15", None)}, responsible=dept),
        "p2": project("P2", a, stages={"started": ("2017-05-01", None)}),
        "p3": project("P3", b, stage="started", stages={"started": ("2017-05-01", "2017-05-10")}),
        "p4": project("P4", b, stage="in_stats", stages={"started": (None, "2016-03-01"), "in_stats": (None, "2016-05-01")}),
        "p5": project("P5", b, stage="in_stats", stages={"started": (None, "2016-03-01"), "in_stats": (None, "2016-05-01")}),
        "p6": project("P6", a, stage="in_stats", stages={"started": (None, "2016-03-01"), "in_stats": (None, "2016-05-01")}),
        "p7": project("P7", a, stage="completed", stages={"started": (None, "2016-03-01"),
                                                          "completed": (None, "2017-01-20")}),
    }
    progress(s["p3"], 2017, 6, 500)
    progress(s["p4"], 2017, 4, 900)
    progress(s["p4"], 2017, 6, 1200, current=False)
    progress(s["p5"], 2017, 5, 1500)
    progress(s["p5"], 2017, 6, 1800)
    plan(s["p5"], 2017, 10000)
    stop(s["p6"], "2017-04-01", "环保整改")
    stop(s["p6"], "2016-11-01", "资金困难", resumed="2016-12-01")
    return s


def test_every_light_of_the_hand_set(hand_set) -> None:  # type: ignore[no-untyped-def]
    frame = project_lights(JUNE)
    got = sorted(zip(frame["code"], frame["kind"], frame["light"], frame["reason"], strict=True))
    assert got == [
        ("P1", "start", "red", "计划2017年3月开工，已逾期3个月未开工"),
        ("P2", "start", "yellow", "计划2017年5月开工，已逾期1个月未开工"),
        ("P3", "registration", "yellow", "2017年5月开工，已1个月未入库纳统"),
        ("P4", "stalled", "red", "最近一次报送进度为2017年1—4月，已连续2个月未报送进度"),
        ("P5", "investment", "red", "年度计划投资10,000万元，1—6月完成1,800万元（占年计划18.0%，序时进度50.0%），"
                                    "落后进度32.0个百分点（超过30个百分点）"),
        ("P6", "stopped", "yellow", "2017年4月1日停工：环保整改"),
    ]
    assert list(frame["light"]).index("yellow") > max(i for i, v in enumerate(frame["light"]) if v == "red")
    p1 = frame[frame["code"] == "P1"].iloc[0]
    assert (p1["county_code"], p1["county_name"], p1["leader_name"], p1["responsible_unit_name"]) == (
        "C-A", "甲县", "张市长", "市发改委")


def test_a_month_earlier_the_lights_differ(hand_set) -> None:  # type: ignore[no-untyped-def]
    # 1—5月: P1 2 months late (yellow); P2 planned May → 0 months (yellow); P3 0 months since start; P4 1 missed;
    # P5 26.7 points behind (yellow); P6 stopped since April.
    frame = project_lights(Period.month(2017, 5))
    assert sorted(zip(frame["code"], frame["kind"], frame["light"], strict=True)) == [
        ("P1", "start", "yellow"), ("P2", "start", "yellow"), ("P5", "investment", "yellow"),
        ("P6", "stopped", "yellow")]
    p5 = frame[frame["code"] == "P5"].iloc[0]
    assert p5["gap_pts"] == pytest.approx(5 / 12 * 100 - 15.0)


def test_red_projects_and_scope(hand_set) -> None:  # type: ignore[no-untyped-def]
    red = red_projects(JUNE)
    assert [(r["code"], r["kinds"], r["county_name"]) for r in red] == [
        ("P1", ["开工滞后"], "甲县"), ("P4", ["进度停滞"], "乙区"), ("P5", ["投资滞后序时"], "乙区")]
    assert red[0]["leader_name"] == "张市长" and red[0]["reasons"] == "计划2017年3月开工，已逾期3个月未开工"
    assert {r["code"] for r in red_projects("2017-06", unit_codes=["C-B"])} == {"P4", "P5"}


def test_the_project_page_block(hand_set) -> None:  # type: ignore[no-untyped-def]
    block = lights_block(hand_set["p6"], JUNE)
    assert block["period_label"] == JUNE.label and block["stopped"] is True
    assert [(i["kind_label"], i["light_label"]) for i in block["items"]] == [("停工", "黄灯")]
    assert lights_block(hand_set["p7"], JUNE)["items"] == []
    # Without a period: the latest month with a current report (1—6月 2017).
    assert lights_block(hand_set["p1"])["period_label"] == JUNE.label


def test_project_lights_join_the_warning_list_with_their_change(hand_set) -> None:  # type: ignore[no-untyped-def]
    """No targets at all: the list is the projects' lights, each with its change since 1—5月."""
    listed = warning_list(JUNE)
    rows = {r.target_id: (r.light, r.change) for r in listed.itertuples()}
    p = {k: v.pk for k, v in hand_set.items()}  # type: ignore[attr-defined]
    assert rows == {
        f"project:{p['p1']}:start": ("red", "由黄转红"),
        f"project:{p['p2']}:start": ("yellow", "持续黄灯"),
        f"project:{p['p3']}:registration": ("yellow", "新亮黄灯"),
        f"project:{p['p4']}:stalled": ("red", "新亮红灯"),
        f"project:{p['p5']}:investment": ("red", "由黄转红"),
        f"project:{p['p6']}:stopped": ("yellow", "持续黄灯"),
    }
    assert list(listed["light"][:3]) == ["red"] * 3
    first = listed.iloc[0]
    assert first["target_kind_label"] == "重大项目" and first["indicator_name"].startswith("重大项目「")
    # A county's scope keeps its own projects; a choice of indicators is about targets only.
    assert set(warning_list(JUNE, unit_codes=["C-A"])["unit_code"]) == {"C-A"}
    assert warning_list(JUNE, indicator_codes=["industrial_output"]).empty


def test_a_light_gone_out_shows_as_turned_green(hand_set) -> None:  # type: ignore[no-untyped-def]
    from tests.projects.lights_fixtures import ProjectStage

    # P2 starts in June: its 1—5月 yellow start light is gone in 1—6月 (and it reported, so no stalled light).
    ProjectStage.objects.filter(project=hand_set["p2"]).update(actual_on="2017-06-10")
    progress(hand_set["p2"], 2017, 6, 100)  # type: ignore[arg-type]
    listed = warning_list(JUNE)
    row = listed[listed["target_id"] == f"project:{hand_set['p2'].pk}:start"].iloc[0]  # type: ignore[attr-defined]
    assert (row["light"], row["change"], row["previous_light"]) == ("green", "转绿", "yellow")
