"""The assessment pages (/assessment/): the runs, one run's league table with its 公示, objections and
publication, one unit's explained score, and the Word/PDF document. The same results as
`newind assessment run|review` (assessment.queries through assessment.services)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newind.accounts.access import (
    ASSESSMENT_MANAGE_PAGE,
    ASSESSMENT_PAGE,
    assessment_run_for,
    assessment_runs_in_scope,
    objection_unit_for,
    page_required,
)
from newind.assessment import document, services
from newind.assessment.choices import ObjectionDecision, RunKind, RunStatus
from newind.assessment.schemes import all_schemes, load_scheme
from newind.core.errors import AppError, NotFound

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _int(text: object, what: str, low: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        raise AppError(f"请填写{what}（{low}—{high}）。") from None
    if not low <= value <= high:
        raise AppError(f"{what}应在 {low}—{high} 之间，收到 {value}。")
    return value


@login_required
@page_required(ASSESSMENT_PAGE)
def index(request: HttpRequest) -> HttpResponse:
    runs = assessment_runs_in_scope(request.user).select_related("created_by")[:200]
    may_manage = ASSESSMENT_MANAGE_PAGE.allows(request.user)
    return render(request, "assessment/index.html", {
        "runs": runs, "may_manage": may_manage, "schemes": all_schemes() if may_manage else []})


@login_required
@require_POST
@page_required(ASSESSMENT_MANAGE_PAGE)
def run_scheme(request: HttpRequest) -> HttpResponse:
    scheme = load_scheme(request.POST.get("scheme") or "")
    year = _int(request.POST.get("year"), "考核年度", 2000, 2100)
    quarter_text = (request.POST.get("quarter") or "").strip()
    quarter = _int(quarter_text, "季度", 1, 4) if quarter_text else None
    new = services.run(scheme, year, quarter=quarter, user=request.user)
    return redirect("assessment:run", run_id=new.pk)


@login_required
@page_required(ASSESSMENT_PAGE)
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = assessment_run_for(request.user, run_id)
    may_manage = ASSESSMENT_MANAGE_PAGE.allows(request.user)
    own_unit = getattr(getattr(request.user, "profile", None), "unit", None)
    assessed = {u["code"] for u in run.result.get("units", [])}
    tasks = _finding_tasks(run)
    may_object = run.status == RunStatus.PUBLICITY and (
        may_manage or (own_unit is not None and own_unit.code in assessed
                       and _may_object_for(request.user, run, own_unit.code)))
    return render(request, "assessment/run.html", {
        "run": run, "data": run.result, "review": run.kind == RunKind.QUARTERLY, "may_manage": may_manage,
        "may_object": may_object, "own_unit": own_unit, "objections": run.objections.select_related("unit"),
        "versions": type(run).objects.filter(kind=run.kind, year=run.year, quarter=run.quarter,
                                             assessed_kind=run.assessed_kind, scheme_code=run.scheme_code)
        .filter(pk__in=assessment_runs_in_scope(request.user).values("pk")).order_by("-version"),
        "statuses": RunStatus, "pending": ObjectionDecision.PENDING,
        "upheld": run.objections.filter(decision=ObjectionDecision.UPHELD).count(),
        "interview": [{**t, "task": tasks.get(t["code"])} for t in run.result.get("interview") or []]})


def _may_object_for(user: Any, run: Any, unit_code: str) -> bool:
    try:
        objection_unit_for(user, run, unit_code)
    except AppError:
        return False
    return True


def _finding_tasks(run: Any) -> dict[str, Any]:
    """The supervision tasks already made from this run's findings, by unit code (their cases' codes and ids)."""
    from newind.supervision.models import SupervisionTask

    rows = SupervisionTask.objects.filter(source_kind="assessment", source_ref__startswith=f"{run.pk}|").values_list(
        "source_ref", "case__code", "case_id")
    return {ref.partition("|")[2]: {"code": code, "case_id": case_id} for ref, code, case_id in rows}


@login_required
@page_required(ASSESSMENT_PAGE)
def unit_page(request: HttpRequest, run_id: int, code: str) -> HttpResponse:
    run = assessment_run_for(request.user, run_id)
    unit = next((u for u in run.result.get("units", []) if u["code"] == code), None)
    if unit is None:
        raise NotFound(f"本次考核没有单位「{code}」。")
    return render(request, "assessment/unit.html", {"run": run, "data": run.result, "unit": unit})


@login_required
@require_POST
@page_required(ASSESSMENT_PAGE)
def act(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's writes: open the 公示, publish (office); file an objection (the unit, or the office for it);
    decide one (office)."""
    action = request.POST.get("action", "")
    if action == "object":
        unit = objection_unit_for(request.user, run_id, request.POST.get("unit", ""))
        run = assessment_run_for(request.user, run_id)
        services.file_objection(run, unit=unit, text=request.POST.get("text", ""), user=request.user)
        return _to_objections(run.pk)
    run = assessment_run_for(request.user, run_id, write=True)
    if action == "publicity":
        services.start_publicity(run, user=request.user, days=_int(request.POST.get("days", 5), "公示天数", 1, 30))
    elif action == "publish":
        services.publish(run, user=request.user)
    elif action == "decide":
        objection = run.objections.filter(pk=request.POST.get("objection") or 0).first()
        if objection is None:
            raise NotFound("未找到该异议。")
        services.decide_objection(objection, upheld=request.POST.get("upheld") == "1",
                                  reason=request.POST.get("reason", ""), user=request.user)
        return _to_objections(run.pk)
    elif action == "task":
        services.finding_to_task(run, request.POST.get("unit", ""), user=request.user)
    elif action == "rerun":
        scheme = load_scheme(run.scheme_code)
        new = services.run(scheme, run.year, quarter=run.quarter, user=request.user)
        return redirect("assessment:run", run_id=new.pk)
    else:
        raise AppError(f"不认识的操作「{action}」。")
    return redirect("assessment:run", run_id=run.pk)


def _to_objections(run_id: int) -> HttpResponse:
    """Back to the run page at its objections, where the one just filed or decided is shown."""
    from django.urls import reverse

    return redirect(reverse("assessment:run", kwargs={"run_id": run_id}) + "#objections")


@login_required
@page_required(ASSESSMENT_PAGE)
def download(request: HttpRequest, run_id: int) -> HttpResponse:
    from newind.audit.services import record

    run = assessment_run_for(request.user, run_id)
    fmt = request.GET.get("format", "docx")
    if fmt not in {"docx", "pdf"}:
        raise AppError(f"不支持的格式「{fmt}」：请选择 docx 或 pdf。")
    name = f"{run.title}_第{run.version}版.{fmt}"
    data = document.render(run, fmt)
    record("export", user=request.user, request=request, obj=run, summary=f"下载{run}：{name}",
           after={"run": run.pk, "file": name})
    response = HttpResponse(data, content_type=DOCX if fmt == "docx" else "application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
