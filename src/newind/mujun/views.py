"""Pages of the 亩均 evaluation: runs, the results with filters, a firm's card, the aggregates, the
workflow steps, objections, and the 公示 list (Excel) and notice (Word)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    MUJUN_ALL_PAGE,
    MUJUN_FLAGS_PAGE,
    MUJUN_PAGE,
    mujun_filing_for,
    mujun_result_for,
    mujun_results_in_scope,
    mujun_run_for,
    mujun_runs_in_scope,
    mujun_workflow_role,
    own_mujun_result,
    page_required,
)
from newind.core.errors import AppError
from newind.core.uploads import upload_limit_mb
from newind.core.xlsx import xlsx_response
from newind.mujun import services
from newind.mujun.calc import SIZE_LABELS, run_actions
from newind.mujun.models import EvaluationRun, Objection

PAGE_SIZE = 100
FILTERS = ("county", "park", "klass", "industry")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _policies() -> list[Any]:
    from newind.mujun.policies import all_policies

    return all_policies()


def _run_for(request: HttpRequest, run_id: int, *, write: bool = False) -> EvaluationRun:
    return mujun_run_for(request.user, run_id, write=write)  # type: ignore[no-any-return]


@login_required
@page_required(MUJUN_PAGE)
def run_list(request: HttpRequest) -> HttpResponse:
    """The evaluations; an enterprise user goes to its latest result."""
    own = own_mujun_result(request.user)
    if own is not None:
        return redirect("mujun:result", result_id=own.pk)
    return render(request, "mujun/runs.html", {"runs": mujun_runs_in_scope(request.user)[:50],
                                               "can_flags": MUJUN_FLAGS_PAGE.allows(request.user)})


def _named(aggregates: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The county and park aggregates with each unit's name beside its code (a reader knows 岳阳县, not
    430621): one query for every code of the run."""
    from newind.units.models import Unit

    codes = {row.get(by) for by, rows in aggregates.items() for row in rows}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    return {by: [{**row, "name": names.get(row.get(by), row.get(by))} for row in rows]
            for by, rows in aggregates.items()}


@login_required
@page_required(MUJUN_PAGE)
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's results with filters (county, park, class, industry), its aggregates and the scatter."""
    run = _run_for(request, run_id)
    results = mujun_results_in_scope(request.user).filter(run=run)
    chosen = {f: request.GET.get(f, "").strip() for f in FILTERS}
    for f, value in chosen.items():
        if value:
            results = results.filter(**({f"{f}__startswith": value} if f == "industry" else {f: value}))
    chosen["filed"] = request.GET.get("filed", "").strip()
    if chosen["filed"] in {"yes", "no"}:  # 企业填报: who has filed (the office follows up on the others)
        results = results.filter(filed_at__isnull=chosen["filed"] == "no")
    in_run = mujun_results_in_scope(request.user).filter(run=run)
    filed = in_run.filter(filed_at__isnull=False).count()
    filing = {"filed": filed, "not_filed": in_run.count() - filed}
    ordered = results.order_by("-rated", "size", "rank", "credit_code")
    options = {f: sorted(v for v in mujun_results_in_scope(request.user).filter(run=run)
                         .values_list(f, flat=True).distinct() if v) for f in ("county", "park", "klass")}
    points = [{"name": n, "value": [t, v], "klass": k} for n, t, v, k in results.filter(
        rated=True, tax_per_mu__isnull=False, va_per_mu__isnull=False).values_list("name", "tax_per_mu", "va_per_mu",
                                                                                   "klass")[:5000]]
    role = mujun_workflow_role(request.user)
    return render(request, "mujun/run.html", {
        "run": run, "page": Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page")), "chosen": chosen,
        "options": options, "size_labels": SIZE_LABELS, "aggregates": _named(run.summary.get("aggregates", {})),
        "class_counts": run.summary.get("class_counts", {}), "benchmarks": run.summary.get("benchmarks", {}),
        "units": run.summary.get("units", {}), "scatter": points,
        "actions": [a for a in run_actions(run.state, role)
                    if a.value in {"close_filling", "verify", "start_notice", "publish"}],
        "policies": _policies(), "filing": filing, "can_flags": MUJUN_FLAGS_PAGE.allows(request.user),
        "open_objections": Objection.objects.filter(result__run=run, decision="").select_related("result")
        if MUJUN_ALL_PAGE.allows(request.user) else [],
    })


