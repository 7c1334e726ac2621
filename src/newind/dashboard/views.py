"""The leaders' dashboard (领导驾驶舱): read-only, for the office and the city leaders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from newind.accounts.access import DASHBOARD_PAGE, page_required
from newind.dashboard import calc
from newind.reports.content import build_content
from newind.reports.pdf import table_cells
from newind.reports.queries import available_periods, monthly_overview, overview_period

SCREEN_WARNINGS = 6


def _phone_columns(columns: list[Any]) -> list[int]:
    """The columns a league table keeps on a phone (priority columns): rank, unit, the main growth,
    target completion and the light; the others (code, levels, the second indicator) come back on a
    wider screen and are all in the report."""
    last = len(columns) - 1
    keep = {0, 1, last - 1, last}
    growth = next((i for i, c in enumerate(columns)
                   if c.kind == "number" and ("增速" in c.title or "增长" in c.title)), None)
    if growth is not None:
        keep.add(growth)
    return sorted(keep)


# The office and the city leaders (read-only).
@page_required(DASHBOARD_PAGE)
def dashboard(request: HttpRequest) -> HttpResponse:
    period = overview_period(request.GET.get("period"))
    overview = monthly_overview(period)
    # The league tables are the report's own tables (same ranks, same formatting), without charts.
    content = build_content(overview, with_charts=False)
    leagues = [{"title": t.title, "note": t.note, "columns": t.columns, "cells": table_cells(t),
                "keep": _phone_columns(t.columns)}
               for t in content.tables if t.key in {"县市区排名", "园区排名"}]
    screen = request.GET.get("mode") == "screen"
    warnings = calc.warning_items(overview)
    # The meeting-room screen has room for the most severe few; the rest are a click away and in the report.
    shown = warnings[:SCREEN_WARNINGS] if screen else warnings
    context = {
        "overview": overview,
        "period": period,
        "periods": available_periods(),
        "headline": overview.headline_sentence(),
        "cards": calc.cards(overview),
        "warnings": shown,
        "more_warnings": len(warnings) - len(shown),
        "turned_green": calc.turned_green_items(overview),
        "leagues": leagues,
        "charts": calc.chart_data(overview),
        "screen": screen,
        "today": timezone.localdate(),  # the download form's default 成文日期
    }
    return render(request, "dashboard/dashboard.html", context)
