"""JSON API of benchmarking: the same `benchmark()` as the page and the CLI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import benchmark_for
from newind.benchmark.queries import benchmark, selector_options
from newind.core import readcache

router = Router(tags=["对标分析"])


@router.get("/", summary="对标分析：位次、占比、与标兵和追兵的差距、趋势与文字分析")
def benchmark_endpoint(
    request: HttpRequest,
    unit: str = Query(..., description="单位代码，如 430600"),
    group: str = Query(..., description="对标组代码，如 hunan-14"),
    indicator: str = Query(..., description="指标代码，如 gdp"),
    year_from: int | None = Query(None, alias="from", description="起始年份"),
    year_to: int | None = Query(None, alias="to", description="截止年份"),
    period: str | None = Query(None, description="累计时期，如 2017-11（各年1—11月）；不填为年度"),
) -> dict[str, Any]:
    benchmark_for(request.user)
    # The same answer for every business user: kept per process and data stamp (core.readcache).
    return readcache.memoised("benchmark.api", (unit, group, indicator, year_from, year_to, period),
                              lambda: benchmark(unit, group, indicator, year_from, year_to, period).as_dict())


@router.get("/options", summary="页面选择项：对标组、组内单位和指标")
def options_endpoint(request: HttpRequest, group: str = Query("hunan-14")) -> dict[str, Any]:
    benchmark_for(request.user)
    return readcache.memoised("benchmark.options", group, lambda: selector_options(group))
