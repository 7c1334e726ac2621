"""The backtest page: each method's error per indicator and the method the platform uses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newind.accounts.access import BACKTEST_PAGE, BACKTEST_RUN, page_required
from newind.forecasts.calc import BASELINE, INTERVAL_LEVEL, METHOD_LABELS
from newind.forecasts.models import BacktestResult
from newind.forecasts.services import backtest_on_request


@page_required(BACKTEST_PAGE)
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
        "can_run": BACKTEST_RUN.allows(request.user),
    })


@require_POST
@page_required(BACKTEST_RUN)
def run_backtest_view(request: HttpRequest) -> HttpResponse:
    """The office's 「运行回测」 button (POST, CSRF): runs the backtest now and shows the outcome."""
    run = backtest_on_request(request.user, request)
    chosen = run.summary[run.summary["is_chosen"]]
    messages.success(request, f"回测完成：{len(chosen)} 个月度指标、{run.cases} 次回测预测，用时 {run.seconds:.1f} 秒；"
                              f"所选方法优于基准方法的指标 {int(chosen['beats_baseline'].sum())}/{len(chosen)}。"
                              "年末预测和预警已按新结果给出区间与完成概率。")
    return redirect("forecasts:backtest")