@login_required
@page_required(MUJUN_PAGE)
def result_page(request: HttpRequest, result_id: int) -> HttpResponse:
    """A firm's card: items, benchmarks, points, reasons, what it would take, objections, the forms."""
    result = mujun_result_for(request.user, result_id)
    actions = {a.value for a in run_actions(result.run.state, mujun_workflow_role(request.user))}
    own = own_mujun_result(request.user) is not None
    return render(request, "mujun/result.html", {
        "r": result, "run": result.run, "size_label": SIZE_LABELS.get(result.size, result.size),
        "units": result.run.summary.get("units", {}).get(result.size, {}),
        "objections": result.objections.select_related("filed_by", "decided_by"),
        "can_adjust": "adjust" in actions, "can_decide": "decide" in actions,
        "can_object": own and "object" in actions, "can_confirm": own and "confirm" in actions and not result.confirmed_at,
        "can_file": own and "file" in actions,
    })


@login_required
@require_POST
@page_required(MUJUN_PAGE)
def run_step(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_for(request, run_id, write=True)
    services.advance(run, request.POST.get("action", ""), user=request.user)
    return redirect("mujun:run", run_id=run.pk)


@login_required
@require_POST
@page_required(MUJUN_PAGE)
def adjust(request: HttpRequest, result_id: int) -> HttpResponse:
    result = mujun_result_for(request.user, result_id, write=True)
    services.adjust_class(result, request.POST.get("klass", ""), request.POST.get("reason", ""), user=request.user)
    return redirect("mujun:result", result_id=result.pk)


@login_required
@require_POST
@page_required(MUJUN_PAGE)
def confirm(request: HttpRequest, result_id: int) -> HttpResponse:
    result = mujun_result_for(request.user, result_id, write=True)
    services.confirm_result(result, user=request.user)
    return redirect("mujun:result", result_id=result.pk)


@login_required
@require_POST
@page_required(MUJUN_PAGE)
def object_to(request: HttpRequest, result_id: int) -> HttpResponse:
    result = mujun_result_for(request.user, result_id, write=True)
    services.file_objection(result, request.POST.get("text", ""), user=request.user)
    return redirect("mujun:result", result_id=result.pk)


@login_required
@require_POST
@page_required(MUJUN_PAGE)
def decide(request: HttpRequest, objection_id: int) -> HttpResponse:
    try:
        objection = Objection.objects.select_related("result__run").get(pk=int(objection_id))
    except Objection.DoesNotExist:
        raise AppError("未找到该异议。", status=404, code="not_found") from None
    mujun_result_for(request.user, objection.result_id, write=True)
    services.decide_objection(objection, request.POST.get("decision", ""), request.POST.get("reason", ""),
                              user=request.user, klass=request.POST.get("klass") or None)
    return redirect("mujun:result", result_id=objection.result_id)


def _export_allowed(request: HttpRequest) -> None:
    MUJUN_ALL_PAGE.require(request.user)  # the 公示 list and notice: office and leaders


@login_required
@page_required(MUJUN_PAGE)
def notice_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    from newind.audit.services import record
    from newind.mujun.exports import notice_workbook

    _export_allowed(request)
    run = _run_for(request, run_id)
    record("export", user=request.user, obj=run, summary=f"导出{run}公示名单（Excel）")
    return xlsx_response(notice_workbook(run), f"mujun-{run.year}-{run.scope_code}-v{run.version}.xlsx")


@login_required
@page_required(MUJUN_PAGE)
def notice_docx(request: HttpRequest, run_id: int) -> HttpResponse:
    from newind.audit.services import record
    from newind.mujun.exports import notice_document

    _export_allowed(request)
    run = _run_for(request, run_id)
    record("export", user=request.user, obj=run, summary=f"导出{run}公示文件（Word）")
    response = HttpResponse(notice_document(run), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mujun-notice-{run.year}-{run.scope_code}-v{run.version}.docx"'
    return response


@login_required
@page_required(MUJUN_PAGE)
def policy_xlsx(request: HttpRequest, run_id: int, code: str) -> HttpResponse:
    """The firms a differentiated policy hits in this evaluation, with amounts, as Excel."""
    from newind.audit.services import record
    from newind.core.xlsx import ExportSheet, export_workbook
    from newind.mujun.policies import load_policy, run_policy_amounts

    _export_allowed(request)
    run = _run_for(request, run_id)
    policy = load_policy(code)
    hits = run_policy_amounts(run, policy)
    rows = [[i, c, n, k, y, r, b, a] for i, (c, n, k, y, r, b, a) in enumerate(
        hits[["credit_code", "name", "klass", "years", "rate", "base", "amount"]].itertuples(index=False), start=1)]
    sheet = ExportSheet(
        name="差别化政策", title=f"{run.year}年度{policy.name}企业名单",
        about=[f"评价：{run}（{run.get_state_display()}）；类别 {policy.applies_to_class} 类企业 {len(rows)} 家",
               f"加价标准（{policy.rate_unit}）：" + "，".join(f"连续{y}年{'及以上' if y == policy.steps[-1][0] else ''} {r}"
                                                       for y, r in policy.steps),
               f"金额 = 加价标准 × {policy.base_indicator}（{policy.base_unit}），单位 {policy.amount_unit}；来源：{policy.source}"],
        header=["序号", "统一社会信用代码", "企业名称", "类别", "连续年数", f"加价（{policy.rate_unit}）",
                f"用电量（{policy.base_unit}）", f"金额（{policy.amount_unit}）"],
        rows=rows, text_columns=frozenset({1}))
    record("export", user=request.user, obj=run, summary=f"导出{run}{policy.name}企业名单（Excel）")
    return xlsx_response(export_workbook([sheet]), f"mujun-policy-{policy.code}-{run.year}.xlsx")


# --- 企业填报 -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@page_required(MUJUN_PAGE)
def filing_page(request: HttpRequest, result_id: int) -> HttpResponse:
    """The inputs the evaluation uses for the firm's year, pre-filled with the figures the platform holds
    (unit and source each). The firm's own account corrects or completes them while the run is at 企业填报;
    afterwards, and for everyone else, the page is read-only."""
    result = mujun_filing_for(request.user, result_id, write=request.method == "POST")
    fields = services.filing_fields(result)
    own = own_mujun_result(request.user) is not None
    editable = own and "file" in {a.value for a in run_actions(result.run.state, mujun_workflow_role(request.user))}
    errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    saved = request.GET.get("saved") == "1"
    if request.method == "POST":
        submitted = {f.code: request.POST.get(f.code, "") for f in fields}
        written, errors = services.file_figures(result, request.POST, user=request.user)
        if not errors:
            return redirect(f"{request.path}?saved=1")
    rows = [{"f": f, "text": submitted.get(f.code, "" if f.value is None else f"{f.value.normalize():f}"),
             "error": errors.get(f.code, "")} for f in fields]
    return render(request, "mujun/filing.html", {
        "r": result, "run": result.run, "rows": rows, "editable": editable, "errors": errors, "saved": saved,
        "size_label": SIZE_LABELS.get(result.size, result.size),
    }, status=400 if errors else 200)


# --- the year's flags (否决/保护/不参评): upload → preview → apply -------------------------------------------

FLAGS_SESSION_KEY = "mujun_flag_uploads"


def _flags_page(request: HttpRequest, form: Any, error: AppError | None = None) -> HttpResponse:

    from newind.mujun.models import FlagBatch

    return render(request, "mujun/flags_upload.html", {
        "form": form, "error": error, "batches": FlagBatch.objects.select_related("created_by").order_by("-id")[:20],
        "max_mb": upload_limit_mb(),
    }, status=error.status if error else 200)


@login_required
@page_required(MUJUN_FLAGS_PAGE)
@require_http_methods(["GET", "POST"])
def flags_upload(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: keep the file, check it and show the preview (writes nothing)."""
    from newind.imports import parsing
    from newind.imports.services import store_upload
    from newind.mujun.forms import FlagsConfirmForm, FlagsUploadForm

    if request.method != "POST":
        return _flags_page(request, FlagsUploadForm())
    form = FlagsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _flags_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        data = parsing.read_upload(upload)
        preview = services.prepare_flags_import(data, upload.name)
    except AppError as error:
        return _flags_page(request, form, error)
    digest = store_upload(data)
    kept = request.session.get(FLAGS_SESSION_KEY, [])
    request.session[FLAGS_SESSION_KEY] = [d for d in kept if d != digest][-9:] + [digest]
    confirm = FlagsConfirmForm(initial={"sha256": digest, "file_name": preview.file_name,
                                        "plan": preview.fingerprint()})
    shown = preview.flags.sort_values(["change", "year", "credit_code"]).head(200)
    return render(request, "mujun/flags_preview.html", {
        "preview": preview, "confirm": confirm, "rows": shown.to_dict("records"),
    })


@login_required
@page_required(MUJUN_FLAGS_PAGE)
@require_POST
def flags_confirm(request: HttpRequest) -> HttpResponse:
    """Write a previewed flags file: re-read the kept upload, check and compare it again, write it in one
    transaction (nothing when the file or the stored flags changed since the preview)."""
    from newind.imports.services import load_upload
    from newind.mujun.forms import FlagsConfirmForm

    form = FlagsConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(FLAGS_SESSION_KEY, []):
        raise AppError("只能确认本人刚刚上传并预览过的文件：请重新上传文件。", status=403, code="forbidden")
    preview = services.prepare_flags_import(load_upload(digest), form.cleaned_data["file_name"])
    batch = services.apply_flags_import(preview, user=request.user, expected=form.cleaned_data["plan"])
    return render(request, "mujun/flags_done.html", {"preview": preview, "batch": batch})
