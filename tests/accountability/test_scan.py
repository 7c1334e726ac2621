"""The scan lists exactly the hand-made causes (conftest.py says which and why), once: a re-scan adds nothing,
a later month re-checks the same entries; every entry is audited and has its history."""

from __future__ import annotations

import pytest

from newind.accountability.models import AccountabilityEntry, AccountabilityEvent
from newind.accountability.services import scan
from newind.audit.models import AuditEntry
from newind.cases.sla import day_of_deadline
from tests.cases.conftest import at

pytestmark = pytest.mark.django_db


def _entries() -> list[tuple[str, str, str, str, str]]:
    # By cause, then the episode's period, then the object: not by the object's text alone, whose ids sort as
    # text ("project:10" before "project:9") and differ between databases.
    return sorted(((e.cause, e.object_ref, e.period, e.unit.name, e.responsible_person)
                   for e in AccountabilityEntry.objects.select_related("unit")), key=lambda t: (t[0], t[2], t[1]))


def test_a_task_is_listed_only_once_past_the_last_rung_of_its_ladder(tasks, units, clock) -> None:  # type: ignore[no-untyped-def]
    late = tasks.late.case
    # By hand (conftest): deadline 2017-09-25 24:00; the 5th working day after it is the 调休 Saturday 09-30.
    assert str(day_of_deadline(late.close_deadline)) == "2017-09-25"
    result = scan("2017-09", now=at("2017-09-30T10:00"))  # 4 working days late: the 3rd rung, not past the last
    assert result.created == [] and _entries() == []
    result = scan("2017-09", now=at("2017-10-09T10:00"))  # judged at the period's end, 24:00 of 09-30: 5 days
    assert _entries() == [("overdue_task", f"case:{late.pk}", "2017-09-25", "市发展和改革委员会", "主任示例局长甲")]
    entry = AccountabilityEntry.objects.get()
    assert entry.case_id == late.pk and entry.status == "open"
    assert entry.reason == (f"督办事项 {late.code}「完成园区标准厂房报建手续」办结时限为 2017-09-25 24:00，截至2017年9月30日"
                            "已逾期 5 个工作日，超过逾期升级阶梯最后一级（逾期 5 个工作日报分管市领导督办）仍未办结。")


def test_the_stalled_project_is_listed_with_its_responsible_person(stalled, units) -> None:  # type: ignore[no-untyped-def]
    scan("2017-06", now=at("2017-07-15T10:00"))
    assert _entries() == [("stalled_project", f"project:{stalled.p4.pk}", "2017-04", "市发展和改革委员会",
                           "主任示例局长甲（直接责任人：李四）")]
    entry = AccountabilityEntry.objects.get()
    assert entry.project_id == stalled.p4.pk
    assert entry.reason == "重大项目「P4项目」（P4）进度停滞：最近一次报送进度为2017年1—4月，已连续2个月未报送进度"


def test_a_unit_with_two_late_or_missing_reports_is_listed(reports) -> None:  # type: ignore[no-untyped-def]
    scan("2017-06", now=at("2017-07-15T10:00"))
    assert _entries() == [("late_reports", f"unit:{reports.jia.pk}", "2017", "甲县", "县长王五")]
    assert AccountabilityEntry.objects.get().reason == (
        "甲县2017年月度报表迟报 1 次、缺报 1 次（1—2月迟报、1—3月缺报），合计 2 次，达到一年内 2 次及以上的问责标准。")


def test_rescanning_adds_nothing_and_a_later_month_rechecks(tasks, stalled, reports, units) -> None:  # type: ignore[no-untyped-def]
    first = scan("2017-09", now=at("2017-10-09T10:00"))
    # 2017-09 as of 09-30 24:00: the task; P4 (last report 1—4月: 5 months) and now P5 too (last report 1—6月:
    # July, August, September missed); 甲县. P5 has no responsible unit or person and 乙区 no head on record:
    # its county and its 联点市领导.
    late, p4, p5 = tasks.late.case, stalled.p4, stalled.p5
    assert _entries() == [
        ("late_reports", f"unit:{reports.jia.pk}", "2017", "甲县", "县长王五"),
        ("overdue_task", f"case:{late.pk}", "2017-09-25", "市发展和改革委员会", "主任示例局长甲"),
        ("stalled_project", f"project:{p4.pk}", "2017-04", "市发展和改革委员会", "主任示例局长甲（直接责任人：李四）"),
        ("stalled_project", f"project:{p5.pk}", "2017-06", "乙区", "张市长")]
    events, audits = AccountabilityEvent.objects.count(), AuditEntry.objects.filter(
        action="accountability.entry.create").count()
    assert len(first.created) == 4 and events == 4 and audits == 4
    again = scan("2017-09", now=at("2017-10-09T10:00"))
    assert again.created == [] and again.updated == [] and again.unchanged == 4
    assert AccountabilityEntry.objects.count() == 4 and AccountabilityEvent.objects.count() == 4
    later = scan("2017-10", now=at("2017-11-01T10:00"))
    # The same four episodes (same fingerprints): the task is later and the projects have missed more months,
    # so their sentences change (an 更新 line each); 甲县's count did not change.
    assert later.created == [] and sorted(e.cause for e in later.updated) == [
        "overdue_task", "stalled_project", "stalled_project"]
    assert AccountabilityEntry.objects.count() == 4
    task_entry = AccountabilityEntry.objects.get(cause="overdue_task")
    # By hand: the working days after 09-25 up to 10-31: 09-26…09-30 (5, the 调休 Saturday included), the
    # 国庆/中秋 holiday 10-01…10-08 (none), 10-09…10-31 (17) → 22.
    assert "已逾期 22 个工作日" in task_entry.reason and task_entry.times_found == 2
    assert list(task_entry.events.values_list("kind", flat=True)) == ["created", "updated"]
    assert AuditEntry.objects.filter(action="accountability.entry.update").count() == 3
    assert AuditEntry.objects.filter(action="accountability.scan").count() == 3


def test_the_job_runs_the_scan(tasks, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from newind.jobs.registry import enqueue

    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue("accountability.scan", period="2017-09", at=at("2017-10-09T10:00").isoformat())
    run.refresh_from_db()
    assert run.state == "succeeded", run.summary
    assert run.summary.startswith("2017年1—9月问责清单扫描：新列入 1 条（督办事项逾期超过升级阶梯 1 条）")
    assert AccountabilityEntry.objects.count() == 1
