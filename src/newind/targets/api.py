"""JSON API of targets and forecasts: the same queries as the pages, the report and the dashboard."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import target_units_in_scope
from newind.forecasts.queries import year_end_forecasts
from newind.indicators.periods import Period, resolve_period
from newind.indicators.queries import office_month
from newind.targets.queries import target_progress, warning_list
from newind.targets.rules import rule_set

router = Router(tags=["目标任务与预警"])


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as JSON-safe dicts (NaN → null)."""
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
    return out


def _scope(request: HttpRequest, unit: list[str] | None) -> list[str] | None:
    return target_units_in_scope(request.user, unit)  # the page's own rule


def _lists(request: HttpRequest) -> tuple[list[str] | None, list[str] | None]:
    """Repeatable filters ?unit=430621&unit=430623&indicator=… (read here: ninja has no list default)."""
    return request.GET.getlist("unit") or None, request.GET.getlist("indicator") or None


def _period(period: str | None) -> Period:
    return resolve_period(period, office_month(), kind=None, what="目标任务或本年度数据")


@router.get("/progress", summary="目标完成进度、灯色与年末预测（可重复 unit=、indicator= 筛选）")
def progress(request: HttpRequest, period: str | None = Query(None, description="如 2017-03；不填为最新一期"),
             rules: str | None = Query(None, description="预警规则代码（预览）")) -> dict[str, Any]:
    unit, indicator = _lists(request)
    units = _scope(request, unit)
    p = _period(period)
    frame = target_progress(p, unit_codes=units, indicator_codes=indicator, rules=rule_set(rules) if rules else None)
    return {"period": p.key, "period_label": p.label, "rows": _records(frame)}


@router.get("/warnings", summary="预警清单（红灯在前）及较上期变化")
def warnings(request: HttpRequest, period: str | None = Query(None)) -> dict[str, Any]:
    unit, indicator = _lists(request)
    units = _scope(request, unit)
    p = _period(period)
    return {"period": p.key, "period_label": p.label,
            "rows": _records(warning_list(p, unit_codes=units, indicator_codes=indicator))}


@router.get("/forecasts", summary="年末预测（方法、80%区间、完成各类目标的可能性）")
def forecasts(request: HttpRequest, period: str | None = Query(None)) -> dict[str, Any]:
    unit, indicator = _lists(request)
    units = _scope(request, unit)
    p = _period(period)
    return {"period": p.key, "period_label": p.label,
            "rows": _records(year_end_forecasts(p, unit_codes=units, indicator_codes=indicator))}
