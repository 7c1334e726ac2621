"""The registry pages: the list with search, one firm's page, and the office's upload → preview → confirm."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    ENTERPRISE_IMPORT_PAGE,
    ENTERPRISES_PAGE,
    Role,
    enterprise_for,
    enterprises_in_scope,
    page_required,
    role_of,
)
from newind.accounts.throttle import throttled
from newind.core.errors import AppError
from newind.enterprises import queries
from newind.enterprises.choices import SizeClass
from newind.enterprises.forms import RegistryConfirmForm, RegistryUploadForm
from newind.enterprises.models import RegistryBatch
from newind.enterprises.services import (
    apply_registry_import,
    prepare_registry_import,
)
from newind.imports import parsing
from newind.imports.services import load_upload, store_upload

SESSION_KEY = "newind_registry_uploads"
PAGE_SIZE = 50


@login_required
@page_required(ENTERPRISES_PAGE)
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """Search the firms the user may see; an enterprise user goes straight to its own firm."""
    scope = enterprises_in_scope(request.user)
    if role_of(request.user) == Role.ENTERPRISE:
        own = scope.first()
        if own is None:
            raise AppError("您的账号尚未关联企业档案：请联系市新型工业化领导小组办公室。", status=404, code="not_found")
        return redirect("enterprises:detail", profile_id=own.pk)
    text = request.GET.get("q", "")
    found = queries.search_enterprises(scope, text)
    size = request.GET.get("size", "")
    if size in SizeClass.values:
        found = found.filter(size=size)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enterprises/list.html", {
        "page": page, "q": text, "size": size, "sizes": SizeClass.choices,
        "counts": queries.enterprise_counts(scope), "can_import": ENTERPRISE_IMPORT_PAGE.allows(request.user),
    })


@login_required
def enterprise_page(request: HttpRequest, profile_id: int) -> HttpResponse:
    """One firm: its registry facts, its history, its figures with their versions, its 亩均 history."""
    profile = enterprise_for(request.user, profile_id)
    figures = queries.enterprise_figures(profile)
    years = sorted({f.year for f in figures}, reverse=True)
    return render(request, "enterprises/detail.html", {
        "profile": profile, "unit": profile.unit, "figures": figures, "years": years,
        "history": queries.enterprise_history(profile)[:100],
    })


def _upload_page(request: HttpRequest, form: RegistryUploadForm, error: AppError | None = None) -> HttpResponse:
    return render(request, "enterprises/upload.html", {
        "form": form, "error": error, "batches": RegistryBatch.objects.select_related("created_by")[:20],
        "max_mb": settings.NEWIND_IMPORT_MAX_BYTES // (1024 * 1024), "max_rows": settings.NEWIND_IMPORT_MAX_ROWS,
    }, status=error.status if error else 200)


@login_required
@page_required(ENTERPRISE_IMPORT_PAGE)
@require_http_methods(["GET", "POST"])
@throttled("upload")
def upload_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: keep the file, check it and show the preview (writes nothing)."""
    if request.method != "POST":
        return _upload_page(request, RegistryUploadForm())
    form = RegistryUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        data = parsing.read_upload(upload)
        preview = prepare_registry_import(data, upload.name, request.user)
    except AppError as error:
        return _upload_page(request, form, error)
    digest = store_upload(data)
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d != digest][-9:] + [digest]
    confirm = RegistryConfirmForm(initial={"sha256": digest, "file_name": preview.file_name,
                                           "plan": preview.fingerprint()})
    return render(request, "enterprises/preview.html", {
        "preview": preview, "confirm": confirm, "changes": preview.change_lines(100),
        "added": preview.added.head(100).to_dict("records"),
    })


@login_required
@page_required(ENTERPRISE_IMPORT_PAGE)
@require_POST
@throttled("upload")
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Write a previewed file: re-read the kept upload, check and plan it again, write it in one transaction."""
    form = RegistryConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(SESSION_KEY, []):
        raise AppError("只能确认本人刚刚上传并预览过的文件：请重新上传文件。", status=403, code="forbidden")
    preview = prepare_registry_import(load_upload(digest), form.cleaned_data["file_name"], request.user)
    batch = apply_registry_import(preview, request.user, expected=form.cleaned_data["plan"])
    return render(request, "enterprises/done.html", {"preview": preview, "batch": batch})
