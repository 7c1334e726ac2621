"""The alerts page (/alerts/): every alert with its state, occurrences and history; acknowledge and resolve
buttons; one's subscriptions by unit. Reads through accounts.access (alerts_in_scope, alert_for,
alert_subscriptions_for), writes through accountability.alerts (audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newind.accountability import alerts
from newind.accountability.choices import AlertRule, AlertState
from newind.accountability.models import AlertEvent
from newind.accounts.access import (
    ALERTS_PAGE,
    alert_for,
    alert_subscriptions_for,
    alerts_in_scope,
    page_required,
)
from newind.core.errors import AppError, NotFound
from newind.units.models import Unit

SUBSCRIBABLE_KINDS = ["county", "zone", "park", "department"]


def _page(request: HttpRequest, *, error: AppError | None = None, status: int = 200) -> HttpResponse:
    items = alerts_in_scope(request.user).select_related("unit")
    state, rule, mine = request.GET.get("state", ""), request.GET.get("rule", ""), request.GET.get("mine", "")
    subs = list(alert_subscriptions_for(request.user))
    if state in AlertState.values:
        items = items.filter(state=state)
    if rule in AlertRule.values:
        items = items.filter(rule=rule)
    if mine:
        items = items.filter(unit_id__in=[s.unit_id for s in subs])
    rows = list(items[:500])
    history: dict[int, list[AlertEvent]] = {}
    for ev in AlertEvent.objects.filter(alert__in=[a.pk for a in rows]).order_by("at", "id"):
        history.setdefault(ev.alert_id, []).append(ev)
    units = Unit.objects.filter(kind__in=SUBSCRIBABLE_KINDS).exclude(pk__in=[s.unit_id for s in subs]).order_by(
        "kind", "sort_order", "code")
    return render(request, "accountability/alerts.html", {
        "rows": [{"a": a, "events": history.get(a.pk, [])} for a in rows], "states": AlertState.choices,
        "rules": AlertRule.choices, "state": state, "rule": rule, "mine": mine, "subs": subs, "units": units,
        "error": error}, status=status)


@login_required
@page_required(ALERTS_PAGE)
def alert_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
@page_required(ALERTS_PAGE)
def alert_move(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    alert = alert_for(request.user, alert_id, write=True)
    if action not in ("acknowledge", "resolve"):
        raise NotFound("没有这个操作：预警只能确认或解除。")
    try:
        alerts.move(alert, action, user=request.user, note=request.POST.get("note", ""))
    except AppError as exc:
        return _page(request, error=exc, status=exc.status)
    return redirect("alerts:list")


@login_required
@require_POST
@page_required(ALERTS_PAGE)
def subscribe(request: HttpRequest) -> HttpResponse:
    alert_subscriptions_for(request.user, write=True)
    unit = Unit.objects.filter(pk=request.POST.get("unit") or 0, kind__in=SUBSCRIBABLE_KINDS).first() \
        if str(request.POST.get("unit", "")).isdigit() else None
    if unit is None:
        return _page(request, error=AppError("请选择要订阅的县市区、园区或部门。"), status=400)
    try:
        alerts.subscribe(request.user, unit)
    except AppError as exc:
        return _page(request, error=exc, status=exc.status)
    return redirect("alerts:list")


@login_required
@require_POST
@page_required(ALERTS_PAGE)
def unsubscribe(request: HttpRequest, sub_id: int) -> HttpResponse:
    sub = alert_subscriptions_for(request.user, write=True).filter(pk=sub_id).first()
    if sub is None:
        raise NotFound("未找到该订阅：它可能已取消。")
    alerts.unsubscribe(sub, user=request.user)
    return redirect("alerts:list")
