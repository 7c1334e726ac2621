"""Pages of the monthly submission workflow. Each view checks access through newind.accounts.access
(directly or in the service it calls) for reads and writes alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from newind.accounts.access import (
    RELEASE_PAGE,
    SUBMISSIONS_PAGE,
    TASK_BOARDS_PAGE,
    TASKS_PAGE,
    can_write_unit,
    page_required,
    reporting_discipline_for,
    reporting_task_for,
    reporting_tasks_in_scope,
    submission_for,
    submissions_in_scope,
    workflow_role,
)
from newind.accounts.throttle import throttled
from newind.audit.services import record
from newind.core import readcache
from newind.core.errors import AppError
from newind.core.xlsx import ExportSheet, export_workbook, xlsx_response
from newind.imports.parsing import read_upload
from newind.submissions import queries, services
from newind.submissions.calc import Action, State, allowed_actions, yoy_change_text
from newind.submissions.forms import IssueTaskForm, PublishForm, ReviewForm, UploadForm
from newind.submissions.models import Submission
from newind.submissions.providers import provider_for


def _today() -> dt.date:
    return timezone.localdate()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Office and leaders: the tasks with their boards. Units: their own reports and reminders."""
    SUBMISSIONS_PAGE.require(request.user)
    boards = TASK_BOARDS_PAGE.allows(request.user)
    # One query for the tasks with their unit counts, one for the reports, one for their reminders.
    tasks = reporting_tasks_in_scope(request.user).annotate(n_units=Count("submissions"))
    # (The office and leaders work through the task boards; a unit's people see their own reports.)
    subs = ([] if boards else
            list(submissions_in_scope(request.user).prefetch_related("reminders")[:200]))
    reminders = [r for s in subs for r in s.reminders.all()][:20]
    return render(request, "submissions/index.html", {
        "tasks": tasks, "subs": subs, "reminders": reminders, "is_office": TASKS_PAGE.allows(request.user),
    })


