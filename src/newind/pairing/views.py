"""Pages of pairing: the pairings in one's scope, a pairing with its visits, the visit form (phones), a
visit with the one-click appeal of each problem, the month's gaps (page and Excel), the list's upload."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    PAIRING_GAPS_PAGE,
    PAIRING_IMPORT_PAGE,
    PAIRINGS_PAGE,
    page_required,
    pairing_for,
    pairings_in_scope,
    visit_for,
)
from newind.accounts.throttle import throttled
from newind.audit.services import record
from newind.core.errors import AppError, Forbidden
from newind.core.uploads import upload_limit_mb
from newind.core.xlsx import xlsx_response
from newind.imports import parsing
from newind.imports.services import load_upload, store_upload
from newind.pairing import calc, exports, queries, services
from newind.pairing.forms import AppealForm, ConfirmForm, UploadForm, VisitForm
from newind.pairing.models import PairingBatch

SESSION_KEY = "newind_pairing_uploads"
PAGE_SIZE = 50


def _month(request: HttpRequest) -> tuple[int, int]:
    try:
        return calc.parse_month(request.GET.get("month"), timezone.localdate())
    except ValueError as error:
        raise AppError(str(error)) from None


def _may_write(check: Any) -> bool:
    try:
        check()
    except Forbidden:
        return False
    return True


@login_required
@page_required(PAIRINGS_PAGE)
def pairing_list(request: HttpRequest) -> HttpResponse:
    """The pairings the user may read, with this month's visits and calls against the cadence."""
    year, month = _month(request)
    first, last = calc.month_bounds(year, month)
    found = (queries.active_in(pairings_in_scope(request.user), first, last).select_related("official", "firm")
             .annotate(**queries.contact_counts(year, month)))
    text = request.GET.get("q", "").strip()
    if text:
        found = found.filter(Q(firm__name__icontains=text) | Q(official__name__icontains=text)
                             | Q(official__unit_name__icontains=text) | Q(firm__credit_code=text.upper()))
    page = Paginator(found.order_by("official__name", "firm__name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pairing/list.html", {
        "page": page, "q": text, "month": f"{year}-{month:02d}", "month_label": f"{year}年{month}月",
        "can_gaps": PAIRING_GAPS_PAGE.allows(request.user), "can_import": PAIRING_IMPORT_PAGE.allows(request.user),
    })


@login_required
def pairing_page(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_for(request.user, pairing_id)
    visits = pairing.visits.prefetch_related("problems__case").order_by("-date", "-id")
    return render(request, "pairing/detail.html", {
        "pairing": pairing, "visits": Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_log": _may_write(lambda: pairing_for(request.user, pairing.pk, write=True)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """The visit form: GET shows it, POST records the visit (and its problems) and opens it."""
    pairing = pairing_for(request.user, pairing_id, write=True)
    form = VisitForm(request.POST or None, initial={"date": timezone.localdate(), "kind": "visit"})
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.log_visit(request.user, pairing.pk, date=data["date"], kind=data["kind"],
                                       participants=data["participants"], discussed=data["discussed"],
                                       problems=form.problem_lines())
        except AppError as exc:
            if exc.status != 400:
                raise
            error = exc
        else:
            return redirect("pairing:visit", visit_id=visit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "pairing/visit_form.html", {"pairing": pairing, "form": form, "error": error},
                  status=status)


@login_required
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    from newind.cases.queries import categories

    visit = visit_for(request.user, visit_id)
    return render(request, "pairing/visit.html", {
        "visit": visit, "problems": visit.problems.select_related("case"), "categories": categories(),
        "can_appeal": _may_write(lambda: visit_for(request.user, visit.pk, write=True)),
    })


@login_required
@require_POST
def problem_appeal(request: HttpRequest, visit_id: int, problem_id: int) -> HttpResponse:
    """One click: the problem becomes an appeal (企业诉求) filed through the case engine."""
    visit = visit_for(request.user, visit_id, write=True)
    if not visit.problems.filter(pk=problem_id).exists():
        raise AppError("该问题不属于这次走访：请从走访记录页面操作。", status=404, code="not_found")
    form = AppealForm(request.POST)
    category = form.cleaned_data.get("category", "") if form.is_valid() else ""
    services.problem_to_appeal(request.user, problem_id, category=category)
    return redirect("pairing:visit", visit_id=visit.pk)


@login_required
@page_required(PAIRING_GAPS_PAGE)
def gaps_page(request: HttpRequest) -> HttpResponse:
    """The month's gaps: officials and firms without the required contact, key firms no one is paired with."""
    year, month = _month(request)
    gaps = queries.month_gaps(pairings_in_scope(request.user), year, month)
    return render(request, "pairing/gaps.html", {
        "gaps": gaps, "month": f"{year}-{month:02d}", "counts": gaps.counts,
        "detail": queries.gap_detail(gaps, 300), "officials": gaps.officials.head(300).to_dict("records"),
        "firms": gaps.firms.head(300).to_dict("records"), "unpaired": gaps.unpaired.head(300).to_dict("records"),
    })


@login_required
@page_required(PAIRING_GAPS_PAGE)
def gaps_xlsx(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    gaps = queries.month_gaps(pairings_in_scope(request.user), year, month)
    record("export", user=request.user, summary=f"导出{gaps.label}包联走访缺口（Excel）",
           object_type="pairing.gaps", object_id=f"{year}-{month:02d}")
    return xlsx_response(exports.gaps_workbook(gaps), f"pairing-gaps-{year}-{month:02d}.xlsx")


def _upload_page(request: HttpRequest, form: UploadForm, error: AppError | None = None) -> HttpResponse:
    return render(request, "pairing/upload.html", {
        "form": form, "error": error, "batches": PairingBatch.objects.select_related("created_by")[:20],
        "max_mb": upload_limit_mb(), "rules": queries.load_rules(),
    }, status=error.status if error else 200)


@login_required
@page_required(PAIRING_IMPORT_PAGE)
@require_http_methods(["GET", "POST"])
@throttled("upload")
def upload_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: keep the file, check it and show the preview (writes nothing)."""
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        data = parsing.read_upload(upload)
        preview = services.prepare_pairing_import(data, upload.name, request.user)
    except AppError as error:
        return _upload_page(request, form, error)
    digest = store_upload(data)
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d != digest][-9:] + [digest]
    confirm = ConfirmForm(initial={"sha256": digest, "file_name": preview.file_name, "plan": preview.fingerprint()})
    return render(request, "pairing/preview.html", {"preview": preview, "confirm": confirm,
                                                    "added": preview.added[:100], "changes": preview.changes[:100]})


@login_required
@page_required(PAIRING_IMPORT_PAGE)
@require_POST
@throttled("upload")
def confirm_import(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(SESSION_KEY, []):
        raise AppError("只能确认本人刚刚上传并预览过的文件：请重新上传文件。", status=403, code="forbidden")
    preview = services.prepare_pairing_import(load_upload(digest), form.cleaned_data["file_name"], request.user)
    batch = services.apply_pairing_import(preview, request.user, expected=form.cleaned_data["plan"])
    return render(request, "pairing/done.html", {"preview": preview, "batch": batch})
