"""JSON API of the monthly overview: the same `monthly_overview()` as the report and the dashboard."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts import throttle
from newind.accounts.access import report_for
from newind.indicators.sources import source_labels
from newind.reports.queries import Overview, monthly_overview, overview_period

router = Router(tags=["月度调度"])

KEY_COLUMNS = [
    "indicator_code", "indicator_name", "measure_unit", "period_label", "value", "growth_pct", "growth_basis",
    "province_growth_pct", "province_diff_pp", "province_rank", "province_tied", "province_reported",
    "province_ranked", "province_min_reporting",
    "target_kind", "target_kind_label", "completion_pct", "vs_target_text", "schedule_pct", "light", "light_label",
    "ye_forecast", "ye_lower", "ye_upper", "ye_method_label", "source", "is_synthetic",
]
LEAGUE_COLUMNS = [
    "indicator_code", "indicator_name", "measure_unit", "unit_code", "unit_name", "value", "growth_pct",
    "growth_basis", "rank_by", "rank", "tied", "reported", "ranked", "min_reporting", "completion_pct",
    "vs_target_text", "light", "source", "is_synthetic",
]
WARNING_COLUMNS = [
    "light", "light_label", "change", "unit_code", "unit_name", "indicator_code", "indicator_name",
    "target_kind_label", "target_value", "completion_pct", "vs_target_text", "schedule_pct", "gap_pts",
    "responsible_unit_name", "light_reason",
]


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts (missing figures as null)."""
    data: list[dict[str, Any]] = json.loads(frame.reindex(columns=columns).to_json(orient="records",
                                                                                   force_ascii=False))
    return data


def overview_as_dict(overview: Overview) -> dict[str, Any]:
    return {
        "period": overview.period.key,
        "period_label": overview.period.label,
        "city": {"code": overview.city_code, "name": overview.city_name},
        "headline": overview.headline_sentence(),
        "key_indicators": _records(overview.key, KEY_COLUMNS),
        "counties": _records(overview.counties, LEAGUE_COLUMNS),
        "parks": _records(overview.parks, LEAGUE_COLUMNS),
        "warnings": _records(overview.warnings, WARNING_COLUMNS),
        "turned_green": _records(overview.turned_green, WARNING_COLUMNS),
        "trend": _records(overview.trend, ["period_label", "city", "province"]),
        "sources": overview.sources,
        "source_labels": [s.as_dict() for s in source_labels(overview.sources)],
        "is_synthetic": overview.is_synthetic,
    }


@router.get("/monthly-overview", summary="月度调度概览：主要指标、全省位次、县市区和园区排名、预警、预测")
def monthly_overview_endpoint(
    request: HttpRequest,
    period: str | None = Query(None, description="累计时期，如 2017-03（1—3月）；不填为最新一期"),
) -> dict[str, Any]:
    report_for(request.user)
    throttle.check(request, "report")
    return overview_as_dict(monthly_overview(overview_period(period)))