@page_required(TASKS_PAGE)
def issue(request: HttpRequest) -> HttpResponse:
    """The office issues a reporting task for a period to a set of units."""
    form = IssueTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.issue_task(request.user, period=data["period"], unit_ids=[u.pk for u in data["units"]],
                                       form_code=data["form_code"], deadline=data["deadline"], request=request)
        except AppError as error:
            if error.status not in (400, 409):
                raise
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已下达「{task.title}」，截止日期 {task.deadline:%Y-%m-%d}。")
            return redirect("submissions:board", task_id=task.pk)
    return render(request, "submissions/issue.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def board(request: HttpRequest, task_id: int) -> HttpResponse:
    """The live board of one task: who submitted, who is late, who was sent back."""
    task = reporting_task_for(request.user, task_id)
    today, can_publish, webhook = _today(), RELEASE_PAGE.allows(request.user), bool(settings.NEWIND_WEBHOOK_URL)

    def body_context() -> dict[str, Any]:
        rows = queries.board_rows(task, today)
        return {"task": task, "rows": rows, "summary": queries.board_summary(rows), "today": today,
                "states": State, "publish_form": PublishForm(), "can_publish": can_publish, "webhook": webhook}

    # Every write to a task's submissions and reminders is audited (the data stamp), and the task's own
    # fingerprint (count, latest change, latest reminder) is part of the key besides.
    key = (task.pk, today, can_publish, webhook, queries.board_fingerprint(task))
    body = readcache.fragment(request, "submissions.board", key, "submissions/_board_body.html", body_context)
    return render(request, "submissions/board.html", {"task": task, "body": body})


@login_required
def board_xlsx(request: HttpRequest, task_id: int) -> HttpResponse:
    """The board in Excel (the same rows: state, first submission, discipline, reason, reminders), audited."""
    task = reporting_task_for(request.user, task_id)
    today = _today()
    rows = queries.board_rows(task, today)
    summary = queries.board_summary(rows)
    about = [f"单位：各填报单位；报表 {task.form_number}「{task.definition.get('name', task.title)}」",
             f"时期：报告期 {task.period.label}，截止日期 {task.deadline:%Y-%m-%d}，统计至 {today:%Y-%m-%d}",
             f"应报 {summary['total']} 个，已发布 {summary['published']} 个，迟报 {summary['late']} 个，"
             f"缺报 {summary['missing']} 个",
             "来源：本平台报送记录" + ("（示例数据）" if task.is_demo else "")]
    header = ["单位", "代码", "状态", "首次提交", "报送纪律", "退回原因", "提醒次数", "最近提醒", "发布类型"]
    table = [[r["unit"].name, r["unit"].code, r["state"].label,
              timezone.localtime(r["submission"].first_submitted_at).strftime("%Y-%m-%d %H:%M")
              if r["submission"].first_submitted_at else "—",
              r["discipline"].label, r["submission"].return_reason, r["reminders"],
              r["last_reminded"].isoformat() if r["last_reminded"] else "—",
              r["submission"].get_release_display() or "—"] for r in rows]
    data = export_workbook([ExportSheet("报送看板", f"{task.title} · 报送看板", about, header, table, frozenset({1}))])
    record("export", user=request.user, request=request, obj=task,
           summary=f"导出「{task.title}」报送看板 Excel，{len(table)} 个单位", after={"rows": len(table)})
    return xlsx_response(data, f"board_{task.form_code}_{task.period.key}.xlsx")


@require_POST
@login_required
def remind(request: HttpRequest, task_id: int) -> HttpResponse:
    """The office's 催报 from the board: one unit (`submission`), or every unit not yet submitted (`all`)."""
    task = reporting_task_for(request.user, task_id, write=True)
    ids = None if request.POST.get("all") else [int(x) for x in request.POST.getlist("submission") if x.isdigit()]
    if ids == []:
        raise AppError("请选择要催报的单位：在看板上点该单位一行的「催报」，或点「催报全部未报单位」。")
    result = services.remind_units(request.user, task, submission_ids=ids, today=_today(), request=request)
    parts = []
    if result.sent:
        names = "、".join(r.submission.unit.name for r in result.sent)
        parts.append(f"已向{len(result.sent)}个单位发出催报：{names}。")
        if not settings.NEWIND_WEBHOOK_URL:
            parts.append("未配置工作群推送，催报已记录在平台内，各单位在「月度报表」中可以看到。")
        elif result.failed:
            parts.append(f"其中{len(result.failed)}条推送到工作群失败（{result.failed[0].webhook_error}），"
                         "催报已记录在平台内，请电话通知这些单位。")
        else:
            parts.append("已推送到工作群。")
    if result.already_today:
        names = "、".join(s.unit.name for s in result.already_today)
        parts.append(f"{names}今天已催报过，未重复发送。")
    messages.success(request, "".join(parts))
    return redirect("submissions:board", task_id=task.pk)


@login_required
def discipline(request: HttpRequest, year: int) -> HttpResponse:
    """Each unit's reporting discipline over a year: on time, late, missing."""
    reporting_discipline_for(request.user)
    return render(request, "submissions/discipline.html",
                  {"year": year, "rows": queries.discipline_record(year, _today()), "today": _today()})


def _field_rows(submission: Submission, posted: dict[str, Any] | None = None,
                errors: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    task, unit = submission.task, submission.unit
    values, explanations = queries.stored_values(submission)
    last = queries.last_year_values(task, unit)
    rows = []
    for spec in queries.field_specs(task, unit):
        value = values.get(spec.code)
        shown = posted.get(f"v_{spec.code}", "") if posted is not None else (
            "" if value is None else f"{value.normalize():f}")
        rows.append({
            "spec": spec, "value": value, "shown": shown, "last": last.get(spec.code),
            "explanation": posted.get(f"e_{spec.code}", "") if posted is not None else explanations.get(spec.code, ""),
            "errors": (errors or {}).get(spec.code, []),
            # The rate rule: a rate's 同比 is a difference in 个百分点, a level's a growth % ("—" from a base ≤ 0).
            "change_text": yoy_change_text(value, last.get(spec.code), spec),
        })
    return rows


def _render_submission(request: HttpRequest, submission: Submission, *, posted: dict[str, Any] | None = None,
                       errors: dict[str, list[str]] | None = None, form_errors: list[str] | None = None,
                       review_form: ReviewForm | None = None, status: int = 200) -> HttpResponse:
    writable = can_write_unit(request.user, submission.unit_id)
    actions = allowed_actions(submission.state, workflow_role(request.user)) if writable else []
    return render(request, "submissions/submission.html", {
        "sub": submission, "task": submission.task, "rows": _field_rows(submission, posted, errors),
        "form_errors": form_errors or [], "can_fill": Action.SAVE in actions, "can_submit": Action.SUBMIT in actions,
        "can_approve": Action.APPROVE in actions, "can_return": Action.RETURN in actions,
        "can_publish": Action.PUBLISH in actions, "can_correct": Action.CORRECT in actions,
        "review_form": review_form or ReviewForm(), "publish_form": PublishForm(), "upload_form": UploadForm(),
        "events": submission.events.select_related("user"), "reminders": submission.reminders.all(),
        "filled_by": posted.get("filled_by", submission.filled_by_name) if posted else submission.filled_by_name,
        "yoy_bound": queries.yoy_bound(submission.task),
        "seen": queries.figures_version(submission) if Action.CORRECT in actions else "",
    }, status=status)


@login_required
def submission_page(request: HttpRequest, submission_id: int) -> HttpResponse:
    """A unit's report: the fill form (GET shows it; POST saves or submits), review and publish controls."""
    submission = submission_for(request.user, submission_id, write=request.method == "POST")
    provider = provider_for(submission.task.form_code)
    if provider is not None:  # a form with its own rows (e.g. the projects' progress) has its own page
        return redirect(provider.page_url(submission))
    if request.method != "POST":
        return _render_submission(request, submission)
    specs = queries.field_specs(submission.task, submission.unit)
    # A field left out of the POST is not touched; a field posted blank clears the figure.
    inputs = {s.code: services.ValueInput(request.POST[f"v_{s.code}"], request.POST.get(f"e_{s.code}"))
              for s in specs if f"v_{s.code}" in request.POST}
    submit = request.POST.get("action") == "submit"
    try:
        services.save_values(submission, request.user, inputs, submit=submit,
                             filled_by_name=request.POST.get("filled_by", ""), request=request)
    except services.SubmissionInvalid as error:
        return _render_submission(request, submission, posted=request.POST.dict(),
                                  errors=error.result.field_errors, form_errors=error.result.form_errors, status=400)
    messages.success(request, "已提交，等待本单位审核员审核。" if submit else "已保存草稿。")
    return redirect("submissions:submission", submission_id=submission.pk)


@require_POST
@login_required
def review(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The unit's reviewer (or the office) approves or sends back a submitted report."""
    submission = submission_for(request.user, submission_id, write=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_submission(request, submission, review_form=form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    services.review_submission(submission, request.user, approve=approve, reason=form.cleaned_data["reason"],
                               request=request)
    messages.success(request, "已审核通过，等待市新型工业化办公室发布。" if approve else "已退回填报员修改。")
    return redirect("submissions:submission", submission_id=submission.pk)


@require_POST
@login_required
def publish(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The office publishes an approved report as 快报 or 正式 figures."""
    submission = submission_for(request.user, submission_id, write=True)
    form = PublishForm(request.POST)
    if not form.is_valid():
        raise AppError("请选择发布类型（快报或正式）。")
    services.publish_submission(submission, request.user, release=form.cleaned_data["release"], request=request)
    messages.success(request, f"已发布{submission.unit.name}{submission.task.period.label}的数据。")
    if request.POST.get("next") == "board":
        return redirect("submissions:board", task_id=submission.task_id)
    return redirect("submissions:submission", submission_id=submission.pk)


@require_POST
@login_required
def publish_many(request: HttpRequest, task_id: int) -> HttpResponse:
    """The office publishes the approved reports ticked on the board (or every approved one) at once."""
    task = reporting_task_for(request.user, task_id, write=True)
    form = PublishForm(request.POST)
    if not form.is_valid():
        raise AppError("请选择发布类型（快报或正式）。")
    ids = None if request.POST.get("all") else [int(x) for x in request.POST.getlist("submission") if x.isdigit()]
    published = services.publish_batch(request.user, task, submission_ids=ids, release=form.cleaned_data["release"],
                                       request=request)
    label = dict(form.fields["release"].choices)[form.cleaned_data["release"]]  # type: ignore[attr-defined]
    messages.success(request, f"已发布{len(published)}份报表（{label}）：{'、'.join(s.unit.name for s in published)}。")
    return redirect("submissions:board", task_id=task.pk)


@require_POST
@login_required
def correct(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The office corrects published figures; each change becomes a new version with the reason."""
    submission = submission_for(request.user, submission_id, write=True)
    specs = queries.field_specs(submission.task, submission.unit)
    inputs = {s.code: services.ValueInput(request.POST.get(f"v_{s.code}", "")) for s in specs
              if request.POST.get(f"v_{s.code}", "").strip()}
    # The form carries the version of the figures it showed ("" when missing: refused, a change is blind).
    services.correct_published(submission, request.user, inputs, reason=request.POST.get("reason", ""),
                               seen=request.POST.get("seen", ""), request=request)
    messages.success(request, "已更正，原数据作为历史版本保留。")
    return redirect("submissions:submission", submission_id=submission.pk)


@login_required
def template_xlsx(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Download the unit's Excel template for this task."""
    submission = submission_for(request.user, submission_id)
    provider = provider_for(submission.task.form_code)
    if provider is not None:
        return redirect(provider.page_url(submission))
    name, data = services.export_template(submission, request.user, request=request)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=\"{name}\""
    return response


@require_POST
@login_required
@throttled("upload")
def upload(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Upload a filled template: checked like the form, all or nothing."""
    submission = submission_for(request.user, submission_id, write=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        chosen = request.FILES.get("file")
        if chosen is not None and not chosen.size:
            raise AppError("文件是空的：请选择填写好的 .xlsx 填报模板后再上传。")
        raise AppError("请选择要上传的 Excel 文件（.xlsx）。")
    upload_file = form.cleaned_data["file"]
    data = read_upload(upload_file, hint="请上传从平台下载的填报模板。")
    services.upload_excel(submission, request.user, data, upload_file.name, request=request)
    messages.success(request, f"已导入「{upload_file.name}」中的数据（草稿），请核对后提交。")
    return redirect("submissions:submission", submission_id=submission.pk)
