"""JSON API of imports: the version history of one figure and the recent import batches (reads only;
writing goes through the upload page or the CLI, which preview first)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import figure_history_for, require_importer
from newind.core.errors import AppError
from newind.imports.calc import decimal_text
from newind.imports.queries import recent_batches
from newind.indicators.sources import source_label

router = Router(tags=["数据导入"])


def _require_login(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise AppError("请先登录。", status=401, code="unauthenticated")


@router.get("/history", summary="一项数据的全部版本：数值、发布类型、来源、录入人、时间、导入批次")
def history_endpoint(
    request: HttpRequest,
    indicator: str = Query(..., description="指标代码，如 gdp"),
    unit: str = Query(..., description="单位代码，如 430000"),
    period: str = Query(..., description="时期，如 2013、2017-11"),
) -> dict[str, Any]:
    _require_login(request)
    history = figure_history_for(request.user, indicator, unit, period)
    return {
        "indicator": history.indicator.code, "unit": history.unit.code, "unit_name": history.unit.name,
        "period": history.period.key, "period_label": history.period.label,
        "versions": [{
            "version": v.version, "value": decimal_text(v.value), "measure_unit": v.measure_unit,
            "release": v.release, "source": v.source, "source_label": source_label(v.source).label,
            "original": v.original, "is_current": v.is_current,
            "is_synthetic": v.is_synthetic, "reason": v.reason,
            "created_by": v.created_by.get_username() if v.created_by else None,
            "created_at": v.created_at.isoformat(), "batch": v.batch_id,
        } for v in history.versions],
    }


@router.get("/batches", summary="最近的导入批次：文件、操作人、时间、新增/变更/未变条数")
def batches_endpoint(request: HttpRequest, limit: int = Query(20, ge=1, le=200)) -> list[dict[str, Any]]:
    _require_login(request)
    require_importer(request.user)
    return [{
        "id": b.pk, "file_name": b.file_name, "sha256": b.sha256, "source_kind": b.source_kind,
        "created_by": b.created_by.get_username() if b.created_by else None, "created_at": b.created_at.isoformat(),
        "added": b.added, "changed": b.changed, "unchanged": b.unchanged, "notes": b.notes,
    } for b in recent_batches(limit)]
