"""Filing a case and applying actions: state, deadlines, timeline, extension requests and audit, together."""

from __future__ import annotations

import pytest

from newind.audit.models import AuditEntry
from newind.audit.services import verify_chain
from newind.cases.choices import Action, CaseRole, ExtensionState, State
from newind.cases.models import Case, CaseEvent, ExtensionRequest
from newind.cases.services import apply_action, file_case, rate
from newind.cases.sla import format_deadline
from newind.core.errors import AppError
from tests.cases.conftest import at

R = CaseRole


def _file(office_user, units, profile: str = "zhongshan", received: str = "2017-09-29T10:00", **kw) -> Case:  # type: ignore[no-untyped-def]
    return file_case(user=office_user, title="申请变压器增容，报装三个月未批复", profile_code=profile,
                     received_at=at(received), category_codes=kw.pop("categories", ["utilities", "approval"]),
                     concerned_unit=units.firm, channel="visit", **kw)


def _audit(case: Case) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("id")
                .values_list("action", flat=True))


def test_filing_sets_the_deadlines_from_the_profile(office_user, units):
    case = _file(office_user, units)
    assert case.code == f"SQ2017{case.pk:07d}" and case.state == State.RECEIVED
    # zhongshan from 2017-09-29 10:00: contact 11:00 the same day, stage reply 3 WD (10-10), close 5 WD (10-12).
    assert case.deadlines == {"contact": "2017-09-29T11:00:00+08:00", "stage_reply": "2017-10-11T00:00:00+08:00",
                              "close": "2017-10-13T00:00:00+08:00"}
    assert case.close_deadline == case.original_close_deadline == at("2017-10-13T00:00")
    assert sorted(case.categories.values_list("category", flat=True)) == ["approval", "utilities"]
    assert case.concerned_name == "岳阳示例化工有限公司"
    event = case.events.get()
    assert event.kind == "created" and "办结时限 2017-10-12 24:00" in event.note
    entry = AuditEntry.objects.get(action="case.file")
    assert entry.actor == "office" and case.code in entry.summary and entry.unit_code == units.firm.code


def test_filing_refuses_unknown_categories_and_profiles(office_user, units):
    with pytest.raises(AppError, match="分类「tax」不在分类表中"):
        _file(office_user, units, categories=["tax"])
    with pytest.raises(AppError, match="请至少选择一个分类"):
        _file(office_user, units, categories=[])
    with pytest.raises(AppError, match="没有名为「shenzhen」的时限方案"):
        _file(office_user, units, profile="shenzhen")
    assert not Case.objects.exists() and not AuditEntry.objects.filter(action="case.file").exists()


def test_one_appeal_from_filing_to_archive_with_an_extension_and_a_redo(office_user, units):
    case = _file(office_user, units)
    office, lead = dict(user=office_user, role=R.OFFICE), dict(user=None, role=R.LEAD, unit=units.fgw)
    case = apply_action(case, Action.ASSIGN, **office, now=at("2017-09-29T11:00"), lead_unit=units.fgw,
                        co_units=[units.zrzy])
    assert (case.state, case.lead_unit, list(case.co_units.all())) == (State.ASSIGNED, units.fgw, [units.zrzy])
    case = apply_action(case, Action.ACCEPT, **lead, now=at("2017-09-29T14:40"))
    case = apply_action(case, Action.REPLY, user=None, role=R.CO_HANDLER, unit=units.zrzy,
                        now=at("2017-10-09T10:00"), note="用地红线已核实，无障碍。")
    assert case.state == State.IN_PROGRESS
    # Asked on 10-10, before 10-12 (the deadline's day) starts: allowed; the deadline waits for approval.
    case = apply_action(case, Action.REQUEST_EXTENSION, **lead, now=at("2017-10-10T16:00"),
                        reason="需供电公司现场勘查", new_deadline=at("2017-10-20T00:00"))
    assert case.state == State.EXTENSION_PENDING and case.close_deadline == at("2017-10-13T00:00")
    case = apply_action(case, Action.APPROVE_EXTENSION, **office, now=at("2017-10-11T09:00"), note="同意")
    assert case.close_deadline == at("2017-10-20T00:00") and case.original_close_deadline == at("2017-10-13T00:00")
    request = ExtensionRequest.objects.get(case=case)
    assert (request.state, request.old_deadline, request.decided_by) == (
        ExtensionState.APPROVED, at("2017-10-13T00:00"), office_user)
    case = apply_action(case, Action.CLOSE, **lead, now=at("2017-10-16T15:00"), note="已完成增容。")
    # Working days after 09-29 up to 10-16: 09-30, 10-09…10-13, 10-16 = 7.
    assert case.working_days_to_close == 7
    case = rate(case, "unsatisfied", user=None, role=R.FIRM, reason="只答复了时间表，未实际通电",
                reason_kind="subjective", now=at("2017-10-17T09:00"))
    assert (case.state, case.redo_count, case.closed_at, case.first_closed_at, case.working_days_to_close) == (
        State.REDO, 1, None, at("2017-10-16T15:00"), None)
    assert case.unsatisfied_reason == "只答复了时间表，未实际通电" and case.unsatisfied_reason_kind == "subjective"
    case = apply_action(case, Action.ACCEPT, **lead, now=at("2017-10-17T10:00"))
    case = apply_action(case, Action.CLOSE, **lead, now=at("2017-10-19T11:00"))
    assert case.working_days_to_close == 10  # … and 10-17, 10-18, 10-19: judged on the final closure
    case = rate(case, "satisfied", user=None, role=R.FIRM, now=at("2017-10-20T09:00"))
    assert (case.rating, case.unsatisfied_reason) == ("satisfied", "")
    case = apply_action(case, Action.ARCHIVE, **office, now=at("2017-10-20T10:00"))
    assert case.state == State.ARCHIVED and case.archived_at == at("2017-10-20T10:00")
    # Closed 10-19 11:00, inside the extended deadline (10-19 24:00): on time.
    assert case.closed_at <= case.close_deadline

    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["created", "assign", "accept", "reply", "request_extension", "approve_extension", "close",
                     "rate_unsatisfied_redo", "accept", "close", "rate_satisfied", "archive"]
    assert _audit(case) == ["case.file", *[f"case.{k}" for k in kinds[1:]]]
    reply = case.events.get(kind="reply")
    assert (reply.role, reply.unit, reply.note) == ("co_handler", units.zrzy, "用地红线已核实，无障碍。")
    approve = AuditEntry.objects.get(action="case.approve_extension")
    assert (approve.before["close_deadline"], approve.after["close_deadline"]) == (
        "2017-10-13T00:00:00+08:00", "2017-10-20T00:00:00+08:00")
    assert verify_chain().ok


