"""The backtest page: each method's error per indicator and the method the platform uses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.accounts.access import Role, role_required
from newind.forecasts.calc import BASELINE, INTERVAL_LEVEL, METHOD_LABELS
from newind.forecasts.models import BacktestResult


@role_required(Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER)
def backtest_page(request: HttpRequest) -> HttpResponse:
    results = BacktestResult.objects.select_related("indicator").order_by("indicator__sort_order",
                                                                          "indicator__code", "method")
    groups: dict[str, dict[str, Any]] = {}
    for r in results:
        g = groups.setdefault(r.indicator.code, {"indicator": r.indicator, "rows": [], "chosen": None,
                                                 "baseline": BASELINE[r.family], "years": r.years})
        row = {"method": r.method, "label": METHOD_LABELS.get(r.method, r.method), "n": r.n_cases,
               "mape": r.mape, "mae": r.mae, "coverage": r.coverage, "is_chosen": r.is_chosen,
               "metric": "MAPE" if r.family == "flow" else "MAE"}
        g["rows"].append(row)
        if r.is_chosen:
            g["chosen"] = row
            g["beats"] = r.beats_baseline
    total = len(groups)
    beats = sum(1 for g in groups.values() if g.get("beats"))
    return render(request, "forecasts/backtest.html", {
        "groups": list(groups.values()), "total": total, "beats": beats, "level": int(INTERVAL_LEVEL * 100),
        "computed_at": results[0].computed_at if results else None, "labels": METHOD_LABELS,
    })
