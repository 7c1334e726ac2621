"""Reminders, 催办, escalations and call-backs at the right working-day moments, with the clock set.

One zhongshan case received Friday 2017-09-29 10:00: contact by 11:00, stage reply by 10-10 24:00, close by
10-12 24:00. Worked out by hand (office opens 08:30; reminders 30 working minutes before an hour limit and at
the opening of the deadline's own day for a working-day limit):
  09-29 10:30  reminder: contact (11:00)             10-10 08:30  reminder: stage reply (10-10 24:00)
  10-12 08:30  reminder: close (10-12 24:00)         10-13 08:30  催办 (the working day after 10-12)
  10-14 00:00  escalation 1, lead unit's head: 1 WD late (24:00 of 10-13)
  10-18 00:00  escalation 2, the office: 3 WD late (10-13, 10-16, 10-17)
  10-20 00:00  escalation 3, the leader in charge: 5 WD late (… 10-18, 10-19)
Closed Friday 10-20 10:00: the call-back task is due Monday 10-23 08:30.
"""

from __future__ import annotations

import pytest

from newind.audit.models import AuditEntry
from newind.cases.calc import notices_due
from newind.cases.choices import Action, CaseRole, NoticeKind
from newind.cases.models import CaseNotice
from newind.cases.services import apply_action, file_case
from newind.cases.sla import load_profile
from newind.jobs.models import JobRun
from newind.jobs.registry import enqueue, get_job
from tests.cases.conftest import at

PROFILE = load_profile("zhongshan")
DEADLINES = {"contact": at("2017-09-29T11:00"), "stage_reply": at("2017-10-11T00:00"), "close": at("2017-10-13T00:00")}


def _due(now: str, **kw) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    args = {"state": "in_progress", "stage_deadlines": DEADLINES, "close_deadline": DEADLINES["close"],
            "profile": PROFILE, "now": at(now), **kw}
    return [(n.kind, n.stage, n.level) for n in notices_due(**args)]


@pytest.mark.parametrize(("now", "expected"), [
    ("2017-09-29T10:29", []),
    ("2017-09-29T10:30", [("reminder", "contact", 0)]),
    ("2017-09-29T11:00", []),  # the contact deadline itself: no reminder any more
    ("2017-10-10T08:29", []),
    ("2017-10-10T08:30", [("reminder", "stage_reply", 0)]),
    ("2017-10-12T08:30", [("reminder", "close", 0)]),
    ("2017-10-13T00:00", []),  # deadline reached; the 催办 waits for the next working day's opening
    ("2017-10-13T08:30", [("chase", "close", 0)]),
    ("2017-10-14T00:00", [("chase", "close", 0), ("escalation", "close", 1)]),
    ("2017-10-17T23:59", [("chase", "close", 0), ("escalation", "close", 1)]),
    ("2017-10-18T00:00", [("chase", "close", 0), ("escalation", "close", 1), ("escalation", "close", 2)]),
    ("2017-10-20T00:00", [("chase", "close", 0), ("escalation", "close", 1), ("escalation", "close", 2),
                          ("escalation", "close", 3)]),
])
def test_notices_due_at_each_moment(now, expected):
    assert _due(now) == expected


def test_an_extended_deadline_is_reminded_and_chased_on_its_own_date():
    # Extension approved to 10-19 24:00: nothing is late on 10-14; the reminder comes on 10-19.
    extended = at("2017-10-20T00:00")
    assert _due("2017-10-14T00:00", close_deadline=extended) == []
    assert _due("2017-10-19T08:30", close_deadline=extended) == [("reminder", "close", 0)]
    assert _due("2017-10-20T08:30", close_deadline=extended) == [("chase", "close", 0)]


def test_closed_cases_get_a_call_back_and_finished_ones_nothing():
    closed = {"state": "closed", "closed_at": at("2017-10-20T10:00")}
    assert _due("2017-10-23T08:29", **closed) == []
    assert _due("2017-10-23T08:30", **closed) == [("callback", "", 0)]
    assert _due("2017-10-23T08:30", **closed, rating="satisfied") == []
    assert _due("2017-12-01T08:30", state="archived") == []


