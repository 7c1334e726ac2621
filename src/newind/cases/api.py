"""JSON API of the appeals: list, one case (timeline, attachments, the actions one may take now), filing, and
actions — through the same access functions (newind.accounts.access, cases block) and services as the pages.
The URL's id decides which case is touched; ids in the body (a firm, units) are checked like the URL's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth

from newind.accounts.access import case_filing_firm, case_for, case_role, cases_in_scope
from newind.cases import services
from newind.cases.calc import allowed_actions
from newind.cases.choices import CaseKind, Channel, State
from newind.cases.forms import end_of_day
from newind.cases.models import Case
from newind.cases.queries import unsatisfied_reasons
from newind.cases.sla import format_deadline, to_local
from newind.core.errors import AppError
from newind.units.models import Unit

router = Router(tags=["企业诉求"])


def _signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise AppError("请先登录。", status=401, code="unauthenticated")


def _iso(moment: dt.datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment is not None else None


def _summary(case: Case) -> dict[str, Any]:
    return {"id": case.pk, "code": case.code, "kind": case.kind, "title": case.title, "state": case.state,
            "state_label": case.get_state_display(), "channel": case.channel,
            "firm": case.concerned_unit.code if case.concerned_unit else None, "firm_name": case.concerned_name,
            "lead_unit": case.lead_unit.code if case.lead_unit else None,
            "received_at": _iso(case.received_at), "close_deadline": _iso(case.close_deadline),
            "close_deadline_text": format_deadline(case.close_deadline),
            "original_close_deadline": _iso(case.original_close_deadline), "closed_at": _iso(case.closed_at),
            "rating": case.rating, "redo_count": case.redo_count, "extensions_approved": case.extensions_approved,
            "is_synthetic": case.is_synthetic}


def _detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    role = case_role(request.user, case)
    events = [{"at": _iso(e.at), "kind": e.kind, "from_state": e.from_state, "to_state": e.to_state,
               "actor": e.actor_name, "role": e.role, "note": e.note, "data": e.data} for e in case.events.all()]
    attachments = [{"id": a.pk, "name": a.name, "kind": a.kind, "size": a.size, "sha256": a.sha256,
                    "url": f"/cases/{case.pk}/attachments/{a.pk}/"} for a in case.attachments.all()]
    return {**_summary(case), "description": case.description, "role": role,
            "categories": list(case.categories.values_list("category", flat=True)),
            "co_units": list(case.co_units.values_list("code", flat=True)),
            "deadlines": case.deadlines, "actions": [str(a) for a in allowed_actions(case.state, role)],
            "timeline": events, "attachments": attachments, "unsatisfied_reasons": unsatisfied_reasons(
                Case.objects.filter(pk=case.pk))}


@router.get("/", summary="可查看的事项（企业：本企业；承办单位：交办本单位的；办公室、市领导：全部）")
def list_cases(request: HttpRequest, state: str | None = Query(None), kind: str | None = Query(None),
               limit: int = Query(200, le=1000)) -> list[dict[str, Any]]:
    _signed_in(request)
    cases = cases_in_scope(request.user).select_related("concerned_unit", "lead_unit").order_by("-received_at", "-id")
    if state:
        if state not in State.values:
            raise AppError(f"状态「{state}」不存在：可选 {', '.join(State.values)}。")
        cases = cases.filter(state=state)
    if kind:
        if kind not in CaseKind.values:
            raise AppError(f"类型「{kind}」不存在：可选 {', '.join(CaseKind.values)}。")
        cases = cases.filter(kind=kind)
    return [_summary(c) for c in cases[:limit]]


@router.get("/{case_id}", summary="一件事项：时限、办理动态、附件，以及当前可执行的操作")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _signed_in(request)
    return _detail(request, case_for(request.user, case_id))


class AppealIn(Schema):
    title: str
    description: str
    categories: list[str]
    firm: str | None = None  # the office names the firm (unit code); a firm's own user leaves it out
    channel: str = Channel.PLATFORM


@router.post("/", auth=django_auth, summary="提交诉求（企业为本企业；办公室代企业提交须给出 firm）")
def file_appeal(request: HttpRequest, payload: AppealIn) -> dict[str, Any]:
    _signed_in(request)
    firm = case_filing_firm(request.user, payload.firm)
    if payload.channel not in Channel.values:
        raise AppError(f"来源渠道「{payload.channel}」不存在：可选 {', '.join(Channel.values)}。")
    case = services.file_appeal(user=request.user, firm=firm, title=payload.title, description=payload.description,
                                category_codes=payload.categories, channel=payload.channel)
    return _detail(request, case)


class ActionIn(Schema):
    action: str  # a cases.choices.Action value, or "rate"
    reason: str = ""
    note: str = ""
    new_deadline: str | None = None  # a date (24:00 of that day) or an ISO datetime
    lead_unit: str | None = None  # a department's unit code
    co_units: list[str] | None = None
    rating: str = ""
    reason_kind: str = ""


def _department(code: str, field: str) -> Unit:
    found = Unit.objects.filter(code=code, kind="department").first()
    if found is None:
        raise AppError(f"请求体「{field}」：「{code}」不是市直部门的单位代码。")
    return found


def _deadline(text: str) -> dt.datetime:
    try:
        if len(text) == 10:
            return end_of_day(dt.date.fromisoformat(text))
        return to_local(dt.datetime.fromisoformat(text))
    except ValueError:
        raise AppError(f"请求体「new_deadline」：「{text}」不是日期（如 2017-10-19，指当日 24:00）或日期时间。") from None


@router.post("/{case_id}/actions", auth=django_auth, summary="对事项执行一项操作（交办、答复、申请延期、办结、评价等）")
def take_action(request: HttpRequest, case_id: int, payload: ActionIn) -> dict[str, Any]:
    _signed_in(request)
    case = case_for(request.user, case_id, write=True)
    role = case_role(request.user, case)
    if payload.action == "rate":
        fields: dict[str, Any] = {"rating": payload.rating, "reason": payload.reason,
                                  "reason_kind": payload.reason_kind}
    else:
        fields = {"reason": payload.reason, "note": payload.note}
        if payload.new_deadline:
            fields["new_deadline"] = _deadline(payload.new_deadline)
        if payload.lead_unit:
            fields["lead_unit"] = _department(payload.lead_unit, "lead_unit")
        if payload.co_units is not None:
            fields["co_units"] = [_department(c, "co_units") for c in payload.co_units]
    from newind.cases.choices import Action

    if payload.action != "rate" and payload.action not in Action.values:
        raise AppError(f"没有「{payload.action}」这项操作：可选 {', '.join(Action.values)} 或 rate。")
    case = services.act(case, payload.action, user=request.user, role=role, **fields)
    return _detail(request, case_for(request.user, case.pk))
