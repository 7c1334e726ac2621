"""JSON API of the 亩均 evaluation: the same stored runs and results as the pages, the same access rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import (
    MUJUN_PAGE,
    mujun_result_for,
    mujun_results_in_scope,
    mujun_run_for,
    mujun_runs_in_scope,
)
from newind.mujun.models import EvaluationRun, FirmResult

router = Router(tags=["亩均效益综合评价"])

RESULT_FIELDS = ("id", "credit_code", "name", "size", "county", "park", "industry", "rated", "items", "tax_per_mu",
                 "va_per_mu", "total", "rank", "rated_among", "class_initial", "klass", "adjust_reason", "reasons",
                 "what_it_would_take")


def _result(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["class"] = out.pop("klass")
    return out


def _run(run: EvaluationRun) -> dict[str, Any]:
    return {"id": run.pk, "year": run.year, "scope": run.scope_code, "version": run.version,
            "scheme": run.scheme_code, "scheme_version": run.scheme_version, "scheme_sha256": run.scheme_sha256,
            "state": run.state, "state_label": run.get_state_display(), "notice_start": run.notice_start,
            "notice_end": run.notice_end, "firm_count": run.firm_count, **run.summary}


@router.get("/runs", summary="评价版本列表（年度、范围、方案、状态）")
def runs(request: HttpRequest, year: int | None = Query(None)) -> list[dict[str, Any]]:
    MUJUN_PAGE.require(request.user)
    qs = mujun_runs_in_scope(request.user)
    if year:
        qs = qs.filter(year=year)
    return [{k: v for k, v in _run(r).items() if k not in {"aggregates", "units", "cutoffs"}} for r in qs[:100]]


@router.get("/runs/{run_id}", summary="一次评价：基准值、类别分布、县市区和园区汇总，及可查看的企业结果（可按 county、park、class 筛选）")
def run_detail(request: HttpRequest, run_id: int, county: str | None = Query(None), park: str | None = Query(None),
               klass: str | None = Query(None, alias="class")) -> dict[str, Any]:
    MUJUN_PAGE.require(request.user)
    run = mujun_run_for(request.user, run_id)
    results = mujun_results_in_scope(request.user).filter(run_id=run_id)
    for field, value in (("county", county), ("park", park), ("klass", klass)):
        if value:
            results = results.filter(**{field: value})
    firms = [_result(v) for v in results.order_by("-rated", "size", "rank", "credit_code").values(*RESULT_FIELDS)]
    return {**_run(run), "firms": firms}


@router.get("/results/{result_id}", summary="一家企业的评价结果（企业用户只能查看本企业）")
def result_detail(request: HttpRequest, result_id: int) -> dict[str, Any]:
    MUJUN_PAGE.require(request.user)
    result = mujun_result_for(request.user, result_id)
    values = FirmResult.objects.filter(pk=result.pk).values(*RESULT_FIELDS).get()
    return {**_result(values), "run": {k: v for k, v in _run(result.run).items()
                                       if k in {"id", "year", "scope", "version", "state", "scheme"}}}
