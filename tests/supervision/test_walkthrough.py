"""Issue 13's first "Done when", walked through the client: a month's dispatch meeting is recorded with its
report; two decisions become tasks; one closes through the 销号 checklist and the leader's window (the job
with the clock set), the other is sent back, then escalated by the jobs; next month's report lists both."""

from __future__ import annotations

import hashlib

import pytest

from newind.audit.models import AuditEntry
from newind.cases.choices import NoticeKind, State
from newind.cases.models import Case, CaseNotice
from newind.jobs.registry import enqueue
from newind.supervision.models import Decision, Meeting, SupervisionTask
from tests.cases.conftest import at

pytestmark = pytest.mark.django_db

PASS_ALL = {"facts_clear": "pass", "problem_solved": "pass", "task_done": "pass", "conclusion_accurate": "pass",
            "measures_lawful": "pass"}


def _notify(at_text: str, capture) -> str:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        run = enqueue("cases.notify", at=at(at_text).isoformat())
    run.refresh_from_db()
    assert run.state == "succeeded", run.summary
    return str(run.summary)


def test_a_month_walked_through_the_client(demo_figures, login, people, units, heads, clock, attachments_dir,
                                           django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    office, fgw, zrzy, leader = login("office"), login("fgw"), login("zrzy"), login("leader")
    clock.set("2017-09-05T15:00")

    # 1. The September dispatch meeting, with August's monthly dispatch report attached (rendered and kept).
    r = office.post("/supervision/meetings/new/", {
        "kind": "monthly", "held_on": "2017-09-05", "title": "2017年9月新型工业化月调度会", "chair": heads.mayor.pk,
        "attendees": [heads.fgw.pk, heads.zrzy.pk], "agenda": "通报8月运行情况；研究重点问题", "report_period": "2017-08"})
    assert r.status_code == 302, r.content.decode()[-3000:-1500]
    meeting = Meeting.objects.get()
    assert meeting.report_period == "2017-08" and meeting.report_name == "月度调度通报_2017-08.docx"
    data = office.get(f"/supervision/meetings/{meeting.pk}/report.docx")
    body = b"".join(data.streaming_content)  # type: ignore[attr-defined]
    assert data.status_code == 200 and hashlib.sha256(body).hexdigest() == meeting.report_sha256
    assert len(body) == meeting.report_size and body[:2] == b"PK"
    page = leader.get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert meeting.report_sha256 in page and "示例市长" in page

    # 2. Two decisions (会议纪要事项 20 working days; 紧急 3 working days) become tasks, one click each.
    for text, unit, urgency, days in (("完成园区标准厂房报建手续", units.fgw, "minutes", ""),
                                      ("解决重点企业用地指标", units.zrzy, "urgent", "3")):
        r = office.post(f"/supervision/meetings/{meeting.pk}/decisions/",
                        {"text": text, "owner_unit": unit.pk, "urgency": urgency, "urgent_days": days})
        assert r.status_code == 302
    first, second = Decision.objects.order_by("id")
    # By hand: 20 working days after Tue 09-05 — 18 in September to the 29th, the 调休 Saturday 09-30, then
    # 10-01…10-08 are holidays, so the 20th is Mon 10-09; 3 working days after 09-05 end on Fri 09-08.
    assert str(first.deadline) == "2017-10-09" and str(second.deadline) == "2017-09-08"
    for d in (first, second):
        r = office.post(f"/supervision/meetings/{meeting.pk}/decisions/{d.pk}/task/")
        assert r.status_code == 302
    again = office.post(f"/supervision/meetings/{meeting.pk}/decisions/{first.pk}/task/")
    assert again.status_code == 409  # one task per decision
    t1, t2 = SupervisionTask.objects.get(decision=first), SupervisionTask.objects.get(decision=second)
    assert t1.case.kind == "supervision" and t1.case.lead_unit == units.fgw and t1.source_kind == "decision"
    assert t1.instructing_head == heads.mayor and t1.instructing_leader == people.leader
    assert t1.case.state == State.ASSIGNED and t1.case.time_class == "minutes"
    assert t1.case.close_deadline == at("2017-10-10T00:00") and t2.case.close_deadline == at("2017-09-09T00:00")

    # 3a. 市发改委 accepts, asks for 销号; the plain 办结 is refused for a supervision task.
    clock.set("2017-09-06T10:00")
    assert fgw.post(f"/cases/{t1.case_id}/act/", {"action": "accept"}).status_code == 302
    clock.set("2017-09-20T10:00")
    refused = fgw.post(f"/cases/{t1.case_id}/act/", {"action": "close"})
    assert refused.status_code == 409 and "申请销号" in refused.content.decode()
    assert fgw.post(f"/cases/{t1.case_id}/act/", {"action": "submit_closure", "note": "手续已办结"}).status_code == 302
    # The office reviews the five items, all passed: the leader's window of 3 working days begins.
    clock.set("2017-09-21T10:00")
    r = office.post(f"/supervision/tasks/{t1.pk}/review/", PASS_ALL)
    assert r.status_code == 302
    case1 = Case.objects.get(pk=t1.case_id)
    assert case1.state == State.AWAITING_LEADER
    # The job at 09-26 23:00 (window: 09-22, 09-25, 09-26 → 24:00 of 09-26) leaves it; after it, 销号.
    _notify("2017-09-26T23:00", django_capture_on_commit_callbacks)
    assert Case.objects.get(pk=t1.case_id).state == State.AWAITING_LEADER
    summary = _notify("2017-09-27T09:00", django_capture_on_commit_callbacks)
    case1 = Case.objects.get(pk=t1.case_id)
    assert case1.state == State.CLOSED and "审定期满销号 1 件" in summary, summary
    assert case1.closed_at == at("2017-09-20T10:00")  # done when 销号 was asked, as the review confirmed
    assert AuditEntry.objects.filter(action="case.sign_off", object_id=str(case1.pk)).exists()

    # 3b. 市自然资源局 asks for 销号 too early; one item fails: sent back with the reasons recorded.
    clock.set("2017-09-06T10:00")
    assert zrzy.post(f"/cases/{t2.case_id}/act/", {"action": "accept"}).status_code == 302
    clock.set("2017-09-07T16:00")
    assert zrzy.post(f"/cases/{t2.case_id}/act/", {"action": "submit_closure"}).status_code == 302
    clock.set("2017-09-08T10:00")
    no_reason = office.post(f"/supervision/tasks/{t2.pk}/review/", {**PASS_ALL, "problem_solved": "fail"})
    assert no_reason.status_code == 400 and "须写明理由" in no_reason.content.decode()
    r = office.post(f"/supervision/tasks/{t2.pk}/review/", {**PASS_ALL, "problem_solved": "fail",
                                                             "reason": "用地指标尚未下达"})
    assert r.status_code == 302
    case2 = Case.objects.get(pk=t2.case_id)
    assert case2.state == State.REDO and case2.redo_count == 1
    event = case2.events.get(kind="review_fail")
    assert event.note == "未通过：问题解决。用地指标尚未下达" and event.data["checks"]["problem_solved"] is False
    # Then escalated by the jobs: deadline 09-08 24:00; 催办 on 09-11, rungs at 1, 3 and 5 working days late.
    _notify("2017-09-16T09:00", django_capture_on_commit_callbacks)
    notices = CaseNotice.objects.filter(case_id=t2.case_id)
    assert sorted((n.kind, n.level) for n in notices) == [
        (NoticeKind.CHASE, 0), (NoticeKind.ESCALATION, 1), (NoticeKind.ESCALATION, 2), (NoticeKind.ESCALATION, 3)]
    assert {n.recipient for n in notices if n.level == 3} == {"分管市领导"}
    # The closed task owes nothing (no call-back after a 销号).
    assert not CaseNotice.objects.filter(case_id=t1.case_id, kind=NoticeKind.CALLBACK).exists()

    # 4. October's report lists September's decisions with their status.
    clock.set("2017-10-10T09:00")
    from newind.indicators.periods import Period
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview

    content = build_content(monthly_overview(Period.parse("2017-10")), with_charts=False)
    section = next(s for s in content.sections if "上月调度会议定事项落实情况" in s.heading)
    rows = {row[2]: row[-1] for row in section.tables[0].rows}
    assert rows == {"完成园区标准厂房报建手续": "提前办结销号", "解决重点企业用地指标": "逾期未办结"}
    assert "议定事项2项" in section.paragraphs[0] and "已办结销号1项，逾期未办结1项" in section.paragraphs[0]
