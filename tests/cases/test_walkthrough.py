"""Issue 11 §2 "done when": one appeal walked through the client from a firm's filing to archive, with the
clock set, and the notice job run at the working-day moments that matter.

Profile zhongshan (the appeals' default), received Friday 2017-09-29 10:00. Worked out by hand
(08:30 opening; 2017-09-30 is a 调休 working Saturday; 10-01…10-08 National Day and Mid-Autumn holidays):
  contact: 1 working hour → 11:00; reminder 30 working minutes before → 10:30
  stage reply: 3 WD after 09-29 → 09-30, 10-09, 10-10 → 10-10 24:00; reminder at 10-10 08:30
  close: 5 WD → … 10-11, 10-12 → 10-12 24:00 (stored 10-13 00:00)
  an extension must be asked before 10-12 starts; asked 10-11 for 10-19, approved → close 10-19 24:00
  with it: no 催办 on 10-13; reminder 10-19 08:30; 催办 10-20 08:30 (the next working day's opening);
  escalation 1 (1 WD late, the lead unit's head) at 24:00 of 10-20 = 10-21 00:00;
  closed Monday 10-23 09:00 → call-back task Tuesday 10-24 08:30;
  rated 不满意 (subjective) 10-24 → 退回重办; reopened, still late: escalation 2 (3 WD late: 10-20, 10-23,
  10-24) at 10-25 00:00; closed again 10-25 10:00, rated 满意, archived 10-26.
"""

from __future__ import annotations

import re

import pytest