def test_a_refused_action_writes_nothing_and_says_why(office_user, units):
    case = _file(office_user, units)
    with pytest.raises(AppError) as wrong_role:
        apply_action(case, Action.ASSIGN, user=None, role=R.FIRM, lead_unit=units.fgw)
    assert wrong_role.value.status == 403 and "企业不能对「受理」的事项执行「交办」" in wrong_role.value.message
    with pytest.raises(AppError) as wrong_state:
        apply_action(case, Action.CLOSE, user=None, role=R.LEAD)
    assert wrong_state.value.status == 409
    with pytest.raises(AppError, match="须指定牵头承办单位"):
        apply_action(case, Action.ASSIGN, user=office_user, role=R.OFFICE)
    case.refresh_from_db()
    assert case.state == State.RECEIVED and case.events.count() == 1 and _audit(case) == ["case.file"]


def test_a_dispute_is_settled_once_and_late_ones_are_refused(office_user, units):
    case = _file(office_user, units)
    case = apply_action(case, Action.ASSIGN, user=office_user, role=R.OFFICE, now=at("2017-09-29T16:00"),
                        lead_unit=units.rsj)
    # Assigned Friday 09-29: the window ends 24:00 of the 调休 Saturday 09-30; Monday 10-09 is too late …
    with pytest.raises(AppError, match="已超过期限") as late:
        apply_action(case, Action.DISPUTE, user=None, role=R.LEAD, now=at("2017-10-09T09:00"), reason="非本部门职责")
    assert late.value.status == 409
    # … a dispute on the Saturday is in time, and the office reassigns to 发改委: final.
    case = apply_action(case, Action.DISPUTE, user=None, role=R.LEAD, now=at("2017-09-30T10:00"), reason="非本部门职责")
    case = apply_action(case, Action.SETTLE_REASSIGN, user=office_user, role=R.OFFICE, now=at("2017-10-09T09:00"),
                        lead_unit=units.fgw, reason="电力增容由发改委牵头")
    assert (case.state, case.lead_unit, case.dispute_used) == (State.ASSIGNED, units.fgw, True)
    with pytest.raises(AppError, match="裁定为最终决定"):
        apply_action(case, Action.DISPUTE, user=None, role=R.LEAD, now=at("2017-10-09T10:00"), reason="再议")
    assert CaseEvent.objects.filter(case=case, kind="dispute").count() == 1


def test_a_multi_department_assignment_takes_the_longer_limit(office_user, units):
    case = _file(office_user, units, profile="zaozhuang")
    assert format_deadline(case.close_deadline) == "2017-10-19 24:00"  # 10 WD after 09-29
    case = apply_action(case, Action.ASSIGN, user=office_user, role=R.OFFICE, now=at("2017-09-29T11:00"),
                        lead_unit=units.fgw, co_units=[units.zrzy, units.rsj])
    assert format_deadline(case.close_deadline) == "2017-11-09 24:00"  # 25 WD after 09-29
    # The longer limit is the case's own (not an extension), so it is also the original deadline.
    assert case.original_close_deadline == at("2017-11-10T00:00") and case.extensions_approved == 0


def test_an_unsatisfied_rating_needs_a_reason_kind(office_user, units):
    case = _file(office_user, units)
    with pytest.raises(AppError, match="须选择原因类型"):
        rate(case, "unsatisfied", user=None, role=R.FIRM, reason="不满意")
