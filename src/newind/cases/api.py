"""JSON API of the appeals: list, one case (timeline, attachments, the actions one may take now), filing, and
actions — through the same access functions (newind.accounts.access, cases block) and services as the pages.
The URL's id decides which case is touched; ids in the body (a firm, units) are checked like the URL's.

JSON API of the case metrics and the overdue list: the same filters, figures and access rule as the pages
(`accounts.access.case_metrics_scope`: a department sees its own unit's cases, an edited `unit` is a 403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth

from newind.accounts.access import CASE_METRICS_PAGE, case_filing_firm, case_for, case_role, cases_in_scope
from newind.cases import services
from newind.cases.calc import allowed_actions
from newind.cases.choices import CaseKind, Channel, State
from newind.cases.exports import METRIC_TABLE, metric_rows
from newind.cases.forms import end_of_day, read_filters
from newind.cases.models import Case
from newind.cases.queries import metrics, overdue_counts, overdue_rows, unsatisfied_reasons
from newind.cases.sla import format_deadline, load_profile, to_local
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
            "deadlines": case.deadlines, "actions": [str(a) for a in allowed_actions(
                case.state, role, closure_review=load_profile(case.sla_profile).closure_review is not None)],
            "timeline": events, "attachments": attachments, "unsatisfied_reasons": unsatisfied_reasons(
                Case.objects.filter(pk=case.pk))}


@router.get("/", summary="可查看的事项（企业：本企业；承办单位：交办本单位的；办公室、市领导：全部）")
def list_cases(request: HttpRequest, state: str | None = Query(None), kind: str | None = Query(None),
               limit: int = Query(200, ge=1, le=1000)) -> list[dict[str, Any]]:
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


# (the metrics and the overdue list share the router above)
PAGE_SIZE = 50


def _filters(request: HttpRequest, **values: Any) -> Any:
    CASE_METRICS_PAGE.require(request.user)
    return read_filters(request.user, {k: v for k, v in values.items() if v is not None})


def _selection(filters: Any) -> dict[str, Any]:
    return {"year": filters.year, "kind": filters.kind, "unit": filters.unit, "now": to_local(filters.now).isoformat(),
            "units": None if filters.units is None else sorted(filters.units)}


@router.get("/metrics/", summary="办结率、按期办结率、延期率、满意率、平均办结用时（工作日）、逾期及不满意原因：按承办单位、分类或月份")
def metrics_api(request: HttpRequest, by: str = Query("department"), year: int | None = Query(None),
                kind: str | None = Query(None), unit: int | None = Query(None),
                at: str | None = Query(None)) -> dict[str, Any]:
    filters = _filters(request, by=by, year=year, kind=kind, unit=unit, at=at)
    rows = metric_rows(filters.by, metrics(filters.by, now=filters.now, where=filters.where))
    # Rates without a denominator are null here (the pages and the workbooks write "—").
    for row in rows:
        for column, _ in METRIC_TABLE:
            if row[column] == "—":
                row[column] = None
    return {"by": filters.by, **_selection(filters), "rows": rows}


@router.get("/overdue/", summary="逾期事项：逾期未办结（list=still_open）或逾期办结（list=done_late），每页50件，逾期最久的在前")
def overdue_api(request: HttpRequest, list: str = Query("still_open"), page: int = Query(1),  # noqa: A002
                year: int | None = Query(None), kind: str | None = Query(None), unit: int | None = Query(None),
                at: str | None = Query(None)) -> dict[str, Any]:
    filters = _filters(request, list=list, page=page, year=year, kind=kind, unit=unit, at=at)  # (page clamped there)
    counts = overdue_counts(now=filters.now, where=filters.where)
    rows = overdue_rows(filters.list, now=filters.now, where=filters.where, offset=(filters.page - 1) * PAGE_SIZE,
                        limit=PAGE_SIZE)
    items = [{"id": r["id"], "code": r["code"], "kind": r["kind"], "title": r["title"],
              "concerned": r["concerned_name"], "lead_unit": r["lead_unit__name"], "state": r["state"],
              "state_label": r["state_label"], "received_at": to_local(r["received_at"]).isoformat(),
              "close_deadline": to_local(r["close_deadline"]).isoformat(),
              "original_close_deadline": to_local(r["original_close_deadline"]).isoformat(),
              "closed_at": to_local(r["closed_at"]).isoformat() if r["closed_at"] else None,
              "working_days_late": r["working_days_late"], "extensions_approved": r["extensions_approved"],
              "redo_count": r["redo_count"], "is_synthetic": r["is_synthetic"]} for r in rows]
    return {"list": filters.list, **_selection(filters), "counts": counts, "page": filters.page,
            "page_size": PAGE_SIZE, "items": items}
