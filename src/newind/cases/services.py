"""Writes of the case engine: filing a case and applying each action, atomically, with timeline and audit.

Callers pass the user and the user's role *in this case* (`CaseRole`), decided by the access layer
(`newind.accounts.access`); the rules themselves are `cases.calc.step`, so the page, the API, the jobs and
the demo all go through the same table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from newind.audit.services import record
from newind.cases.calc import TRANSITIONS, CaseFacts, rating_action, step
from newind.cases.choices import Action, CaseKind, Channel, EventKind, ExtensionState, Rating, State
from newind.cases.models import Case, CaseAttachment, CaseCategory, CaseEvent, ExtensionRequest
from newind.cases.queries import categories
from newind.cases.sla import SlaProfile, format_deadline, load_profile, to_local, working_days_to_close
from newind.core.errors import AppError
from newind.units.models import Unit

CODE_PREFIX = {CaseKind.APPEAL: "SQ", CaseKind.SUPERVISION: "DB", CaseKind.PROJECT_PROBLEM: "XM"}


def _actor_name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "系统"
    return str(user.get_full_name() or user.get_username())


def _iso(moment: dt.datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment is not None else None


def _snapshot(case: Case) -> dict[str, Any]:
    # Times in Shanghai ISO form, the way the deadlines are written everywhere else.
    return {"state": case.state, "lead_unit": case.lead_unit_id, "close_deadline": _iso(case.close_deadline),
            "closed_at": _iso(case.closed_at), "rating": case.rating, "redo_count": case.redo_count,
            "extensions_approved": case.extensions_approved}


def _check_categories(codes: Sequence[str]) -> list[str]:
    known = categories()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise AppError(f"分类「{'、'.join(unknown)}」不在分类表中：请从 {'、'.join(known.values())} 中选择。")
    if not codes:
        raise AppError("请至少选择一个分类（不确定时选「其他」）。")
    return list(dict.fromkeys(codes))


@transaction.atomic
def file_case(*, user: Any, title: str, profile_code: str, received_at: dt.datetime,
              category_codes: Sequence[str], kind: str = CaseKind.APPEAL, channel: str = Channel.PLATFORM,
              description: str = "", concerned_unit: Unit | None = None, concerned_name: str = "",
              is_complex: bool = False, is_synthetic: bool = False, time_class: str = "",
              class_days: int | None = None) -> Case:
    """Register a case (受理) with its deadlines from the SLA profile; audited and on the timeline.

    `time_class` (a profile's time_classes, e.g. 督办 紧急/一般/文件) sets the closing deadline instead of the
    closing stage; `class_days` is the limit chosen within a class's range (紧急 1–5 working days)."""
    if not title.strip():
        raise AppError("请填写事项标题。")
    profile = load_profile(profile_code)
    codes = _check_categories(category_codes)
    received = to_local(received_at)
    deadlines = profile.deadlines(received)
    close = profile.close_deadline(received, complex_case=is_complex)
    if time_class:
        close = profile.time_class(time_class).deadline(received, class_days)
        deadlines[profile.close_stage] = close
    case = Case.objects.create(time_class=time_class,
        code=f"tmp-{uuid.uuid4().hex[:24]}", kind=CaseKind(kind), channel=Channel(channel), title=title.strip(),
        description=description, concerned_unit=concerned_unit,
        concerned_name=concerned_name or (concerned_unit.name if concerned_unit else ""), sla_profile=profile.code,
        is_complex=is_complex, received_at=received, deadlines={k: v.isoformat() for k, v in deadlines.items()},
        close_deadline=close, original_close_deadline=close, state=State.RECEIVED,
        created_by=user if getattr(user, "is_authenticated", False) else None, is_synthetic=is_synthetic)
    # The code carries the kind, the year of receipt and the row id: unique without a counter table.
    case.code = f"{CODE_PREFIX[CaseKind(kind)]}{received.year}{case.pk:07d}"
    case.save(update_fields=["code"])
    CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in codes])
    CaseEvent.objects.create(case=case, at=received, kind=EventKind.CREATED, to_state=State.RECEIVED,
                             actor=case.created_by, actor_name=_actor_name(user),
                             note=f"按「{profile.name}」计时，办结时限 {format_deadline(close)}。",
                             data={"deadlines": case.deadlines, "categories": codes})
    record("case.file", user=user, obj=case, unit=concerned_unit,
           after={**_snapshot(case), "code": case.code, "profile": profile.code, "categories": codes},
           summary=f"受理事项 {case.code}「{case.title}」，办结时限 {format_deadline(close)}。")
    return case


