"""Upload → preview → confirm, recent batches, and the history of one figure."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import figure_history_for, require_importer
from newind.accounts.throttle import throttled
from newind.core.errors import AppError
from newind.imports import parsing
from newind.imports.forms import ConfirmForm, ImportForm
from newind.imports.queries import recent_batches
from newind.imports.services import (
    CONFLICT,
    HIDDEN_CHOICE,
    ImportOptions,
    ImportPreview,
    apply_import,
    discard_upload,
    load_upload,
    prepare_import,
    store_upload,
)

SESSION_KEY = "newind_import_uploads"
PREVIEW_LINES = 50


def _options(data: dict[str, Any]) -> ImportOptions:
    return ImportOptions(indicator=data.get("indicator") or None, period=data.get("period") or None,
                         source=data.get("source") or None, release=data.get("release") or None,
                         include_hidden=bool(data.get("include_hidden")))


def _upload_page(request: HttpRequest, form: ImportForm, error: AppError | None = None) -> HttpResponse:
    return render(request, "imports/upload.html", {
        "form": form, "error": error, "batches": recent_batches(),
        "max_mb": settings.NEWIND_IMPORT_MAX_BYTES // (1024 * 1024),
        "max_rows": settings.NEWIND_IMPORT_MAX_ROWS, "max_columns": settings.NEWIND_IMPORT_MAX_COLUMNS,
    }, status=error.status if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
@throttled("upload")
def upload_page(request: HttpRequest) -> HttpResponse:
    """GET: the form and recent batches. POST: keep the file, check it and show the preview (writes nothing)."""
    require_importer(request.user)
    if request.method != "POST":
        return _upload_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        data = parsing.read_upload(upload)
        options = _options(form.cleaned_data)
        preview = prepare_import(data, upload.name, options, request.user)
    except AppError as error:
        return _upload_page(request, form, error)
    digest = store_upload(data)
    allowed = [d for d in request.session.get(SESSION_KEY, []) if d != digest][-9:] + [digest]
    request.session[SESSION_KEY] = allowed
    return _preview_page(request, preview, digest, options)


def _preview_page(request: HttpRequest, preview: ImportPreview, digest: str, options: ImportOptions) -> HttpResponse:
    fields = {"sha256": digest, "file_name": preview.file_name, **{k: v or "" for k, v in vars(options).items()}}
    confirm = ConfirmForm(initial={**fields, "plan": preview.plan.fingerprint()})
    # The same upload previewed again with the other choice about hidden content (no new upload needed).
    other = ConfirmForm(initial={**fields, "include_hidden": not options.include_hidden,
                                 "plan": preview.plan.fingerprint()})
    return render(request, "imports/preview.html", {
        "preview": preview, "confirm": confirm, "other": other, "hidden_choice": HIDDEN_CHOICE,
        "added": preview.added_lines(PREVIEW_LINES), "changed": preview.changed_lines(PREVIEW_LINES),
        "limit": PREVIEW_LINES,
    })


def _kept_upload(request: HttpRequest) -> tuple[ConfirmForm, str]:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(SESSION_KEY, []):
        raise AppError("只能确认本人刚刚上传并预览过的文件：请重新上传文件。", status=403, code="forbidden")
    return form, digest


@login_required
@require_POST
@throttled("upload")
def repreview_import(request: HttpRequest) -> HttpResponse:
    """Preview the kept upload again, with or without its hidden sheets, rows and columns. Writes nothing."""
    require_importer(request.user)
    form, digest = _kept_upload(request)
    options = _options(form.cleaned_data)
    preview = prepare_import(load_upload(digest), form.cleaned_data["file_name"], options, request.user)
    return _preview_page(request, preview, digest, options)


@login_required
@require_POST
@throttled("upload")
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Write a previewed file: re-read the kept upload, check it again and write it in one transaction."""
    require_importer(request.user)
    form, digest = _kept_upload(request)
    preview = prepare_import(load_upload(digest), form.cleaned_data["file_name"], _options(form.cleaned_data),
                             request.user)
    if preview.plan.fingerprint() != form.cleaned_data["plan"]:
        # The stored figures changed between the preview page and this click.
        raise AppError(CONFLICT, status=409, code="conflict")
    batch = apply_import(preview, request.user)
    discard_upload(digest)
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d != digest]
    return render(request, "imports/done.html", {"preview": preview, "batch": batch, "batches": recent_batches()})


@login_required
def history_page(request: HttpRequest) -> HttpResponse:
    """All versions of one figure: ?indicator=gdp&unit=430000&period=2013."""
    # Imported figures are published ones; 三员 and users without a role see none (accounts.access).
    history = figure_history_for(request.user, request.GET.get("indicator", ""), request.GET.get("unit", ""),
                                 request.GET.get("period", ""))
    return render(request, "imports/history.html", {"history": history})
