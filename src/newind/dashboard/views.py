"""The leaders' dashboard (领导驾驶舱): read-only, for the office and the city leaders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from newind.accounts.access import DASHBOARD_PAGE, page_required
from newind.core import readcache
from newind.core.office import office
from newind.core.parts import installed_parts
from newind.dashboard import calc
from newind.reports.content import build_content
from newind.reports.pdf import table_cells
from newind.reports.queries import available_periods, monthly_overview, overview_period


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


def _figures(period_text: str | None) -> dict[str, Any]:
    """Everything the page shows that depends only on the period and the data: computed once per process
    and data stamp (core.readcache), since the overview costs seconds of pandas and is the same for every
    user the page admits (the office and the leaders see every unit)."""
    period = overview_period(period_text)
    overview = monthly_overview(period)
    # The league tables are the report's own tables (same ranks, same formatting), without charts.
    content = build_content(overview, with_charts=False)
    leagues = [{"title": t.title, "note": t.note, "columns": t.columns, "cells": table_cells(t),
                "keep": _phone_columns(t.columns)}
               for t in content.tables if t.key in {"县市区排名", "园区排名"}]
    return {
        "overview": overview,
        "period": period,
        "periods": available_periods(),
        "headline": overview.headline_sentence(),
        "cards": calc.cards(overview),
        "leagues": leagues,
        "charts": calc.chart_data(overview),
    }


# The office and the city leaders (read-only).
@page_required(DASHBOARD_PAGE)
def dashboard(request: HttpRequest) -> HttpResponse:
    period_text = request.GET.get("period") or None
    screen = request.GET.get("mode") == "screen"
    today = timezone.localdate()  # the download form's default 成文日期
    stamp = readcache.data_stamp()
    figures = readcache.memoised("dashboard", period_text, lambda: _figures(period_text), stamp)

    def body_context() -> dict[str, Any]:
        # Each installed domain's cards (the targets' warning list, …), in the parts' order.
        part_cards = [card for part in installed_parts() if part.dashboard_cards is not None
                      for card in part.dashboard_cards(figures["overview"], screen)]
        return {**figures, "part_cards": part_cards, "counties_label": office().peer_groups.counties.label,
                "screen": screen, "today": today}

    # The body is the same for every user the page admits (the office and the leaders see every unit).
    body = readcache.fragment(request, "dashboard", (period_text, screen, today), "dashboard/_body.html",
                              body_context, stamp)
    return render(request, "dashboard/dashboard.html", {"body": body, "period": figures["period"]})
