"""Long supervision tasks owe a progress report by the 5th of each month (年度任务: each quarter), and the case
engine's job `cases.notify` reminds the owner unit of it (definitions/sla/supervision.yaml `progress`).

Hand calculation (2017 calendar, working days):
  A 复杂疑难事项 (30 working days, > 20 → monthly reports) received Wed 2017-11-01 10:00: November 2, 3 (2),
    6–10 (7), 13–17 (12), 20–24 (17), 27–30 (21), 12-01 (22), 12-04…12-08 (27), 12-11, 12, 13 (30)
    → due 2017-12-13 24:00. Reports due: 12-05 only (01-05 is after the deadline).
  The reminder (remind 2 working days → 1 working day before): Mon 12-04 at the opening, 08:30, until
    12-05 24:00.
  B is the same task, but its owner replied with progress (答复进展) on 12-01: it owes no reminder.
  C 会议纪要事项 (20 working days, not > 20): no reports.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newind.cases.calc import progress_reminders_due
from newind.cases.choices import NoticeKind
from newind.cases.models import CaseNotice
from newind.cases.sla import load_profile
from newind.jobs.registry import enqueue
from newind.supervision import services
from tests.cases.conftest import at

PROFILE = load_profile("supervision")


def _due(now: str, *, state: str = "in_progress", time_class: str = "difficult", received: str = "2017-11-01T10:00",
         deadline: str = "2017-12-14T00:00", reported: tuple[str, ...] = ()) -> list[tuple[str, dt.datetime, dt.datetime]]:
    out = progress_reminders_due(state=state, received_at=at(received), close_deadline=at(deadline),
                                 time_class=time_class, profile=PROFILE, now=at(now),
                                 reported_at=[at(r) for r in reported])
    return [(d.kind, d.deadline, d.due_at) for d in out]


def test_the_reminder_window_runs_from_the_working_day_before_to_the_end_of_the_5th() -> None:
    assert _due("2017-12-04T08:00") == []
    expected = [(NoticeKind.PROGRESS, at("2017-12-06T00:00"), at("2017-12-04T08:30"))]
    assert _due("2017-12-04T08:30") == expected
    assert _due("2017-12-05T23:00") == expected
    assert _due("2017-12-06T00:00") == []


def test_a_progress_reply_since_the_first_of_the_month_meets_it() -> None:
    assert _due("2017-12-04T09:00", reported=("2017-12-01T10:00",)) == []
    # a reply in November reports on November's first weeks, not the month: still owed
    assert len(_due("2017-12-04T09:00", reported=("2017-11-28T10:00",))) == 1


def test_short_classes_closed_and_reviewed_tasks_owe_nothing() -> None:
    assert _due("2017-12-04T09:00", time_class="minutes") == []
    assert _due("2017-12-04T09:00", time_class="urgent") == []
    assert _due("2017-12-04T09:00", state="closed") == []
    assert _due("2017-12-04T09:00", state="review") == []
    assert _due("2017-12-04T09:00", time_class="") == []


def test_annual_tasks_report_each_quarter() -> None:
    # received Mon 2017-02-06, due at the year's last working day (12-29 24:00): reports 04-05, 07-05, 10-05.
    # 07-05 is a Wednesday: the reminder is Tue 07-04 08:30.
    kwargs = {"time_class": "annual", "received": "2017-02-06T10:00", "deadline": "2017-12-30T00:00"}
    assert _due("2017-07-04T08:00", **kwargs) == []
    assert _due("2017-07-04T09:00", **kwargs) == [(NoticeKind.PROGRESS, at("2017-07-06T00:00"), at("2017-07-04T08:30"))]
    assert _due("2017-06-05T09:00", **kwargs) == []  # June is not the first month of a quarter


@pytest.mark.django_db
def test_the_job_reminds_the_owner_once(people, units, clock, login, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    def task(title: str, urgency: str):  # type: ignore[no-untyped-def]
        return services.create_task(title=title, description=f"{title}（测试）", owner_unit=units.fgw,
                                    source_kind="document", source_ref="岳政发〔2017〕5号", urgency=urgency,
                                    user=people.office, received_at=at("2017-11-01T10:00"))

    a, b, c = task("推进园区循环化改造", "difficult"), task("完善园区污水管网", "difficult"), task("清理闲置用地", "minutes")
    assert a.case.close_deadline == at("2017-12-14T00:00")
    fgw = login("fgw")
    clock.set("2017-11-02T09:00")
    assert fgw.post(f"/cases/{b.case_id}/act/", {"action": "accept"}).status_code == 302
    clock.set("2017-12-01T10:00")
    assert fgw.post(f"/cases/{b.case_id}/act/", {"action": "reply", "note": "已完成管网招标"}).status_code == 302

    def run(when: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            job = enqueue("cases.notify", at=at(when).isoformat())
        job.refresh_from_db()
        assert job.state == "succeeded", job.summary
        return str(job.summary)

    def progress() -> list[CaseNotice]:
        return list(CaseNotice.objects.filter(kind=NoticeKind.PROGRESS))

    run("2017-12-04T08:00")
    assert progress() == []
    summary = run("2017-12-04T09:00")
    notices = progress()
    assert [n.case_id for n in notices] == [a.case_id] and "进展报告提醒 1 条" in summary
    notice = notices[0]
    assert notice.recipient == "市发展和改革委员会" and notice.deadline == at("2017-12-06T00:00")
    assert notice.due_at == at("2017-12-04T08:30")
    assert "请于 2017年12月5日前报送上月办理进展" in notice.message and a.case.code in notice.message
    run("2017-12-05T10:00")
    assert len(progress()) == 1  # recorded once
    assert not CaseNotice.objects.filter(case_id__in=[b.case_id, c.case_id], kind=NoticeKind.PROGRESS).exists()
    from newind.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="case.notice.progress", object_id=str(notice.pk)).exists()
