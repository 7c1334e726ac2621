"""The park league table and one park's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.accounts.access import PARKS_PAGE, page_required
from newind.core.errors import AppError
from newind.enterprises import choices
from newind.indicators.models import Observation
from newind.parks import queries
from newind.parks.models import ParkProfile
from newind.parks.services import load_thresholds


def _int(text: str | None, default: int, lo: int = 2000, hi: int = 2100) -> int:
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return default
    return value if lo <= value <= hi else default


def _years() -> list[int]:
    years = set(Observation.objects.filter(period_kind="Y", unit__enterprise__park__isnull=False)
                .values_list("year", flat=True).distinct())
    return sorted(years, reverse=True) or [2017]


@login_required
@page_required(PARKS_PAGE)
def league_page(request: HttpRequest) -> HttpResponse:
    years = _years()
    year = _int(request.GET.get("year"), years[0])
    by_year = _int(request.GET.get("by"), year + 3)
    if by_year <= year:
        by_year = year + 3
    table = queries.league_table(year, sort=request.GET.get("sort", "tax_per_mu"), by_year=by_year)
    return render(request, "parks/league.html", {"table": table, "years": years, "rankable": queries.RANKABLE})


@login_required
@page_required(PARKS_PAGE)
def park_page(request: HttpRequest, code: str) -> HttpResponse:
    profile = ParkProfile.objects.select_related("unit", "county").filter(unit__code=code).first()
    if profile is None:
        raise AppError(f"未找到园区「{code}」的档案：请从园区排名表进入。", status=404, code="not_found")
    years = _years()
    year = _int(request.GET.get("year"), years[0])
    table = queries.league_table(year)
    row = next(r for r in table.rows if r["unit"].pk == profile.unit_id)
    thresholds = load_thresholds().get(profile.level, {})
    above = queries.park_rollups(year, size=choices.ABOVE)
    return render(request, "parks/detail.html", {
        "profile": profile, "row": row, "table": table, "years": years, "year": year, "thresholds": thresholds,
        "entry": queries.park_entry_summary(year, profile),
        "above": above.loc[profile.unit_id].to_dict() if profile.unit_id in above.index else {},
    })
