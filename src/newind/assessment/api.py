"""JSON API of the assessment: the stored runs and their results, the same access rules and the same JSON as
the pages and `newind assessment … --format json` (a run's `result` is what `assessment.queries` produced)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from newind.accounts.access import ASSESSMENT_PAGE, assessment_run_for, assessment_runs_in_scope
from newind.assessment.models import AssessmentRun

router = Router(tags=["考核评价"])


def _run(run: AssessmentRun) -> dict[str, Any]:
    return {"id": run.pk, "kind": run.kind, "year": run.year, "quarter": run.quarter,
            "assessed_kind": run.assessed_kind, "title": run.title, "version": run.version, "status": run.status,
            "status_label": run.get_status_display(), "scheme": run.scheme_code,
            "scheme_version": run.scheme_version, "scheme_sha256": run.scheme_sha256,
            "publicity_until": run.publicity_until, "published_at": run.published_at,
            "is_synthetic": run.is_synthetic}


@router.get("/runs", summary="考核结果列表（年度考核与季度讲评，各版本及状态）")
def runs(request: HttpRequest, year: int | None = Query(None)) -> list[dict[str, Any]]:
    ASSESSMENT_PAGE.require(request.user)
    qs = assessment_runs_in_scope(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    return [_run(r) for r in qs[:200]]


@router.get("/runs/{run_id}", summary="一次考核的完整结果：各单位逐项原始数据（版本、来源）、得分、规则、总分、名次、等次")
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    ASSESSMENT_PAGE.require(request.user)
    run = assessment_run_for(request.user, run_id)
    objections = [{"unit": o.unit.code, "unit_name": o.unit.name, "text": o.text, "filed_at": o.filed_at,
                   "decision": o.decision, "reason": o.reason, "decided_at": o.decided_at}
                  for o in run.objections.select_related("unit")]
    return {**_run(run), "result": run.result, "objections": objections}
