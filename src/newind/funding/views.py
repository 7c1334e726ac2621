"""The 向上争取 pages: the list with its deadline list and totals, one item with its history and actions,
the register form and the Excel export. Access only through accounts.access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    FUNDING_EDIT_PAGE,
    FUNDING_PAGE,
    funding_item_for,
    funding_items_in_scope,
    funding_owner_units,
    page_required,
)
from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.core.xlsx import xlsx_response
from newind.funding import calc, exports, queries, services
from newind.funding.choices import Level, Status
from newind.funding.forms import OpportunityForm
from newind.funding.models import Opportunity


def as_of(request: HttpRequest) -> dt.date:
    """The day the list is read at: ?date=YYYY-MM-DD (a meeting looking back), else today."""
    text = request.GET.get("date") or ""
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        raise AppError(f"日期「{text}」无效：请按 2017-11-30 的格式填写。") from None


def _filtered(request: HttpRequest):  # type: ignore[no-untyped-def]
    items = funding_items_in_scope(request.user)
    status, level = request.GET.get("status", ""), request.GET.get("level", "")
    if status in Status.values:
        items = items.filter(status=status)
    if level in Level.values:
        items = items.filter(level=level)
    return items, status, level


@page_required(FUNDING_PAGE)
def list_page(request: HttpRequest) -> HttpResponse:
    today = as_of(request)
    items, status, level = _filtered(request)
    frame = queries.items_frame(items, today)
    readable = funding_items_in_scope(request.user)
    return render(request, "funding/list.html", {
        "today": today, "rows": frame.to_dict("records"), "status": status, "level": level,
        "statuses": Status.choices, "levels": Level.choices,
        "deadlines": queries.deadline_list(readable, today).to_dict("records"),
        "by_level": queries.totals(readable, "level").to_dict("records"),
        "by_owner": queries.totals(readable, "owner_unit__name").to_dict("records"),
        "can_register": FUNDING_EDIT_PAGE.allows(request.user),
        "synthetic": bool(frame["is_synthetic"].any()) if not frame.empty else False,
    })


@page_required(FUNDING_PAGE)
def export(request: HttpRequest) -> HttpResponse:
    today = as_of(request)
    items, _, _ = _filtered(request)
    data = exports.workbook(queries.items_frame(items, today), queries.totals(items, "level"),
                            queries.totals(items, "owner_unit__name"), today)
    return xlsx_response(data, f"funding-{today.isoformat()}.xlsx")


@page_required(FUNDING_EDIT_PAGE)
@require_http_methods(["GET", "POST"])
def register_page(request: HttpRequest) -> HttpResponse:
    form = OpportunityForm(request.POST or None, owner_units=funding_owner_units(request.user))
    if request.method == "POST" and form.is_valid():
        item = services.register(request.user, form.cleaned_data, today=timezone.localdate())
        return redirect("funding:detail", item_id=item.pk)
    return render(request, "funding/form.html", {"form": form, "item": None})


def _history(item: Opportunity) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="funding.opportunity", object_id=str(item.pk))
                .order_by("at", "id"))


@page_required(FUNDING_PAGE)
@require_http_methods(["GET", "POST"])
def detail_page(request: HttpRequest, item_id: int) -> HttpResponse:
    item = funding_item_for(request.user, item_id, write=request.method == "POST")
    can_write = _can_write(request, item_id)
    form = None
    if can_write and item.status in calc.OPEN:
        initial = {k: getattr(item, k) for k in services.EDITABLE}
        form = OpportunityForm(request.POST or None, initial=initial, owner_units=funding_owner_units(request.user))
        if request.method == "POST" and form.is_valid():
            services.update(request.user, item, form.cleaned_data)
            return redirect("funding:detail", item_id=item.pk)
    today = timezone.localdate()
    return render(request, "funding/detail.html", {
        "item": item, "form": form, "history": _history(item),
        "actions": calc.actions_from(Status(item.status)) if can_write else [],
        "urgency": calc.urgency(Status(item.status), item.deadline, today),
        "days_left": calc.days_left(item.deadline, today),
    })


def _can_write(request: HttpRequest, item_id: int) -> bool:
    try:
        funding_item_for(request.user, item_id, write=True)
    except AppError:
        return False
    return True


@page_required(FUNDING_PAGE)
@require_POST
def action_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = funding_item_for(request.user, item_id, write=True)
    amount_text = (request.POST.get("amount_obtained") or "").strip()
    try:
        amount = Decimal(amount_text) if amount_text else None
    except ArithmeticError:
        raise AppError(f"获批金额「{amount_text}」不是数字：请填写万元数，如 1200 或 1200.5。") from None
    services.transition(request.user, item, request.POST.get("action", ""), today=timezone.localdate(),
                        amount_obtained=amount, note=(request.POST.get("note") or "")[:500])
    return redirect("funding:detail", item_id=item.pk)