def _facts(case: Case) -> CaseFacts:
    pending = case.extension_requests.filter(state=ExtensionState.PENDING).order_by("-id").first()
    return CaseFacts(state=State(case.state), received_at=case.received_at, close_deadline=case.close_deadline,
                     assigned_at=case.assigned_at, dispute_used=case.dispute_used,
                     requested_deadline=pending.new_deadline if pending else None, closed_at=case.closed_at,
                     redo_count=case.redo_count, extensions_approved=case.extensions_approved,
                     closure_review=load_profile(case.sla_profile).closure_review is not None,
                     closure_submitted_at=case.closure_submitted_at, review_passed_at=case.review_passed_at)


def _refusal_status(state: str, action: Action, role: str | None) -> int:
    rule = TRANSITIONS.get((State(state), action))
    return 403 if rule is not None and role not in rule[1] else 409


@transaction.atomic
def apply_action(case: Case, action: str, *, user: Any, role: str | None, now: dt.datetime | None = None,
                 reason: str = "", note: str = "", new_deadline: dt.datetime | None = None,
                 lead_unit: Unit | None = None, co_units: Iterable[Unit] | None = None,
                 rating: str = "", reason_kind: str = "", unit: Unit | None = None,
                 checks: dict[str, bool] | None = None) -> Case:
    """Take one action on a case as `role` at `now` (default: the clock); refused actions raise AppError.

    Assignment names the lead unit (and co-handlers); a reassignment after a dispute names the new lead unit.
    The case row is locked for the duration, so two offices cannot act on the same state at once.
    """
    act = Action(action)
    case = Case.objects.select_for_update().get(pk=case.pk)
    moment = to_local(now or timezone.now())
    profile: SlaProfile = load_profile(case.sla_profile)
    co_list = list(co_units) if co_units is not None else None
    if act in (Action.ASSIGN, Action.SETTLE_REASSIGN) and lead_unit is None:
        raise AppError(f"「{act.label}」须指定牵头承办单位。")
    facts = _facts(case)
    if act == Action.ASSIGN and co_list and case.extensions_approved == 0:
        # A multi-department case runs under the profile's longer limit when it has one.
        facts = CaseFacts(**{**facts.__dict__, "close_deadline": profile.close_deadline(
            case.received_at, multi_department=True, complex_case=case.is_complex)})
    data_checks = _check_review(profile, act, checks) if act in (Action.REVIEW_PASS, Action.REVIEW_FAIL) else {}
    outcome = step(facts, act, role, now=moment, profile=profile, reason=reason, new_deadline=new_deadline)
    if not outcome.allowed or outcome.facts is None:
        raise AppError(outcome.message, status=_refusal_status(case.state, act, role), code="refused")
    before = _snapshot(case)
    after_facts = outcome.facts
    from_state = case.state
    case.state = after_facts.state
    case.close_deadline = after_facts.close_deadline
    case.assigned_at = after_facts.assigned_at
    case.dispute_used = after_facts.dispute_used
    case.redo_count = after_facts.redo_count
    case.extensions_approved = after_facts.extensions_approved
    case.closure_submitted_at = after_facts.closure_submitted_at
    case.review_passed_at = after_facts.review_passed_at
    data: dict[str, Any] = {}
    if act in (Action.REVIEW_PASS, Action.REVIEW_FAIL):
        data["checks"] = data_checks
    if act in (Action.ASSIGN, Action.SETTLE_REASSIGN):
        assert lead_unit is not None
        case.lead_unit = lead_unit
        data["lead_unit"] = lead_unit.code
    if act == Action.ASSIGN and case.extensions_approved == 0:
        # The multi-department limit is the case's own limit, not an extension: it is the original too.
        case.original_close_deadline = case.close_deadline
    if act in (Action.CLOSE, Action.SIGN_OFF):
        case.closed_at = after_facts.closed_at
        case.first_closed_at = case.first_closed_at or after_facts.closed_at
        assert case.closed_at is not None
        case.working_days_to_close = working_days_to_close(case.received_at, case.closed_at)
    if act in (Action.RATE_SATISFIED, Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL):
        case.rating = Rating(rating or (Rating.SATISFIED if act == Action.RATE_SATISFIED else Rating.UNSATISFIED))
        case.unsatisfied_reason = reason if case.rating == Rating.UNSATISFIED else ""
        case.unsatisfied_reason_kind = reason_kind if case.rating == Rating.UNSATISFIED else ""
        data.update(rating=case.rating, reason_kind=case.unsatisfied_reason_kind)
    if act == Action.RATE_UNSATISFIED_REDO:
        case.closed_at = None  # open again until the redo is closed
        case.working_days_to_close = None
    if act == Action.ARCHIVE:
        case.archived_at = moment
    if act == Action.REQUEST_EXTENSION:
        assert new_deadline is not None
        ExtensionRequest.objects.create(case=case, requested_at=moment, requested_by=_user(user), reason=reason,
                                        old_deadline=case.close_deadline, new_deadline=to_local(new_deadline))
        data["new_deadline"] = to_local(new_deadline).isoformat()
    if act in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
        request = case.extension_requests.select_for_update().filter(state=ExtensionState.PENDING).latest("id")
        request.state = ExtensionState.APPROVED if act == Action.APPROVE_EXTENSION else ExtensionState.REJECTED
        request.decided_at, request.decided_by, request.decision_note = moment, _user(user), reason or note
        request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        data["extension_request"] = request.pk
    case.save()
    if act == Action.ASSIGN and co_list is not None:
        case.co_units.set(co_list)
        data["co_units"] = [u.code for u in co_list]
    text = "；".join(t for t in (reason.strip(), note.strip()) if t)
    CaseEvent.objects.create(case=case, at=moment, kind=act, from_state=from_state, to_state=case.state,
                             actor=_user(user), actor_name=_actor_name(user), role=role or "", unit=unit,
                             note=text, data=data)
    record(f"case.{act}", user=user, obj=case, unit=case.lead_unit, before=before,
           after={**_snapshot(case), **data, "role": role, "reason": reason},
           summary=f"事项 {case.code}：{act.label}（{State(from_state).label} → {State(case.state).label}）"
                   + (f"，理由：{reason.strip()}" if reason.strip() else "") + "。")
    return case


