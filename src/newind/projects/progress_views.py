"""Pages of the monthly project progress (岳新工办统2表): the unit's form (phone cards), its Excel template,
review, publication and the office's correction. Every view checks access through newind.accounts.access
(submission_for) and the workflow's transition table (in the services it calls)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newind.accounts.access import (
    SUBMISSIONS_PAGE,
    TASKS_PAGE,
    can_write_unit,
    submission_for,
    submissions_in_scope,
    workflow_role,
)
from newind.accounts.throttle import throttled
from newind.core.errors import AppError
from newind.core.xlsx import xlsx_response
from newind.imports.parsing import read_upload
from newind.projects import progress
from newind.projects.calc import PROGRESS_FIELDS, PROGRESS_TEXT_FIELDS
from newind.submissions import services as submission_services
from newind.submissions.calc import Action, allowed_actions
from newind.submissions.forms import PublishForm, ReviewForm, UploadForm
from newind.submissions.models import Submission


def _submission(request: HttpRequest, submission_id: int, *, write: bool = False) -> Submission:
    submission = submission_for(request.user, submission_id, write=write)
    if submission.task.form_code != progress.FORM_CODE:
        raise AppError("这份报表不是重大项目月度进度表：请从「月度报表」打开。", status=404, code="not_found")
    return submission


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The project progress reports the user may open, newest first."""
    SUBMISSIONS_PAGE.require(request.user)
    subs = list(submissions_in_scope(request.user).filter(task__form_code=progress.FORM_CODE)[:200])
    return render(request, "projects/progress/index.html", {"subs": subs, "is_office": TASKS_PAGE.allows(request.user)})


def _inputs(request: HttpRequest, submission: Submission) -> dict[int, progress.RowInput]:
    """The posted fields `p<project id>-<field>`; a project with no field posted is not touched."""
    inputs: dict[int, progress.RowInput] = {}
    for project in progress.unit_projects(submission):
        values = {f: request.POST[f"p{project.pk}-{f}"] for f in progress.FIELDS
                  if f"p{project.pk}-{f}" in request.POST}
        if values:
            inputs[project.pk] = progress.RowInput(values=values)
    return inputs


def _posted(inputs: dict[int, progress.RowInput]) -> dict[int, dict[str, Any]]:
    return {pid: dict(item.values) for pid, item in inputs.items()}


def _render(request: HttpRequest, submission: Submission, *, posted: dict[int, dict[str, Any]] | None = None,
            error: progress.ProgressInvalid | None = None, review_form: ReviewForm | None = None,
            status: int = 200) -> HttpResponse:
    writable = can_write_unit(request.user, submission.unit_id)
    actions = allowed_actions(submission.state, workflow_role(request.user)) if writable else []
    rows = progress.form_rows(submission, posted=posted, errors=error.by_project if error else None)
    return render(request, "projects/progress/form.html", {
        "sub": submission, "task": submission.task, "rows": rows,
        "amount_fields": PROGRESS_FIELDS, "text_fields": PROGRESS_TEXT_FIELDS,
        "error": error, "warnings": [] if error else progress.explanation_warnings(submission),
        "can_fill": Action.SAVE in actions, "can_submit": Action.SUBMIT in actions,
        "can_approve": Action.APPROVE in actions, "can_return": Action.RETURN in actions,
        "can_publish": Action.PUBLISH in actions, "can_correct": Action.CORRECT in actions,
        "review_form": review_form or ReviewForm(), "publish_form": PublishForm(), "upload_form": UploadForm(),
        "events": submission.events.select_related("user"), "reminders": submission.reminders.all(),
        "share_bound": progress.share_bound_pct(submission.task.definition).normalize(),
    }, status=status)


@login_required
def form(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The unit's form: every active project as a card; POST saves a draft or submits."""
    submission = _submission(request, submission_id, write=request.method == "POST")
    if request.method != "POST":
        return _render(request, submission)
    inputs = _inputs(request, submission)
    submit = request.POST.get("action") == "submit"
    try:
        progress.save_rows(submission, request.user, inputs, submit=submit,
                           filled_by_name=request.POST.get("filled_by", ""), request=request)
    except progress.ProgressInvalid as error:
        return _render(request, submission, posted=_posted(inputs), error=error, status=400)
    messages.success(request, "已提交，等待本单位审核员审核。" if submit else "已保存草稿。")
    return redirect("projects_progress:form", submission_id=submission.pk)


@require_POST
@login_required
def review(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The unit's reviewer (or the office) approves or returns the submitted report with a reason."""
    submission = _submission(request, submission_id, write=True)
    review_form = ReviewForm(request.POST)
    if not review_form.is_valid():
        return _render(request, submission, review_form=review_form, status=400)
    approve = review_form.cleaned_data["decision"] == "approve"
    submission_services.review_submission(submission, request.user, approve=approve,
                                          reason=review_form.cleaned_data["reason"], request=request)
    messages.success(request, "已审核通过，等待市新型工业化办公室发布。" if approve else "已退回填报员修改。")
    return redirect("projects_progress:form", submission_id=submission.pk)


@require_POST
@login_required
def publish(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The office publishes an approved report: its rows become the projects' current progress."""
    submission = _submission(request, submission_id, write=True)
    publish_form = PublishForm(request.POST)
    release = publish_form.cleaned_data["release"] if publish_form.is_valid() else "official"
    submission_services.publish_submission(submission, request.user, release=release, request=request)
    messages.success(request, f"已发布{submission.unit.name}{submission.task.period.label}的项目进度。")
    return redirect("projects_progress:form", submission_id=submission.pk)


@require_POST
@login_required
def correct(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The office corrects published rows: each changed project gets a new version with the reason."""
    submission = _submission(request, submission_id, write=True)
    inputs: dict[int, progress.RowInput] = {}
    for key, value in request.POST.items():
        if key.startswith("p") and "-" in key:
            pid, _, name = key[1:].partition("-")
            if pid.isdigit() and name in progress.FIELDS:
                inputs.setdefault(int(pid), progress.RowInput()).values[name] = value
    progress.correct_rows(submission, request.user, inputs, reason=request.POST.get("reason", ""), request=request)
    messages.success(request, "已更正，原数据作为历史版本保留。")
    return redirect("projects_progress:form", submission_id=submission.pk)


@login_required
def template(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The unit's Excel template: one row per project, prefilled with the draft."""
    submission = _submission(request, submission_id)
    name, data = progress.export_template(submission, request.user, request=request)
    return xlsx_response(data, name)


@require_POST
@login_required
@throttled("upload")
def upload(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Upload a filled template: checked like the form, all or nothing."""
    submission = _submission(request, submission_id, write=True)
    upload_form = UploadForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        raise AppError("请选择要上传的 Excel 文件（.xlsx）。")
    upload_file = upload_form.cleaned_data["file"]
    data = read_upload(upload_file, hint="请上传从平台下载的项目进度填报模板。")
    progress.upload_excel(submission, request.user, data, upload_file.name, request=request)
    messages.success(request, f"已导入「{upload_file.name}」中的项目进度（草稿），请核对后提交。")
    return redirect("projects_progress:form", submission_id=submission.pk)
