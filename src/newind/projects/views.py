"""The project registry pages: the list (filters by county, park, stage and list), one project's page, and
the office's workbook upload → preview → confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    PROJECT_CHECK_PAGE,
    PROJECT_IMPORT_PAGE,
    PROJECTS_PAGE,
    page_required,
    project_for,
    projects_in_scope,
)
from newind.accounts.throttle import throttled
from newind.core.errors import AppError, Forbidden, NotFound
from newind.core.uploads import upload_limit_mb
from newind.projects import registry_queries as queries
from newind.projects import services
from newind.projects.forms import ProjectConfirmForm, ProjectUploadForm
from newind.projects.lights import lights_block
from newind.projects.models import ProjectImportBatch, ProjectStoppage
from newind.projects.problems_views import problems_context
from newind.projects.progress import progress_block
from newind.projects.registry import apply_project_import, prepare_project_import

SESSION_KEY = "newind_project_uploads"
PAGE_SIZE = 50


@login_required
@page_required(PROJECTS_PAGE)
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects the user may see, filtered by county, park, stage and list, 50 a page."""
    scope = projects_in_scope(request.user)
    chosen = {k: request.GET.get(k, "").strip()[:40] for k in ("county", "park", "stage", "list", "q")}
    found = queries.filter_projects(scope, county=chosen["county"], park=chosen["park"], stage=chosen["stage"],
                                    list_code=chosen["list"], text=chosen["q"])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(request, "projects/list.html", {
        "page": page, "chosen": chosen, "options": queries.filter_options(scope), "query": query,
        "total": found.count(), "can_import": PROJECT_IMPORT_PAGE.allows(request.user),
    })


def _detail_page(request: HttpRequest, project: Any, error: AppError | None = None,
                 posted: dict[str, str] | None = None) -> HttpResponse:
    return render(request, "projects/detail.html", {
        "project": project, "labels": queries.flag_labels(project), "timeline": queries.timeline(project),
        "stoppages": queries.stoppages(project), "history": queries.history(project),
        "entry": queries.entry_check(project),
        "lights": lights_block(project),
        "progress": progress_block(project, request.user)["progress"],
        **problems_context(project, request.user),
        "can_stop": _may_change(request.user, project), "can_check": PROJECT_CHECK_PAGE.allows(request.user),
        "open_stoppage": services.open_stoppage(project), "today": timezone.localdate(),
        "action_error": error, "posted": posted or {},
    }, status=error.status if error else 200)


def _may_change(user: Any, project: Any) -> bool:
    try:
        project_for(user, project.pk, write=True)
    except Forbidden:
        return False
    return True


@login_required
@page_required(PROJECTS_PAGE)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One project: registry fields, stage timeline, stoppages, lights, progress, problems, history and the
    park entry-threshold check; the forms of 停工/复工 (office, the county's reporter) and of the office's
    review and 弄虚作假 finding."""
    return _detail_page(request, project_for(request.user, pk))


def _date(value: str | None, what: str) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AppError(f"{what}「{text[:20]}」不是日期：请按 2017-06-15 的格式填写。") from None


def _act(request: HttpRequest, project: Any, step: Any) -> HttpResponse:
    """Run one change of the project; on a refusal show the project page again with the message (kept input)."""
    try:
        step()
    except (Forbidden, NotFound):
        raise
    except AppError as error:
        return _detail_page(request, project, error, {k: str(v)[:500] for k, v in request.POST.items()
                                                      if k != "csrfmiddlewaretoken"})
    return redirect(reverse("projects:detail", kwargs={"pk": project.pk}) + "#project-stoppages")


@login_required
@page_required(PROJECTS_PAGE)
@require_POST
def stoppage(request: HttpRequest, pk: int) -> HttpResponse:
    """停工 or 复工 with its date and reason: the office or the county's reporter (project_for write=True)."""
    project = project_for(request.user, pk, write=True)
    action = request.POST.get("action")

    def step() -> None:
        if action == "stop":
            services.record_stoppage(project, stopped_on=_date(request.POST.get("date"), "停工日期"),
                                     reason=request.POST.get("reason", ""), user=request.user)
        elif action == "resume":
            services.record_resumption(project, resumed_on=_date(request.POST.get("date"), "复工日期"),
                                       reason=request.POST.get("reason", ""), user=request.user)
        else:
            raise AppError("请选择登记停工或登记复工。")

    return _act(request, project, step)


@login_required
@page_required(PROJECT_CHECK_PAGE)
@require_POST
def review_stoppage(request: HttpRequest, pk: int, stoppage_id: int) -> HttpResponse:
    """The office's review of a recorded 停工 or 复工."""
    project = project_for(request.user, pk, write=True)
    record = ProjectStoppage.objects.filter(project=project, pk=stoppage_id).first()
    if record is None:
        raise NotFound("未找到这条停工记录：请从项目页重新打开。")
    return _act(request, project, lambda: services.review_stoppage(
        record, decision=request.POST.get("decision", ""), note=request.POST.get("note", ""), user=request.user))


@login_required
@page_required(PROJECT_CHECK_PAGE)
@require_POST
def falsified(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's 弄虚作假 finding, or its withdrawal, with a reason."""
    project = project_for(request.user, pk, write=True)
    return _act(request, project, lambda: services.set_falsified(
        project, falsified=request.POST.get("falsified") == "1", reason=request.POST.get("reason", ""),
        on=_date(request.POST.get("date"), "认定日期"), user=request.user))


def _upload_page(request: HttpRequest, form: ProjectUploadForm, error: AppError | None = None) -> HttpResponse:
    return render(request, "projects/import.html", {
        "form": form, "error": error, "batches": ProjectImportBatch.objects.select_related("created_by")[:20],
        "max_mb": upload_limit_mb(), "max_rows": settings.NEWIND_IMPORT_MAX_ROWS,
    }, status=error.status if error else 200)


@login_required
@page_required(PROJECT_IMPORT_PAGE)
@require_http_methods(["GET", "POST"])
@throttled("upload")
def upload_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: keep the file, check it and show the preview (writes nothing)."""
    from newind.imports import parsing
    from newind.imports.services import store_upload

    if request.method != "POST":
        return _upload_page(request, ProjectUploadForm())
    form = ProjectUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    try:
        data = parsing.read_upload(upload)
        preview = prepare_project_import(data, upload.name, request.user)
    except AppError as error:
        return _upload_page(request, form, error)
    digest = store_upload(data)
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d != digest][-9:] + [digest]
    confirm = ProjectConfirmForm(initial={"sha256": digest, "file_name": preview.file_name,
                                          "plan": preview.fingerprint()})
    return render(request, "projects/import_preview.html", {
        "preview": preview, "confirm": confirm, "changes": preview.change_lines(200),
        "added": preview.added_lines(200),
    })


@login_required
@page_required(PROJECT_IMPORT_PAGE)
@require_POST
@throttled("upload")
def confirm_import(request: HttpRequest) -> HttpResponse:
    """Write a previewed file: re-read the kept upload, check and plan it again, write it in one transaction."""
    from newind.imports.services import load_upload

    form = ProjectConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(SESSION_KEY, []):
        raise Forbidden("只能确认本人刚刚上传并预览过的文件：请重新上传文件。")
    preview = prepare_project_import(load_upload(digest), form.cleaned_data["file_name"], request.user)
    batch = apply_project_import(preview, request.user, expected=form.cleaned_data["plan"])
    return render(request, "projects/import_done.html", {"preview": preview, "batch": batch})
