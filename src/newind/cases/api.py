"""JSON API of the case metrics and the overdue list: the same filters, figures and access rule as the pages
(`accounts.access.case_metrics_scope`: a department sees its own unit's cases, an edited `unit` is a 403)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import CASE_METRICS_PAGE
from newind.cases.exports import METRIC_TABLE, metric_rows
from newind.cases.forms import read_filters
from newind.cases.queries import metrics, overdue_counts, overdue_rows
from newind.cases.sla import to_local

router = Router(tags=["事项办理"])
PAGE_SIZE = 50


def _filters(request: HttpRequest, **values: Any) -> Any:
    CASE_METRICS_PAGE.require(request.user)
    return read_filters(request.user, {k: v for k, v in values.items() if v is not None})


def _selection(filters: Any) -> dict[str, Any]:
    return {"year": filters.year, "kind": filters.kind, "unit": filters.unit, "now": to_local(filters.now).isoformat(),
            "units": None if filters.units is None else sorted(filters.units)}


@router.get("/metrics/", summary="办结率、按期办结率、延期率、满意率、平均办结用时（工作日）、逾期及不满意原因：按承办单位、分类或月份")
def metrics_api(request: HttpRequest, by: str = Query("department"), year: int | None = Query(None),
                kind: str | None = Query(None), unit: int | None = Query(None),
                at: str | None = Query(None)) -> dict[str, Any]:
    filters = _filters(request, by=by, year=year, kind=kind, unit=unit, at=at)
    rows = metric_rows(filters.by, metrics(filters.by, now=filters.now, where=filters.where))
    # Rates without a denominator are null here (the pages and the workbooks write "—").
    for row in rows:
        for column, _ in METRIC_TABLE:
            if row[column] == "—":
                row[column] = None
    return {"by": filters.by, **_selection(filters), "rows": rows}


@router.get("/overdue/", summary="逾期事项：逾期未办结（list=still_open）或逾期办结（list=done_late），每页50件，逾期最久的在前")
def overdue_api(request: HttpRequest, list: str = Query("still_open"), page: int = Query(1),  # noqa: A002
                year: int | None = Query(None), kind: str | None = Query(None), unit: int | None = Query(None),
                at: str | None = Query(None)) -> dict[str, Any]:
    filters = _filters(request, list=list, page=page, year=year, kind=kind, unit=unit, at=at)  # (page clamped there)
    counts = overdue_counts(now=filters.now, where=filters.where)
    rows = overdue_rows(filters.list, now=filters.now, where=filters.where, offset=(filters.page - 1) * PAGE_SIZE,
                        limit=PAGE_SIZE)
    items = [{"id": r["id"], "code": r["code"], "kind": r["kind"], "title": r["title"],
              "concerned": r["concerned_name"], "lead_unit": r["lead_unit__name"], "state": r["state"],
              "state_label": r["state_label"], "received_at": to_local(r["received_at"]).isoformat(),
              "close_deadline": to_local(r["close_deadline"]).isoformat(),
              "original_close_deadline": to_local(r["original_close_deadline"]).isoformat(),
              "closed_at": to_local(r["closed_at"]).isoformat() if r["closed_at"] else None,
              "working_days_late": r["working_days_late"], "extensions_approved": r["extensions_approved"],
              "redo_count": r["redo_count"], "is_synthetic": r["is_synthetic"]} for r in rows]
    return {"list": filters.list, **_selection(filters), "counts": counts, "page": filters.page,
            "page_size": PAGE_SIZE, "items": items}
