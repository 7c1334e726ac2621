"""The reform task pages: the whole list with lights (office, leaders; units their own tasks), one task with
its milestones, the report form (phone-friendly) and its history, and the office's import. Access only
through accounts.access."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    REFORM_IMPORT_PAGE,
    REFORM_PAGE,
    page_required,
    reform_task_for,
    reform_tasks_in_scope,
)
from newind.audit.models import AuditEntry
from newind.core.errors import AppError, Forbidden
from newind.core.xlsx import xlsx_response
from newind.reform import calc, queries, services
from newind.reform.forms import ConfirmForm, ReportForm, UploadForm
from newind.reform.models import TaskSet

SESSION_KEY = "reform_import_uploads"


def as_of(request: HttpRequest) -> dt.date:
    """The day progress is read at: ?date=YYYY-MM-DD (a meeting looking back), else today."""
    text = request.GET.get("date") or ""
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        raise AppError(f"日期「{text}」无效：请按 2017-11-30 的格式填写。") from None


def _records(frame):  # type: ignore[no-untyped-def]
    return frame.to_dict("records") if not frame.empty else []


@page_required(REFORM_PAGE)
def list_page(request: HttpRequest) -> HttpResponse:
    today = as_of(request)
    tasks = reform_tasks_in_scope(request.user)
    chosen = request.GET.get("set", "")
    frame = queries.tasks_frame(tasks, today)
    sets = queries.rollup(frame, "task_set_id", today)
    shown = frame[frame["set_code"] == chosen] if chosen and not frame.empty else frame
    owners = queries.rollup(shown, "owner_unit_id", today)
    return render(request, "reform/list.html", {
        "today": today, "chosen": chosen, "sets": _records(sets),
        "owners": _records(calc.sort_by_severity(owners)), "tasks": _records(calc.sort_by_severity(shown)),
        "set_choices": TaskSet.objects.filter(pk__in=tasks.values("task_set_id")),
        "can_import": REFORM_IMPORT_PAGE.allows(request.user),
        "synthetic": bool(frame["is_synthetic"].astype(bool).any()) if not frame.empty else False,
    })


def _can_write(request: HttpRequest, task_id: int) -> bool:
    try:
        reform_task_for(request.user, task_id, write=True)
    except AppError:
        return False
    return True


@page_required(REFORM_PAGE)
@require_http_methods(["GET", "POST"])
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    task = reform_task_for(request.user, task_id, write=request.method == "POST")
    today = timezone.localdate()
    error = None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            milestone = task.milestones.filter(pk=form.cleaned_data["milestone"]).first()
            if milestone is None:
                raise AppError("该节点不属于本任务：请在任务页面上重新选择节点。")
            try:
                services.report_milestone(request.user, milestone, done_on=form.cleaned_data["done_on"],
                                          evidence=form.cleaned_data["evidence"], today=today)
            except AppError as exc:
                error = exc
            else:
                return redirect("reform:task", task_id=task.pk)
        else:
            error = AppError("填写有误：" + "；".join(f"{e}" for errs in form.errors.values() for e in errs))
    moment = as_of(request)
    row = queries.tasks_frame(reform_tasks_in_scope(request.user).filter(pk=task.pk), moment).iloc[0].to_dict()
    history = AuditEntry.objects.filter(object_type="reform.reformtask", object_id=str(task.pk)).order_by("at", "id")
    return render(request, "reform/task.html", {
        "task": task, "row": row, "today": moment, "milestones": queries.milestones_of(task, moment),
        "co_units": list(task.co_units.all()), "can_write": _can_write(request, task.pk), "history": history,
        "error": error,
    }, status=error.status if error else 200)


def _upload_page(request: HttpRequest, form: UploadForm, error: AppError | None = None) -> HttpResponse:
    return render(request, "reform/import.html", {"form": form, "error": error},
                  status=error.status if error else 200)


@page_required(REFORM_IMPORT_PAGE)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: keep the file, check it and show the preview (writes nothing)."""
    from newind.core.uploads import read_upload
    from newind.imports.services import store_upload

    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    values = {k: form.cleaned_data[k] for k in ("code", "name", "year", "source_document")}
    try:
        data = read_upload(upload)
        preview = services.prepare_import(data, upload.name, values)
    except AppError as error:
        return _upload_page(request, form, error)
    digest = store_upload(data)
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d != digest][-9:] + [digest]
    confirm = ConfirmForm(initial={**values, "sha256": digest, "file_name": preview.file_name,
                                   "plan": preview.fingerprint()})
    return render(request, "reform/import_preview.html", {"preview": preview, "confirm": confirm})


@page_required(REFORM_IMPORT_PAGE)
@require_POST
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Write a previewed file: re-read the kept upload, check and plan it again, write it in one transaction."""
    from newind.imports.services import load_upload

    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(SESSION_KEY, []):
        raise Forbidden("只能确认本人刚刚上传并预览过的文件：请重新上传文件。")
    values = {k: form.cleaned_data[k] for k in ("code", "name", "year", "source_document")}
    preview = services.prepare_import(load_upload(digest), form.cleaned_data["file_name"], values)
    task_set = services.apply_import(preview, request.user, expected=form.cleaned_data["plan"])
    return render(request, "reform/import_done.html", {"preview": preview, "task_set": task_set})


@page_required(REFORM_IMPORT_PAGE)
def template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(services.template_workbook(), "改革任务清单模板.xlsx")
