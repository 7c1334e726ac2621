"""Writes of dispatch meetings and supervision tasks, each audited (`audit.services.record`).

A task is a `supervision` case of the case engine filed under definitions/sla/supervision.yaml in its time
class and assigned to the owner unit through the engine's own `apply_action` (the one transition table of
`cases.calc`); progress, extensions, 催办, escalation and 销号 then run on the case pages and the case jobs.
Callers have decided access (newind.accounts.access: SUPERVISION_MANAGE_PAGE, meeting_for, case_for).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from newind.audit.services import record
from newind.cases import services as case_services
from newind.cases.calc import OPEN_STATES
from newind.cases.choices import Action, CaseKind, CaseRole, Channel
from newind.cases.models import Case
from newind.cases.sla import day_of_deadline, load_profile, to_local
from newind.core.errors import AppError
from newind.supervision.choices import AgendaSource, MeetingKind, TaskSource, Urgency
from newind.supervision.models import AgendaItem, Decision, Meeting, SupervisionTask, UnitHead
from newind.units.models import Unit

PROFILE = "supervision"
CATEGORY = "other"


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def add_unit_head(*, unit: Unit, name: str, post: str, user: Any, is_principal: bool = False,
                  account: Any = None, is_synthetic: bool = False) -> UnitHead:
    if not name.strip() or not post.strip():
        raise AppError("请填写负责人的姓名和职务（如：县长、局长）。")
    head = UnitHead.objects.create(unit=unit, name=name.strip(), post=post.strip(), user=account,
                                   is_principal=is_principal, is_synthetic=is_synthetic)
    record("supervision.head.add", user=user, obj=head, unit=unit,
           after={"unit": unit.code, "name": head.name, "post": head.post, "is_principal": is_principal},
           summary=f"登记{unit.name}{head.post}{head.name}。")
    return head


def meetings_dir() -> Path:
    return Path(settings.NEWIND_ATTACHMENT_DIR) / "meetings"


def meeting_report_path(meeting: Meeting) -> Path:
    base = meetings_dir().resolve()
    path = (base / meeting.report_stored_as).resolve()
    if base not in path.parents:
        raise AppError("调度通报存储路径异常，已拒绝读取：请联系系统管理员。", status=500)
    return path


def _render_report(period_key: str, issued: dt.date) -> tuple[bytes, str]:
    from newind.indicators.periods import Period
    from newind.reports.services import monthly_report

    try:
        period = Period.parse(period_key)
    except Exception:
        raise AppError(f"调度通报期别「{period_key}」格式不对：请写成 YYYY-MM，例如 2017-09。") from None
    rendered = monthly_report(period, "docx", issued=issued)
    return rendered.data, rendered.file_name


@transaction.atomic
def record_meeting(*, kind: str, held_on: dt.date, title: str, chair: UnitHead, attendees: Iterable[UnitHead] = (),
                   agenda: str = "", report_period: str = "", user: Any, is_synthetic: bool = False,
                   report: tuple[bytes, str] | None = None, now: dt.datetime | None = None) -> Meeting:
    """Record a dispatch meeting; with `report_period` the monthly dispatch report of that month is rendered
    (Word) and kept with the meeting, with its SHA-256, so the meeting shows exactly which report it used.
    `report` passes already-rendered (bytes, file name) (the demo renders one per month once)."""
    if not title.strip():
        raise AppError("请填写会议名称。")
    kind = MeetingKind(kind)
    meeting = Meeting.objects.create(kind=kind, held_on=held_on, title=title.strip(), chair=chair,
                                     agenda=agenda.strip(), report_period=report_period.strip(),
                                     created_by=_user(user), is_synthetic=is_synthetic)
    people = list(attendees)
    meeting.attendees.set(people)
    if meeting.report_period:
        data, name = report or _render_report(meeting.report_period, held_on)
        relative = f"{meeting.pk}/{uuid.uuid4().hex}.docx"
        target = meetings_dir() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        meeting.report_name, meeting.report_stored_as = name, relative
        meeting.report_sha256, meeting.report_size = hashlib.sha256(data).hexdigest(), len(data)
        meeting.report_generated_at = to_local(now or case_services.clock())
        meeting.save(update_fields=["report_name", "report_stored_as", "report_sha256", "report_size",
                                    "report_generated_at"])
    record("supervision.meeting.record", user=user, obj=meeting, unit=chair.unit,
           after={"kind": kind, "held_on": held_on.isoformat(), "title": meeting.title, "chair": chair.pk,
                  "attendees": [p.pk for p in people], "report_period": meeting.report_period,
                  "report_sha256": meeting.report_sha256},
           summary=f"登记{kind.label}「{meeting.title}」（{held_on:%Y-%m-%d}，主持：{chair}）"
                   + (f"，附{meeting.report_period}月度调度通报（SHA-256 {meeting.report_sha256[:12]}…）" if
                      meeting.report_sha256 else "") + "。")
    return meeting


def class_deadline(urgency: str, received: dt.datetime, urgent_days: int | None = None) -> dt.datetime:
    """The closing deadline of a task of this time class received at `received` (the profile's rule)."""
    return load_profile(PROFILE).time_class(Urgency(urgency)).deadline(received, urgent_days)


def _received(meeting: Meeting) -> dt.datetime:
    # A meeting's decisions are handed over the day it is held, at the office's opening.
    return dt.datetime.combine(meeting.held_on, dt.time(9, 0), tzinfo=to_local(case_services.clock()).tzinfo)


@transaction.atomic
def add_decision(meeting: Meeting, *, text: str, owner_unit: Unit, urgency: str = Urgency.MINUTES,
                 urgent_days: int | None = None, agenda_item: AgendaItem | None = None, user: Any) -> Decision:
    """One 议定事项 with its owner unit and time class; its deadline is the class's from the meeting day."""
    if not text.strip():
        raise AppError("请写明议定事项的内容。")
    if Urgency(urgency) != Urgency.URGENT:
        urgent_days = None
    deadline = day_of_deadline(class_deadline(urgency, _received(meeting), urgent_days))
    decision = Decision.objects.create(meeting=meeting, text=text.strip(), owner_unit=owner_unit,
                                       urgency=Urgency(urgency), urgent_days=urgent_days, deadline=deadline,
                                       agenda_item=agenda_item)
    record("supervision.decision.add", user=user, obj=decision, unit=owner_unit,
           after={"meeting": meeting.pk, "text": decision.text, "owner_unit": owner_unit.code, "urgency": urgency,
                  "urgent_days": urgent_days, "deadline": deadline.isoformat()},
           summary=f"会议「{meeting.title}」议定事项：{decision.text[:60]}（{owner_unit.name}，{deadline:%Y-%m-%d}前）。")
    return decision


@transaction.atomic
def create_task(*, title: str, description: str, owner_unit: Unit, source_kind: str, source_ref: str = "",
                urgency: str = Urgency.NORMAL, urgent_days: int | None = None, user: Any,
                instructing_head: UnitHead | None = None, instructing_leader: Any = None,
                decision: Decision | None = None, received_at: dt.datetime | None = None,
                is_synthetic: bool = False) -> SupervisionTask:
    """File a supervision case in its time class, assign it to the owner unit (the engine's 交办) and link its
    source. A leader's 批示 is assigned as the leader; anything else as the office."""
    source = TaskSource(source_kind)
    moment = to_local(received_at or case_services.clock())
    channel = {TaskSource.DECISION: Channel.MEETING, TaskSource.INSTRUCTION: Channel.LEADER_INSTRUCTION}.get(
        source, Channel.PLATFORM)
    if Urgency(urgency) != Urgency.URGENT:
        urgent_days = None
    case = case_services.file_case(
        user=user, title=title, profile_code=PROFILE, received_at=moment, category_codes=[CATEGORY],
        kind=CaseKind.SUPERVISION, channel=channel, description=description.strip(), concerned_unit=owner_unit,
        is_synthetic=is_synthetic, time_class=Urgency(urgency), class_days=urgent_days)
    role = CaseRole.LEADER if source == TaskSource.INSTRUCTION and instructing_leader is not None else CaseRole.OFFICE
    case = case_services.apply_action(case, Action.ASSIGN, user=user, role=role, now=moment, lead_unit=owner_unit,
                                      note=f"督办交办（{source.label}{'：' + source_ref if source_ref else ''}）。")
    task = SupervisionTask.objects.create(
        case=case, source_kind=source, source_ref=source_ref[:120], decision=decision, urgency=Urgency(urgency),
        instructing_head=instructing_head, instructing_leader=instructing_leader, created_by=_user(user),
        is_synthetic=is_synthetic)
    record("supervision.task.create", user=user, obj=task, unit=owner_unit,
           after={"case": case.code, "source_kind": source, "source_ref": source_ref, "urgency": urgency,
                  "urgent_days": urgent_days, "owner_unit": owner_unit.code,
                  "close_deadline": to_local(case.close_deadline).isoformat(),
                  "instructing_head": instructing_head.pk if instructing_head else None},
           summary=f"督办任务 {case.code}「{case.title}」交办{owner_unit.name}（{source.label}，"
                   f"{Urgency(urgency).label}）。")
    return task


def decision_to_task(decision: Decision, *, user: Any, instructing_leader: Any = None) -> SupervisionTask:
    """One click: the decision becomes a supervision task — owner, deadline (its time class from the meeting
    day) and source filled from the decision; the meeting's chair is the instructing head."""
    if SupervisionTask.objects.filter(decision=decision).exists():
        raise AppError("该议定事项已转为督办任务，不能重复转办。", status=409)
    meeting = decision.meeting
    return create_task(
        title=decision.text[:200], description=f"{meeting.get_kind_display()}「{meeting.title}」"
                                               f"（{meeting.held_on:%Y-%m-%d}）议定事项：{decision.text}",
        owner_unit=decision.owner_unit, source_kind=TaskSource.DECISION,
        source_ref=f"meeting:{meeting.pk}/decision:{decision.pk}", urgency=decision.urgency,
        urgent_days=decision.urgent_days, user=user, instructing_head=meeting.chair,
        instructing_leader=instructing_leader or meeting.chair.user, decision=decision,
        received_at=_received(meeting), is_synthetic=meeting.is_synthetic)


# --- red lights, overdue cases and project problems as agenda items or tasks ---------------------------------


def resolve_source(kind: str, ref: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """What a red light, an overdue case or a project problem is: title, unit, case; an AppError if it is not
    (no longer) one. `ref`: a light's "<target id>|<period>", a case's id, a project problem's id."""
    source = AgendaSource(kind)
    moment = to_local(now or case_services.clock())
    if source == AgendaSource.RED_LIGHT:
        from newind.indicators.periods import Period
        from newind.targets.queries import warning_list

        target_id, _, period_key = ref.partition("|")
        frame = warning_list(Period.parse(period_key))
        row = frame[(frame["target_id"].astype(str) == target_id) & (frame["light"] == "red")] if not frame.empty \
            else frame
        if row.empty:
            raise AppError(f"{period_key}没有该红灯预警（可能已转绿）：请从本期红灯列表中选择。", status=404)
        r = row.iloc[0]
        code = str(r.get("responsible_unit_code") or "") or str(r["unit_code"])
        unit = Unit.objects.filter(code=code).first()
        return {"title": f"{r['unit_name']}「{r['indicator_name']}」亮红灯（{r['period_label']}）：{r['light_reason']}",
                "unit": unit, "case": None, "ref": ref}
    if source in (AgendaSource.OVERDUE_CASE, AgendaSource.PROJECT_PROBLEM):
        case: Case | None
        if source == AgendaSource.PROJECT_PROBLEM:
            from newind.projects.models import ProjectProblem

            link = ProjectProblem.objects.select_related("case", "project", "case__lead_unit").filter(
                pk=int(ref) if str(ref).isdigit() else 0).first()
            if link is None:
                raise AppError("未找到该项目问题：请从项目问题列表中选择。", status=404)
            case = link.case
            title = f"重大项目「{link.project.name}」问题：{case.title}"
        else:
            case = Case.objects.select_related("lead_unit").filter(pk=int(ref) if str(ref).isdigit() else 0).first()
            if case is None or case.state not in {str(s) for s in OPEN_STATES} or case.close_deadline >= moment:
                raise AppError("该事项不是逾期未办结事项：请从逾期事项列表中选择。", status=404)
            title = f"逾期事项 {case.code}「{case.title}」"
        return {"title": title, "unit": case.lead_unit, "case": case, "ref": str(ref)}
    raise AppError("请选择议题来源：红灯预警、逾期事项或项目问题。")


@transaction.atomic
def add_agenda_item(meeting: Meeting, *, kind: str, ref: str = "", title: str = "", user: Any,
                    now: dt.datetime | None = None) -> AgendaItem:
    """One click: a red light, an overdue case or a project problem (or a free-text item) goes on the agenda."""
    source = AgendaSource(kind)
    if source == AgendaSource.OTHER:
        if not title.strip():
            raise AppError("请填写议题。")
        found: dict[str, Any] = {"title": title.strip(), "unit": None, "case": None, "ref": ""}
    else:
        found = resolve_source(kind, ref, now=now)
        if AgendaItem.objects.filter(meeting=meeting, source_kind=source, source_ref=found["ref"]).exists():
            raise AppError("该事项已列入本次会议议题。", status=409)
    item = AgendaItem.objects.create(meeting=meeting, title=found["title"][:300], source_kind=source,
                                     source_ref=found["ref"], case=found["case"], unit=found["unit"])
    record("supervision.agenda.add", user=user, obj=item, unit=found["unit"],
           after={"meeting": meeting.pk, "source_kind": source, "source_ref": item.source_ref, "title": item.title},
           summary=f"会议「{meeting.title}」列入议题（{source.label}）：{item.title[:80]}。")
    return item


SOURCE_TASK_KIND = {AgendaSource.RED_LIGHT: TaskSource.WARNING, AgendaSource.OVERDUE_CASE: TaskSource.OVERDUE_CASE,
                    AgendaSource.PROJECT_PROBLEM: TaskSource.PROJECT_PROBLEM}


def source_to_task(kind: str, ref: str, *, user: Any, urgency: str = Urgency.URGENT, urgent_days: int | None = 5,
                   now: dt.datetime | None = None) -> SupervisionTask:
    """One click: a red light, an overdue case or a project problem becomes a supervision task for its unit
    (紧急, 5 working days unless chosen otherwise)."""
    source = AgendaSource(kind)
    if source not in SOURCE_TASK_KIND:
        raise AppError("只有红灯预警、逾期事项和项目问题可以一键转为督办任务。")
    found = resolve_source(kind, ref, now=now)
    if found["unit"] is None:
        raise AppError("该事项没有明确的责任单位，不能直接转督办：请先列为会议议题，由会议议定责任单位。")
    task_kind = SOURCE_TASK_KIND[source]
    if SupervisionTask.objects.filter(source_kind=task_kind, source_ref=found["ref"],
                                      case__state__in=[str(s) for s in OPEN_STATES]).exists():
        raise AppError("该事项已有办理中的督办任务，不能重复督办。", status=409)
    return create_task(title=f"督办：{found['title']}"[:200], description=found["title"], owner_unit=found["unit"],
                       source_kind=task_kind, source_ref=found["ref"], urgency=urgency, urgent_days=urgent_days,
                       user=user, received_at=now)


# --- 销号 review (the checklist) -------------------------------------------------------------------------------


def checklist() -> list[tuple[str, str]]:
    review = load_profile(PROFILE).closure_review
    return [(i.code, i.name) for i in review.checklist] if review else []


def review_task(task: SupervisionTask, *, checks: dict[str, bool], reason: str = "", user: Any,
                now: dt.datetime | None = None) -> Case:
    """The office's 销号 review: all five passed → the instructing leader's window; any failed → 退回重办
    with the reasons (the failed items are named in the reason recorded)."""
    from newind.cases.calc import review_outcome

    items = [c for c, _ in checklist()]
    missing = [name for code, name in checklist() if code not in checks]
    if missing:
        raise AppError(f"销号审核须逐项判定：「{'、'.join(missing)}」尚未判定。")
    action = review_outcome(checks, items)
    if action == Action.REVIEW_FAIL:
        failed = "、".join(name for code, name in checklist() if not checks[code])
        if not reason.strip():
            raise AppError(f"「{failed}」未通过：退回重办须写明理由。")
        reason = f"未通过：{failed}。{reason.strip()}"
    return case_services.apply_action(task.case, action, user=user, role=CaseRole.OFFICE,
                                      now=now or case_services.clock(), reason=reason,
                                      checks=dict(checks))
