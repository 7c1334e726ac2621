"""Pages of the portfolio figures (/projects/portfolio/) and the county 赛马 league (/projects/league/):
the same dicts as the CLI and the API (`portfolio.portfolio`, `league.league_table`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.accounts.access import PROJECT_LEAGUE_PAGE, page_required
from newind.projects import calc
from newind.projects.league import DEFAULT_SCHEME, league_table
from newind.projects.portfolio import latest_period, period_or_latest, portfolio

RATE_COLUMNS = [(code, label) for code, (label, unit) in calc.FIGURE_LABELS.items() if unit == "%"]


@login_required
@page_required(PROJECT_LEAGUE_PAGE)
def league_page(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("period") and latest_period() is None:
        return render(request, "projects/empty.html", {"title": "县市区项目赛马"})
    period = period_or_latest(request.GET.get("period"))
    data = league_table(period, request.GET.get("scheme") or DEFAULT_SCHEME)
    labels = [i["label"] for i in data["units"][0]["items"]] if data["units"] else []
    return render(request, "projects/league.html", {"data": data, "labels": labels, "period": period})


@login_required
@page_required(PROJECT_LEAGUE_PAGE)
def portfolio_page(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("period") and latest_period() is None:
        return render(request, "projects/empty.html", {"title": "重大项目组合指标"})
    period = period_or_latest(request.GET.get("period"))
    data = portfolio(period)
    for unit in data["units"]:
        unit["signed_amount_text"] = f"{unit['signed_amount']:,.2f}"
        unit["rates"] = [(label, unit[code]) for code, label in RATE_COLUMNS]
        unit["band_counts"] = [(b["label"], unit["bands"][b["code"]]) for b in data["bands"]]
    return render(request, "projects/portfolio.html", {
        "data": data, "period": period, "rate_labels": [label for _code, label in RATE_COLUMNS],
        "counties": [u for u in data["units"] if u["kind"] == "county"],
        "parks": [u for u in data["units"] if u["kind"] == "park"]})
