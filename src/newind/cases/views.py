"""Pages of the case engine: the metrics (per department, category, month) and the overdue list, with their
Excel exports. Who sees which lead units is `accounts.access.case_metrics_scope` (through `forms.read_filters`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.accounts.access import CASE_METRICS_PAGE, case_metrics_scope, page_required
from newind.audit.services import record
from newind.cases.choices import CaseKind
from newind.cases.exports import (
    KEY_LABEL,
    LABELS,
    METRIC_TABLE,
    metric_rows,
    metrics_workbook,
    overdue_workbook,
)
from newind.cases.forms import LISTS, read_filters
from newind.cases.queries import GROUPINGS, metrics, overdue_counts, overdue_rows, unsatisfied_reasons
from newind.core.xlsx import xlsx_response

PAGE_SIZE = 50


def _choices(request: HttpRequest) -> dict[str, Any]:
    """The filter form's options: the lead units the user may choose (all department units, or the own one),
    the kinds, the groupings and the two lists."""
    from newind.units.models import Unit

    scope = case_metrics_scope(request.user)
    units = Unit.objects.filter(kind="department").order_by("sort_order", "code")
    if scope is not None:
        units = units.filter(pk__in=scope)
    return {"units": list(units.values("pk", "name")), "all_units": scope is None, "kinds": CaseKind.choices,
            "groupings": GROUPINGS, "lists": LISTS}


@login_required
@page_required(CASE_METRICS_PAGE)
def metrics_page(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request.user, request.GET)
    rows = metric_rows(filters.by, metrics(filters.by, now=filters.now, where=filters.where))
    for row in rows:
        row["cells"] = [(row[c], kind) for c, kind in METRIC_TABLE]
    return render(request, "cases/metrics.html", {
        "f": filters, "rows": rows, "columns": [(c, LABELS[c], kind) for c, kind in METRIC_TABLE],
        "key_label": KEY_LABEL[filters.by], "reasons": unsatisfied_reasons(filters.where),
        "counts": _overdue_totals(filters, rows), **_choices(request)})


def _overdue_totals(filters: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Both overdue counts: the sum of the rows where each case is in one row (per department, per month),
    saving a second scan; counted again per category (a case with two tags is in two rows)."""
    if filters.by == "category":
        return overdue_counts(now=filters.now, where=filters.where)
    return {"still_open": sum(r["overdue_still_open"] for r in rows),
            "done_late": sum(r["overdue_done_late"] for r in rows)}


@login_required
@page_required(CASE_METRICS_PAGE)
def overdue_page(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request.user, request.GET)
    counts = overdue_counts(now=filters.now, where=filters.where)
    total = counts[filters.list]
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(filters.page, pages)
    rows = overdue_rows(filters.list, now=filters.now, where=filters.where, offset=(number - 1) * PAGE_SIZE,
                        limit=PAGE_SIZE)
    return render(request, "cases/overdue.html", {
        "f": filters, "rows": rows, "counts": counts, "total": total, "number": number, "pages": pages,
        "start": (number - 1) * PAGE_SIZE + 1, "list_label": LISTS[filters.list],
        "tabs": [(k, label, counts[k]) for k, label in LISTS.items()], **_choices(request)})


@login_required
@page_required(CASE_METRICS_PAGE)
def metrics_xlsx(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request.user, request.GET)
    data = metrics_workbook(filters)
    record("export", user=request.user, summary=f"导出事项办理统计（Excel）：{filters.about}",
           after={"units": sorted(filters.units) if filters.units is not None else "all", "year": filters.year,
                  "kind": filters.kind})
    return xlsx_response(data, f"case-metrics-{filters.year or 'all'}.xlsx")


@login_required
@page_required(CASE_METRICS_PAGE)
def overdue_xlsx(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request.user, request.GET)
    data = overdue_workbook(filters)
    record("export", user=request.user, summary=f"导出逾期事项清单（Excel）：{filters.about}",
           after={"units": sorted(filters.units) if filters.units is not None else "all", "year": filters.year,
                  "kind": filters.kind})
    return xlsx_response(data, f"case-overdue-{filters.year or 'all'}.xlsx")