def _check_review(profile: SlaProfile, act: Action, checks: dict[str, bool] | None) -> dict[str, bool]:
    """The 销号 checklist as judged: every item of the profile, and the outcome it gives must be the action."""
    from newind.cases.calc import review_outcome

    review = profile.closure_review
    if review is None:
        return {}
    items = [i.code for i in review.checklist]
    judged = {k: bool(v) for k, v in (checks or {}).items() if k in items}
    if len(judged) != len(items):
        names = "、".join(i.name for i in review.checklist if i.code not in judged)
        raise AppError(f"销号审核须逐项判定：「{names}」尚未判定。")
    if review_outcome(judged, items) != act:
        raise AppError("五项全部通过方可审核通过；有任一项不通过的，须退回重办并写明理由。")
    return judged


def sign_off_due(now: dt.datetime | None = None) -> list[Case]:
    """销号 by the job: every case waiting for its instructing leader whose window (the profile's
    leader_window_working_days after the review passed) has ended with no instruction added; audited as the
    office's (后台任务) action through the one transition table."""
    from newind.cases.calc import leader_window_until
    from newind.cases.choices import CaseRole

    moment = to_local(now or timezone.now())
    done: list[Case] = []
    profiles: dict[str, SlaProfile] = {}
    waiting = Case.objects.filter(state=State.AWAITING_LEADER, review_passed_at__lt=moment).order_by("id")
    for case in waiting:
        profile = profiles.get(case.sla_profile) or profiles.setdefault(case.sla_profile, load_profile(case.sla_profile))
        assert case.review_passed_at is not None
        if moment < leader_window_until(case.review_passed_at, profile):
            continue
        done.append(apply_action(case, Action.SIGN_OFF, user=None, role=CaseRole.OFFICE, now=moment,
                                 note="交办领导审定期满未补充批示，自动销号。"))
    return done


def rate(case: Case, rating: str, *, user: Any, role: str | None, reason: str = "", reason_kind: str = "",
         now: dt.datetime | None = None) -> Case:
    """The firm's rating or the office's call-back: 满意/基本满意 evaluates; 不满意 for a subjective reason sends
    the case back for redo, for an objective one (the office's judgement) evaluates it."""
    if Rating(rating) == Rating.UNSATISFIED and reason_kind not in ("subjective", "objective"):
        raise AppError("评价「不满意」须选择原因类型（主观原因或客观原因）并写明理由。")
    return apply_action(case, rating_action(rating, reason_kind or None), user=user, role=role, reason=reason,
                        rating=rating, reason_kind=reason_kind, now=now)


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- appeals: the clock, filing with attachments, attachments (issue 11 §2) ------------------------------------


def clock() -> dt.datetime:
    """Now, for the pages and the API (tests set it: the working-day rules depend on the day)."""
    return timezone.now()


# The attachment types accepted: extension → (MIME type, a check of the file's first bytes / contents).
ATTACHMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_PART = {"docx": "word/", "xlsx": "xl/"}


def attachment_dir() -> Path:
    from django.conf import settings

    return Path(settings.NEWIND_ATTACHMENT_DIR)


