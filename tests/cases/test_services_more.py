"""More of the workflow through the services: rejected and repeated extensions, leaders, objective ratings,
kinds and complex cases, and notices after an extension."""

from __future__ import annotations

import pytest

from newind.audit.models import AuditEntry
from newind.cases.choices import Action, CaseRole, ExtensionState, State
from newind.cases.models import Case, CaseNotice, ExtensionRequest
from newind.cases.notices import produce_notices
from newind.cases.services import apply_action, file_case, rate
from newind.cases.sla import format_deadline
from newind.core.errors import AppError
from tests.cases.conftest import at

R = CaseRole


def _working(office_user, units, profile: str = "zhongshan", **kw) -> Case:  # type: ignore[no-untyped-def]
    case = file_case(user=office_user, title="申请稳岗补贴", profile_code=profile, received_at=at("2017-09-29T10:00"),
                     category_codes=["labour", "policy"], concerned_unit=units.firm, **kw)
    case = apply_action(case, Action.ASSIGN, user=office_user, role=R.OFFICE, now=at("2017-09-29T11:00"),
                        lead_unit=units.rsj)
    return apply_action(case, Action.ACCEPT, user=None, role=R.LEAD, now=at("2017-09-29T15:00"))


def test_a_rejected_extension_leaves_the_deadline_and_a_second_one_may_be_approved(office_user, units):
    case = _working(office_user, units)  # close by 10-12 24:00
    case = apply_action(case, Action.REQUEST_EXTENSION, user=None, role=R.LEAD, now=at("2017-10-09T10:00"),
                        reason="等待财政资金", new_deadline=at("2017-10-20T00:00"))
    case = apply_action(case, Action.REJECT_EXTENSION, user=office_user, role=R.OFFICE, now=at("2017-10-09T15:00"),
                        reason="资金已到位")
    assert (case.state, case.close_deadline, case.extensions_approved) == (State.IN_PROGRESS, at("2017-10-13T00:00"), 0)
    first = ExtensionRequest.objects.get(case=case)
    assert (first.state, first.decision_note) == (ExtensionState.REJECTED, "资金已到位")
    case = apply_action(case, Action.REQUEST_EXTENSION, user=None, role=R.LEAD, now=at("2017-10-10T10:00"),
                        reason="企业补交材料", new_deadline=at("2017-10-18T00:00"))
    case = apply_action(case, Action.APPROVE_EXTENSION, user=None, role=R.LEADER, now=at("2017-10-10T16:00"))
    assert format_deadline(case.close_deadline) == "2017-10-17 24:00" and case.extensions_approved == 1
    assert list(ExtensionRequest.objects.filter(case=case).values_list("state", flat=True)) == ["rejected", "approved"]
    assert AuditEntry.objects.filter(action="case.reject_extension", summary__contains="资金已到位").exists()


def test_a_late_extension_request_is_refused_and_recorded_nowhere(office_user, units):
    case = _working(office_user, units)
    with pytest.raises(AppError, match="最迟 2017-10-11 24:00") as error:
        apply_action(case, Action.REQUEST_EXTENSION, user=None, role=R.LEAD, now=at("2017-10-12T09:00"),
                     reason="来不及", new_deadline=at("2017-10-20T00:00"))
    assert error.value.status == 409
    assert not ExtensionRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="case.request_extension").exists()


def test_a_leader_assigns_and_an_objective_unsatisfied_rating_ends_the_evaluation(office_user, units):
    case = file_case(user=office_user, title="市领导批示：协调园区用地指标", profile_code="xuchang",
                     received_at=at("2018-02-09T09:00"), category_codes=["land"], kind="supervision",
                     channel="leader_instruction", is_complex=True)
    assert case.code.startswith("DB2018")
    # xuchang, complex: 30 WD after 02-09 → 03-28 24:00.
    assert format_deadline(case.close_deadline) == "2018-03-28 24:00"
    case = apply_action(case, Action.ASSIGN, user=None, role=R.LEADER, now=at("2018-02-09T10:00"), lead_unit=units.zrzy)
    case = apply_action(case, Action.ACCEPT, user=None, role=R.LEAD, now=at("2018-02-11T09:00"))
    case = apply_action(case, Action.CLOSE, user=None, role=R.LEAD, now=at("2018-03-20T09:00"))
    with pytest.raises(AppError) as firm_cannot:
        rate(case, "unsatisfied", user=None, role=R.FIRM, reason="指标不足", reason_kind="objective")
    assert firm_cannot.value.status == 403
    case = rate(case, "unsatisfied", user=office_user, role=R.OFFICE, reason="全市年度指标已用完，明年优先安排",
                reason_kind="objective", now=at("2018-03-21T10:00"))
    assert (case.state, case.rating, case.unsatisfied_reason_kind, case.redo_count) == (
        State.EVALUATED, "unsatisfied", "objective", 0)
    case = apply_action(case, Action.ARCHIVE, user=office_user, role=R.OFFICE, now=at("2018-03-22T10:00"))
    assert case.state == State.ARCHIVED