def test_a_variant_closing_stage_replaces_the_regular_one():
    zaozhuang = load_profile("zaozhuang")
    deadlines = zaozhuang.deadlines(at("2017-09-29T10:00"))
    multi = deadlines["multi_department"]  # 11-09 24:00
    args = {"state": "in_progress", "stage_deadlines": deadlines, "close_deadline": multi, "profile": zaozhuang,
            "multi_department": True}
    # On 10-19 (the regular 10 WD deadline's day) nothing is due: the case runs under 25 WD.
    assert notices_due(**args, now=at("2017-10-19T09:00")) == []
    # zaozhuang reminds 2 WD ahead: the opening of 11-08.
    assert [(n.kind, n.stage) for n in notices_due(**args, now=at("2017-11-08T08:30"))] == [
        ("reminder", "multi_department")]


@pytest.fixture
def pushed(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.NEWIND_WEBHOOK_URL = "https://qyapi.example.invalid/robot/send?key=test"
    messages: list[str] = []

    def fake_post(url: str, content: str, timeout: float = 5.0) -> str:
        messages.append(content)
        return ""

    monkeypatch.setattr("newind.cases.notices.post_text", fake_post)
    return messages


def _run(at_text: str, capture) -> JobRun:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        run = enqueue("cases.notify", at=at(at_text).isoformat())
    run.refresh_from_db()
    return run


def test_the_job_produces_each_notice_once_audited_and_pushed(office_user, units, pushed,
                                                              django_capture_on_commit_callbacks):
    assert get_job("cases.notify").schedule_label == "每15分钟"
    case = file_case(user=office_user, title="厂区道路通行证办理", profile_code="zhongshan",
                     received_at=at("2017-09-29T10:00"), category_codes=["logistics"], concerned_unit=units.firm)
    case = apply_action(case, Action.ASSIGN, user=office_user, role=CaseRole.OFFICE, now=at("2017-09-29T10:10"),
                        lead_unit=units.fgw)
    run = _run("2017-09-29T10:30", django_capture_on_commit_callbacks)
    assert run.state == "succeeded" and run.summary.startswith("生成事项提醒 1 条（到期提醒 1 条")
    assert pushed == ["市发展和改革委员会：【到期提醒】事项 " + case.code + "「厂区道路通行证办理」的「联系企业」将于 "
                      "2017-09-29 11:00 到期，请抓紧办理。"]
    assert _run("2017-09-29T10:45", django_capture_on_commit_callbacks).summary.startswith("生成事项提醒 0 条")
    # The job did not run for three weeks: on 10-20 it catches up with everything due and nothing twice.
    _run("2017-10-20T00:00", django_capture_on_commit_callbacks)
    notices = list(CaseNotice.objects.filter(case=case).values_list("kind", "stage", "level", "recipient"))
    assert notices == [
        ("reminder", "contact", 0, "市发展和改革委员会"),
        ("chase", "close", 0, "市发展和改革委员会"),
        ("escalation", "close", 1, "市发展和改革委员会主要负责人"),
        ("escalation", "close", 2, "市新型工业化办公室"),
        ("escalation", "close", 3, "分管市领导"),
    ]
    # (The stage-reply and close reminders fell due while the job was not running and are past: not sent late.)
    assert len(pushed) == 5 and all(n.webhook_status == "sent" for n in CaseNotice.objects.all())
    assert "逾期已满 5 个工作日（办结时限 2017-10-12 24:00），报分管市领导督办" in pushed[-1]
    audited = list(AuditEntry.objects.filter(action__startswith="case.notice.").order_by("id").values_list("action", flat=True))
    assert audited == ["case.notice.reminder", "case.notice.chase", "case.notice.escalation",
                       "case.notice.escalation", "case.notice.escalation"]
    assert AuditEntry.objects.filter(action="case.notice.chase", actor="后台任务").exists()

    apply_action(case, Action.ACCEPT, user=None, role=CaseRole.LEAD, now=at("2017-10-20T09:00"))
    apply_action(case, Action.CLOSE, user=None, role=CaseRole.LEAD, now=at("2017-10-20T10:00"))
    _run("2017-10-23T08:15", django_capture_on_commit_callbacks)
    assert not CaseNotice.objects.filter(kind=NoticeKind.CALLBACK).exists()
    _run("2017-10-23T08:30", django_capture_on_commit_callbacks)
    callback = CaseNotice.objects.get(kind=NoticeKind.CALLBACK)
    assert callback.recipient == "市新型工业化办公室" and "请回访企业并记录评价" in callback.message


def test_a_failed_push_is_kept_on_the_notice(office_user, units, settings, monkeypatch,
                                             django_capture_on_commit_callbacks):
    settings.NEWIND_WEBHOOK_URL = "https://qyapi.example.invalid/robot/send?key=test"
    monkeypatch.setattr("newind.cases.notices.post_text", lambda url, content, timeout=5.0: "HTTP 502")
    file_case(user=office_user, title="融资对接", profile_code="zhongshan", received_at=at("2017-09-29T10:00"),
              category_codes=["financing"])
    run = _run("2017-09-29T10:30", django_capture_on_commit_callbacks)
    notice = CaseNotice.objects.get()
    assert (notice.webhook_status, notice.webhook_error) == ("failed", "HTTP 502")
    assert notice.recipient == "市新型工业化办公室（待交办）" and "其中推送失败 1 条" in run.summary


# --- a stage already met gets no reminder (definitions/sla/*.yaml `done_by`) -------------------------------


@pytest.mark.parametrize(("events", "expected"), [
    ((), [("reminder", "stage_reply", 0)]),
    # 签收 meets the contact stage only: the stage reply is still owed.
    ((("accept", "lead"),), [("reminder", "stage_reply", 0)]),
    # A co-handler's reply is not the lead unit's stage reply.
    ((("accept", "lead"), ("reply", "co_handler")), [("reminder", "stage_reply", 0)]),
    # The lead unit's progress reply meets both the contact and the stage reply: nothing is reminded on 10-10.
    ((("accept", "lead"), ("reply", "lead")), []),
])
def test_a_stage_met_on_the_timeline_is_not_reminded(events, expected):
    assert _due("2017-10-10T08:30", events=events) == expected


def test_a_met_contact_is_not_reminded_but_the_close_still_is():
    assert _due("2017-09-29T10:30", events=[("accept", "lead")]) == []
    # The closing stage is met only by closure: a reply does not silence its reminder, 催办 or escalation.
    assert _due("2017-10-12T08:30", events=[("reply", "lead")]) == [("reminder", "close", 0)]
    assert _due("2017-10-14T00:00", events=[("reply", "lead")]) == [("chase", "close", 0), ("escalation", "close", 1)]


def test_every_preset_names_what_meets_its_stages():
    """Read as sentences: zhongshan's contact is met by the lead unit's 签收 or reply, its stage reply by the lead
    unit's reply (a co-handler's reply does not count); zaozhuang's start and plan likewise; quanzhou's
    co-handler stage by a co-handler's reply (the lead unit's does not count); xuchang's assignment by 交办
    (the office's); closing stages only by closure."""
    met = {code: {s.code: s.done_by for s in load_profile(code).stages}
           for code in ("zhongshan", "zaozhuang", "quanzhou", "xuchang")}
    assert met["zhongshan"] == {"contact": ("accept:lead", "reply:lead"), "stage_reply": ("reply:lead",), "close": ()}
    assert met["zaozhuang"] == {"start": ("accept:lead", "reply:lead"), "plan": ("reply:lead",), "close": (),
                                "multi_department": ()}
    assert met["quanzhou"] == {"co_handler": ("reply:co_handler",), "lead": ()}
    assert met["xuchang"] == {"assign": ("assign",), "close": (), "complex": ()}
    co = next(s for s in load_profile("quanzhou").stages if s.code == "co_handler")
    assert co.met_by([("reply", "co_handler")]) and not co.met_by([("reply", "lead")])


def test_a_done_by_that_names_no_action_is_refused_in_chinese():
    from newind.cases.sla import parse_profile
    from newind.core.errors import AppError

    raw = {"code": "x", "name": "测试", "stages": [
        {"code": "contact", "name": "联系企业", "limit": {"working_hours": 1}, "done_by": ["telephone"]},
        {"code": "close", "name": "办结", "limit": {"working_days": 5}}], "close_stage": "close",
        "escalation": [{"after_working_days": 1, "to": "office"}]}
    with pytest.raises(AppError) as error:
        parse_profile(raw, "x.yaml")
    assert "done_by 中「telephone」不是事项的操作" in error.value.full_text()
