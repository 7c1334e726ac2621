"""Producing the case notices (reminders, 催办, escalations, call-back tasks): recorded once, audited, pushed.

`produce_notices(now)` is what the periodic job `cases.notify` runs. It reads the cases that can owe a
notice (open ones, and closed ones not yet rated) in one query with their co-handler counts, asks
`calc.notices_due` for each, and records the new ones; a notice already recorded (same case, kind, stage,
level and deadline) is skipped, so running twice, or after an outage, doubles nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from newind.audit.services import record
from newind.cases.calc import OPEN_STATES, NoticeDue, notices_due, progress_reminders_due
from newind.cases.choices import Action, CaseRole, NoticeKind, State, WebhookStatus
from newind.cases.models import Case, CaseEvent, CaseNotice
from newind.cases.sla import EscalateTo, SlaProfile, format_deadline, load_profile, to_local
from newind.core.webhook import post_text

log = logging.getLogger("newind.cases")


def _recipient(case: Case, to: str) -> str:
    lead = case.lead_unit.name if case.lead_unit else "市新型工业化办公室（待交办）"
    if to == "lead":
        return lead
    if to == "co_handler":
        return "协办单位" if case.lead_unit else lead
    if to == EscalateTo.LEAD_HEAD:
        return f"{lead}主要负责人"
    return EscalateTo.LABELS.get(to, "市新型工业化办公室")


def _message(case: Case, due: NoticeDue, profile: SlaProfile) -> str:
    stage = next((s.name for s in profile.stages if s.code == due.stage), "")
    deadline = format_deadline(due.deadline)
    if due.kind == NoticeKind.REMINDER:
        return f"【到期提醒】事项 {case.code}「{case.title}」的「{stage}」将于 {deadline} 到期，请抓紧办理。"
    if due.kind == NoticeKind.CHASE:
        return f"【催办】事项 {case.code}「{case.title}」已超过办结时限 {deadline}，请立即办理并说明原因。"
    if due.kind == NoticeKind.ESCALATION:
        rung = profile.escalation[due.level - 1]
        return (f"【逾期升级·第{due.level}级】事项 {case.code}「{case.title}」逾期已满 {rung.after_working_days} 个工作日"
                f"（办结时限 {deadline}），报{rung.label}督办。")
    if due.kind == NoticeKind.PROGRESS:
        return (f"【进展报告提醒】督办事项 {case.code}「{case.title}」请于 {due.deadline - dt.timedelta(seconds=1):%Y年%-m月%-d日}"
                f"前报送上月办理进展（在事项页「{Action.REPLY.label}」），办结时限 {format_deadline(case.close_deadline)}。")
    return f"【回访】事项 {case.code}「{case.title}」已于 {format_deadline(due.deadline)} 办结，请回访企业并记录评价。"


def _candidates(now: dt.datetime) -> Any:
    # Open cases, and closed ones waiting for their call-back; with the number of co-handlers (one query).
    return (Case.objects.filter(Q(state__in=[str(s) for s in OPEN_STATES]) | Q(state=State.CLOSED, rating=""))
            .select_related("lead_unit").annotate(co_count=Count("co_units")).order_by("id"))


def _timeline_entries(case_ids: list[int], profiles: set[str]) -> dict[int, list[tuple[str, str]]]:
    """case id → the distinct (action, role) entries of its timeline that can meet a stage of the cases'
    profiles (one query)."""
    actions = sorted({d.split(":")[0] for code in profiles for s in load_profile(code).stages for d in s.done_by})
    out: dict[int, list[tuple[str, str]]] = {}
    if not case_ids or not actions:
        return out
    rows = (CaseEvent.objects.filter(case_id__in=case_ids, kind__in=actions).order_by()
            .values_list("case_id", "kind", "role").distinct())
    for case_id, kind, role in rows:
        out.setdefault(case_id, []).append((kind, role))
    return out


def _progress_replies(case_ids: list[int]) -> dict[int, list[dt.datetime]]:
    """case id → when its lead unit replied with progress (答复进展), for the cases owing progress reports
    (one query)."""
    out: dict[int, list[dt.datetime]] = {}
    if not case_ids:
        return out
    rows = (CaseEvent.objects.filter(case_id__in=case_ids, kind=Action.REPLY, role=CaseRole.LEAD).order_by()
            .values_list("case_id", "at"))
    for case_id, at in rows:
        out.setdefault(case_id, []).append(at)
    return out


def produce_notices(now: dt.datetime) -> list[CaseNotice]:
    """Record (audited) and push every notice due by `now` that is not recorded yet; returns the new ones."""
    moment = to_local(now)
    profiles: dict[str, SlaProfile] = {}
    made: list[CaseNotice] = []
    candidates = list(_candidates(moment))
    met = _timeline_entries([c.pk for c in candidates], {c.sla_profile for c in candidates})
    # 督办: the tasks of a profile with a progress rule owe monthly (or quarterly) progress reports.
    with_rule = {code for code in {c.sla_profile for c in candidates} if load_profile(code).progress is not None}
    owing = [c.pk for c in candidates if c.time_class and c.sla_profile in with_rule]
    replies = _progress_replies(owing)
    for case in candidates:
        profile = profiles.get(case.sla_profile) or profiles.setdefault(case.sla_profile, load_profile(case.sla_profile))
        stage_deadlines = {k: dt.datetime.fromisoformat(v) for k, v in (case.deadlines or {}).items()}
        due_list = notices_due(state=case.state, stage_deadlines=stage_deadlines, close_deadline=case.close_deadline,
                               profile=profile, now=moment, multi_department=case.co_count > 0,
                               complex_case=case.is_complex, closed_at=case.closed_at, rating=case.rating,
                               events=met.get(case.pk, ()))
        if profile.progress is not None and case.time_class:
            due_list += progress_reminders_due(state=case.state, received_at=case.received_at,
                                               close_deadline=case.close_deadline, time_class=case.time_class,
                                               profile=profile, now=moment, reported_at=replies.get(case.pk, ()))
        for due in due_list:
            notice = _record(case, due, profile, moment)
            if notice is not None:
                made.append(notice)
    return made


def _record(case: Case, due: NoticeDue, profile: SlaProfile, now: dt.datetime) -> CaseNotice | None:
    key = {"case": case, "kind": due.kind, "stage": due.stage, "level": due.level, "deadline": due.deadline}
    if CaseNotice.objects.filter(**key).exists():
        return None
    try:
        with transaction.atomic():
            notice = CaseNotice.objects.create(**key, due_at=due.due_at, created_at=now,
                                               recipient=_recipient(case, due.to)[:100],
                                               message=_message(case, due, profile)[:500])
            record(f"case.notice.{due.kind}", user=None, actor="后台任务", obj=notice, unit=case.lead_unit,
                   after={"case": case.code, "kind": due.kind, "stage": due.stage, "level": due.level,
                          "deadline": to_local(due.deadline).isoformat(), "recipient": notice.recipient},
                   summary=notice.message)
    except IntegrityError:  # another run recorded it in the meantime
        return None
    _push(notice)
    return notice


def _push(notice: CaseNotice) -> None:
    url = getattr(settings, "NEWIND_WEBHOOK_URL", "")
    if not url:
        return
    error = post_text(url, f"{notice.recipient}：{notice.message}")
    notice.webhook_status = WebhookStatus.FAILED if error else WebhookStatus.SENT
    notice.webhook_error = error[:300]
    notice.save(update_fields=["webhook_status", "webhook_error"])
    if error:
        log.warning("case notice webhook failed: %s", error)