from newind.audit.models import AuditEntry
from newind.cases.models import Case, CaseAttachment, CaseNotice
from newind.cases.queries import unsatisfied_reasons
from newind.jobs.registry import enqueue
from tests.cases.conftest import PDF, PNG, at, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The 企业微信/钉钉 webhook, its HTTP post replaced by a recorder (as tests/cases/test_notices.py does)."""
    settings.NEWIND_WEBHOOK_URL = "https://qyapi.example.invalid/robot/send?key=test"
    messages: list[str] = []

    def fake_post(url: str, content: str, timeout: float = 5.0) -> str:
        messages.append(content)
        return ""

    monkeypatch.setattr("newind.cases.notices.post_text", fake_post)
    return messages


def test_an_appeal_from_filing_to_archive(login, people, units, clock, attachments_dir, pushed,
                                          django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    firm, office, fgw, rsj = login("firm"), login("office"), login("fgw"), login("rsj")

    def notify(text: str) -> list[tuple[str, str, int]]:
        """Run the job at that moment; the notices it made (kind, stage, level)."""
        before = set(CaseNotice.objects.values_list("id", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            run = enqueue("cases.notify", at=at(text).isoformat())
        run.refresh_from_db()
        assert run.state == "succeeded", run.summary
        return list(CaseNotice.objects.exclude(id__in=before).order_by("id").values_list("kind", "stage", "level"))

    def act(client, data, when: str, files=None) -> None:  # type: ignore[no-untyped-def]
        clock.set(when)
        response = client.post(f"/cases/{case.pk}/act/", {**data, **({"attachments": files} if files else {})})
        assert response.status_code == 302, response.content.decode()[:3000]

    def state() -> str:
        case.refresh_from_db()
        return case.state

    # 1. The firm files on its phone form, with a PDF.
    clock.set("2017-09-29T10:00")
    response = firm.post("/cases/new/", {"title": "新厂房用电增容", "description": "申请将变压器容量增至 2000 千伏安。",
                                         "categories": ["utilities", "approval"],
                                         "attachments": [upload("增容申请.pdf", PDF)]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.state, case.concerned_unit, case.channel, case.sla_profile) == ("received", units.firm, "platform",
                                                                                 "zhongshan")
    assert case.close_deadline == at("2017-10-13T00:00") and case.received_at == at("2017-09-29T10:00")
    assert CaseAttachment.objects.get().name == "增容申请.pdf"

    # 2. The office assigns: 发改委 leads, 人社局 co-handles. The firm sees no action it may take yet.
    assert 'id="action-' not in firm.get(f"/cases/{case.pk}/").content.decode()
    act(office, {"action": "assign", "lead_unit": units.fgw.pk, "co_units": [units.rsj.pk]}, "2017-09-29T10:10")
    assert state() == "assigned" and list(case.co_units.all()) == [units.rsj]
    assert notify("2017-09-29T10:30") == [("reminder", "contact", 0)]
    assert pushed[-1].startswith("市发展和改革委员会：【到期提醒】") and "联系企业" in pushed[-1]

    # 3. The lead unit accepts; the co-handler replies with a photo; the lead answers by the stage deadline.
    page = fgw.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="action-accept"' in page and 'id="action-dispute"' in page and 'id="action-assign"' not in page
    act(fgw, {"action": "accept", "note": "已电话联系企业"}, "2017-09-29T10:40")
    page = rsj.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="action-reply"' in page and 'id="action-close"' not in page
    act(rsj, {"action": "reply", "note": "用工备案已核实，无障碍。"}, "2017-10-09T09:00", files=[upload("现场.png", PNG)])
    assert notify("2017-10-10T08:30") == [("reminder", "stage_reply", 0)]
    act(fgw, {"action": "reply", "note": "阶段答复：已与供电公司对接。"}, "2017-10-10T15:00")

    # 4. The lead asks for an extension while a whole working day remains; the office approves.
    act(fgw, {"action": "request_extension", "reason": "需供电公司现场勘查", "new_deadline": "2017-10-19"},
        "2017-10-11T09:00")
    assert state() == "extension_pending" and case.close_deadline == at("2017-10-13T00:00")
    page = office.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="action-approve_extension"' in page and 'id="action-reject_extension"' in page
    assert "申请将办结时限由 2017-10-12 24:00 延至 2017-10-19 24:00：需供电公司现场勘查 — 待审批" in page
    act(office, {"action": "approve_extension", "reason": "同意"}, "2017-10-11T10:00")
    assert state() == "in_progress" and case.close_deadline == at("2017-10-20T00:00")
    assert case.original_close_deadline == at("2017-10-13T00:00") and case.extensions_approved == 1

    # 5. The jobs: nothing on the original date; the reminder, 催办 and escalation on the extended one's.
    assert notify("2017-10-13T08:30") == []
    assert notify("2017-10-19T08:29") == []
    assert notify("2017-10-19T08:30") == [("reminder", "close", 0)]
    assert notify("2017-10-20T08:29") == []
    assert notify("2017-10-20T08:30") == [("chase", "close", 0)]
    assert "【催办】" in pushed[-1] and "2017-10-19 24:00" in pushed[-1]
    assert notify("2017-10-20T23:59") == []
    assert notify("2017-10-21T00:00") == [("escalation", "close", 1)]
    assert pushed[-1].startswith("市发展和改革委员会主要负责人：【逾期升级·第1级】")

    # 6. The lead closes (late); the call-back task comes the next working day; the firm is unsatisfied.
    act(fgw, {"action": "close", "note": "已出具增容批复意见。"}, "2017-10-23T09:00")
    assert state() == "closed"
    assert notify("2017-10-24T08:29") == []
    assert notify("2017-10-24T08:30") == [("callback", "", 0)]
    page = firm.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="action-rate"' in page and "主观原因" in page and "客观原因" not in page  # objective: the office's
    act(firm, {"action": "rate", "rating": "unsatisfied", "reason_kind": "subjective",
               "reason": "只答复了政策，未解决实际增容问题"}, "2017-10-24T10:00")
    assert state() == "redo" and case.redo_count == 1 and case.closed_at is None

    # 7. Redo: the lead takes it up again; still late, the ladder goes on; closed again; 满意; archived.
    page = fgw.get(f"/cases/{case.pk}/").content.decode()
    assert "重新办理（退回重办）" in page
    act(fgw, {"action": "accept", "note": "重新办理"}, "2017-10-24T14:30")
    assert notify("2017-10-25T00:00") == [("escalation", "close", 2)]
    assert pushed[-1].startswith("市新型工业化办公室：【逾期升级·第2级】")
    act(fgw, {"action": "close", "note": "增容已送电。"}, "2017-10-25T10:00")
    act(firm, {"action": "rate", "rating": "satisfied"}, "2017-10-25T15:00")
    assert state() == "evaluated" and case.rating == "satisfied"
    assert 'id="action-archive"' not in firm.get(f"/cases/{case.pk}/").content.decode()
    act(office, {"action": "archive"}, "2017-10-26T09:00")
    assert state() == "archived" and case.archived_at == at("2017-10-26T09:00")

    # The timeline, in order, and every write audited (transitions, attachments, notices).
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["created", "assign", "accept", "reply", "reply", "request_extension", "approve_extension",
                     "close", "rate_unsatisfied_redo", "accept", "close", "rate_satisfied", "archive"]
    actions = list(AuditEntry.objects.filter(action__startswith="case.").order_by("id").values_list("action", flat=True))
    assert [a for a in actions if not a.startswith("case.notice.")] == [
        "case.file", "case.attachment", "case.assign", "case.accept", "case.reply", "case.attachment", "case.reply",
        "case.request_extension", "case.approve_extension", "case.close", "case.rate_unsatisfied_redo",
        "case.accept", "case.close", "case.rate_satisfied", "case.archive"]
    assert [a for a in actions if a.startswith("case.notice.")] == [
        "case.notice.reminder", "case.notice.reminder", "case.notice.reminder", "case.notice.chase",
        "case.notice.escalation", "case.notice.callback", "case.notice.escalation"]
    assert len(pushed) == 7 and set(CaseNotice.objects.values_list("webhook_status", flat=True)) == {"sent"}
    assert AuditEntry.objects.filter(action="case.rate_unsatisfied_redo", actor="firm_a").exists()

    # The unsatisfied reason and the reopening are kept and counted, and shown.
    counted = unsatisfied_reasons()
    assert (counted["unsatisfied"], counted["reopened"], counted["cases_reopened"]) == (1, 1, 1)
    assert counted["reasons"] == [{"reason": "只答复了政策，未解决实际增容问题", "kind": "subjective", "reopened": True,
                                   "count": 1}]
    detail = office.get(f"/cases/{case.pk}/").content.decode()
    assert "不满意评价 1 次，退回重办 1 次" in detail and "只答复了政策，未解决实际增容问题" in detail
    listing = office.get("/cases/").content.decode()
    assert re.search(r"不满意评价 1 次（主观原因 1 次、客观原因 0 次），退回重办 1 次，涉及 1 件事项", listing)

    # The API tells the same story.
    body = firm.get(f"/api/cases/{case.pk}").json()
    assert body["state"] == "archived" and body["redo_count"] == 1 and body["actions"] == []
    assert [a["name"] for a in body["attachments"]] == ["增容申请.pdf", "现场.png"]
    assert body["close_deadline"] == "2017-10-20T00:00:00+08:00" and body["close_deadline_text"] == "2017-10-19 24:00"
