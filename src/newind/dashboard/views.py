"""The leaders' dashboard (领导驾驶舱): read-only, for the office and the city leaders."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from newind.accounts.access import role_required
from newind.dashboard import calc
from newind.reports.content import build_content
from newind.reports.pdf import table_cells
from newind.reports.queries import available_periods, monthly_overview, resolve_period


# The office and the city leaders (read-only); role values as strings because mypy, without Django
# stubs, sees TextChoices members as tuples.
@role_required("office", "leader")
def dashboard(request: HttpRequest) -> HttpResponse:
    period = resolve_period(request.GET.get("period"))
    overview = monthly_overview(period)
    # The league tables are the report's own tables (same ranks, same formatting), without charts.
    content = build_content(overview, with_charts=False)
    leagues = [{"title": t.title, "note": t.note, "columns": t.columns, "cells": table_cells(t)}
               for t in content.tables if t.key in {"县市区排名", "园区排名"}]
    screen = request.GET.get("mode") == "screen"
    context = {
        "overview": overview,
        "period": period,
        "periods": available_periods(),
        "headline": overview.headline_sentence(),
        "cards": calc.cards(overview),
        "warnings": calc.warning_items(overview),
        "turned_green": calc.turned_green_items(overview),
        "leagues": leagues,
        "charts": calc.chart_data(overview),
        "screen": screen,
        "today": timezone.localdate(),  # the download form's default 成文日期
    }
    return render(request, "dashboard/dashboard.html", context)