def test_a_project_problem_gets_its_own_code_prefix(office_user, units):
    case = file_case(user=office_user, title="项目环评批复滞后", profile_code="zaozhuang", received_at=at("2017-05-02T09:00"),
                     category_codes=["environment"], kind="project_problem", channel="meeting")
    assert case.code == f"XM2017{case.pk:07d}" and case.get_channel_display() == "会议交办"


def test_after_an_approved_extension_the_new_deadline_gets_its_own_reminder(office_user, units):
    case = _working(office_user, units)
    produce_notices(at("2017-10-12T09:00"))  # the close reminder for 10-12 24:00
    case = apply_action(case, Action.REQUEST_EXTENSION, user=None, role=R.LEAD, now=at("2017-10-11T10:00"),
                        reason="需现场核查", new_deadline=at("2017-10-20T00:00"))
    case = apply_action(case, Action.APPROVE_EXTENSION, user=office_user, role=R.OFFICE, now=at("2017-10-11T15:00"))
    # On 10-13 the old deadline has passed but the case is not late: no 催办.
    assert [n.kind for n in produce_notices(at("2017-10-13T09:00"))] == []
    made = produce_notices(at("2017-10-19T08:30"))
    assert [(n.kind, n.stage, format_deadline(n.deadline)) for n in made] == [("reminder", "close", "2017-10-19 24:00")]
    reminders = CaseNotice.objects.filter(case=case, kind="reminder", stage="close")
    assert sorted(format_deadline(n.deadline) for n in reminders) == ["2017-10-12 24:00", "2017-10-19 24:00"]


def test_a_case_back_for_redo_is_chased_when_past_its_deadline(office_user, units):
    case = _working(office_user, units)
    case = apply_action(case, Action.CLOSE, user=None, role=R.LEAD, now=at("2017-10-10T10:00"))
    case = rate(case, "unsatisfied", user=None, role=R.FIRM, reason="没有解决", reason_kind="subjective",
                now=at("2017-10-11T10:00"))
    # Redo keeps the 10-12 24:00 deadline: on 10-13 08:30 it is chased.
    assert [(n.kind, n.recipient) for n in produce_notices(at("2017-10-13T08:30"))] == [("chase", "市人力资源和社会保障局")]


def test_a_co_handler_stage_reminds_the_co_handlers(office_user, units):
    case = file_case(user=office_user, title="跨部门办理用工备案", profile_code="quanzhou",
                     received_at=at("2017-09-29T10:00"), category_codes=["labour"])
    apply_action(case, Action.ASSIGN, user=office_user, role=R.OFFICE, now=at("2017-09-29T11:00"),
                 lead_unit=units.rsj, co_units=[units.fgw])
    # co_handler: 3 WD → 10-10 24:00; reminded at 08:30 of 10-10.
    made = produce_notices(at("2017-10-10T08:30"))
    assert [(n.kind, n.stage, n.recipient) for n in made] == [("reminder", "co_handler", "协办单位")]


def test_the_co_handlers_reply_meets_their_stage_and_ends_its_reminders(office_user, units):
    """Through the job: once the co-handler has replied on the timeline, 10-10's co-handler reminder is not made."""
    from newind.cases.models import CaseEvent

    case = file_case(user=office_user, title="跨部门办理用工备案", profile_code="quanzhou",
                     received_at=at("2017-09-29T10:00"), category_codes=["labour"])
    apply_action(case, Action.ASSIGN, user=office_user, role=R.OFFICE, now=at("2017-09-29T11:00"),
                 lead_unit=units.rsj, co_units=[units.fgw])
    CaseEvent.objects.create(case=case, at=at("2017-10-09T15:00"), kind=Action.REPLY, role=R.CO_HANDLER,
                             note="协办意见：同意备案")
    assert produce_notices(at("2017-10-10T08:30")) == []
