"""JSON API of the portfolio figures and the county 赛马: the same dicts as the pages and the CLI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import PROJECT_LEAGUE_PAGE
from newind.projects.league import DEFAULT_SCHEME, league_table
from newind.projects.portfolio import period_or_latest, portfolio

router = Router(tags=["重大项目赛马"])


@router.get("/portfolio", summary="县市区和园区的重大项目组合指标（1—N月累计；period 如 2017-06、2017Q2、2017）")
def portfolio_api(request: HttpRequest, period: str | None = Query(None)) -> dict[str, Any]:
    PROJECT_LEAGUE_PAGE.require(request.user)
    return portfolio(period_or_latest(period))


@router.get("/league", summary="县市区重大项目赛马排名：各项得分、扣分、加分、总分、名次、进退位和点评")
def league_api(request: HttpRequest, period: str | None = Query(None),
               scheme: str = Query(DEFAULT_SCHEME)) -> dict[str, Any]:
    PROJECT_LEAGUE_PAGE.require(request.user)
    return league_table(period_or_latest(period), scheme)