def _attachment_kind(name: str, head: bytes, data: bytes) -> str:
    """The file's type if it is one we take and its contents agree with its name; else an AppError."""
    import io
    import zipfile

    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_TYPES:
        raise AppError(f"附件「{name}」的类型不支持：只能上传 PDF、JPG/PNG 图片、Word（.docx）或 Excel（.xlsx）文件。")
    ok = {"pdf": head.startswith(b"%PDF-"), "jpg": head.startswith(b"\xff\xd8\xff"),
          "jpeg": head.startswith(b"\xff\xd8\xff"), "png": head.startswith(b"\x89PNG\r\n\x1a\n")}.get(ext)
    if ext in _OOXML_PART:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                ok = any(n.startswith(_OOXML_PART[ext]) for n in archive.namelist())
        except zipfile.BadZipFile:
            ok = False
    if not ok:
        raise AppError(f"附件「{name}」的内容与扩展名 .{ext} 不符（文件可能已损坏或被改名）：请上传原始文件。")
    return "jpg" if ext == "jpeg" else ext


@transaction.atomic
def add_attachment(case: Case, upload: Any, *, user: Any, event: CaseEvent | None = None,
                   now: dt.datetime | None = None) -> CaseAttachment:
    """Check one uploaded file (type by name and contents, size against NEWIND_ATTACHMENT_MAX_BYTES), store it
    under a random name outside the web root, and record it (audited). The caller has checked write access."""
    import hashlib

    from django.conf import settings

    from newind.core.uploads import check_size

    name = Path(str(getattr(upload, "name", "") or "附件")).name[:200]
    limit = int(settings.NEWIND_ATTACHMENT_MAX_BYTES)
    check_size(int(upload.size), limit, f"附件「{name}」请压缩或拆分后再上传。")
    data = bytes(upload.read())
    check_size(len(data), limit, f"附件「{name}」请压缩或拆分后再上传。")
    kind = _attachment_kind(name, data[:16], data)
    relative = Path(str(case.pk)) / f"{uuid.uuid4().hex}.{kind}"
    target = attachment_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    attachment = CaseAttachment.objects.create(
        case=case, event=event, name=name, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        stored_as=relative.as_posix(), uploaded_at=to_local(now or clock()), uploaded_by=_user(user),
        uploaded_by_name=_actor_name(user))
    record("case.attachment", user=user, obj=attachment, unit=case.lead_unit,
           after={"case": case.code, "name": name, "kind": kind, "size": len(data), "sha256": attachment.sha256},
           summary=f"事项 {case.code} 上传附件「{name}」（{kind}，{len(data)} 字节）。")
    return attachment


def attachment_path(attachment: CaseAttachment) -> Path:
    """Where an attachment's bytes are (inside NEWIND_ATTACHMENT_DIR; the stored name is ours, not the user's)."""
    base = attachment_dir().resolve()
    path = (base / attachment.stored_as).resolve()
    if base not in path.parents:
        raise AppError("附件存储路径异常，已拒绝读取：请联系系统管理员。", status=500)
    return path


@transaction.atomic
def file_appeal(*, user: Any, firm: Unit, title: str, category_codes: Sequence[str], description: str = "",
                channel: str = Channel.PLATFORM, files: Sequence[Any] = (), profile_code: str = "",
                now: dt.datetime | None = None) -> Case:
    """A firm's appeal (企业诉求), filed by the firm or on its behalf, with its attachments, in one transaction.
    The caller has decided the firm through access.case_filing_firm."""
    from django.conf import settings

    if not description.strip():
        raise AppError("请填写诉求内容：写明遇到的问题和希望解决的事项。")
    case = file_case(user=user, title=title, profile_code=profile_code or settings.NEWIND_APPEAL_SLA_PROFILE,
                     received_at=now or clock(), category_codes=category_codes, kind=CaseKind.APPEAL,
                     channel=channel, description=description.strip(), concerned_unit=firm)
    created = case.events.get(kind=EventKind.CREATED)
    for upload in files:
        add_attachment(case, upload, user=user, event=created, now=now)
    return case


def act(case: Case, action: str, *, user: Any, role: str | None, files: Sequence[Any] = (),
        now: dt.datetime | None = None, **fields: Any) -> Case:
    """One action from a page or the API, with its attachments (a reply's material): `rate` for the
    ratings, `apply_action` otherwise, at the clock's now. The caller has decided access and the role."""
    moment = now or clock()
    with transaction.atomic():
        if action == "rate":
            case = rate(case, str(fields.get("rating", "")), user=user, role=role, reason=str(fields.get("reason", "")),
                        reason_kind=str(fields.get("reason_kind", "")), now=moment)
        else:
            case = apply_action(case, action, user=user, role=role, now=moment, **fields)
        if files:
            event = case.events.order_by("-id").first()
            for upload in files:
                add_attachment(case, upload, user=user, event=event, now=moment)
    return case
