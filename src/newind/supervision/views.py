"""Pages of dispatch meetings and supervision (/supervision/…): the office records meetings, agenda items,
decisions and tasks and reviews 销号; leaders read everything; departments work their tasks on /cases/….

Every read goes through newind.accounts.access (meetings_in_scope, meeting_for, supervision_tasks_in_scope,
case_for); every write through supervision.services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    SUPERVISION_MANAGE_PAGE,
    SUPERVISION_PAGE,
    case_for,
    meeting_for,
    meetings_in_scope,
    page_required,
    supervision_tasks_in_scope,
)
from newind.cases import services as case_services
from newind.cases.calc import OPEN_STATES
from newind.cases.choices import State
from newind.cases.sla import format_deadline, load_profile, to_local
from newind.core.errors import AppError, NotFound
from newind.supervision import queries, services
from newind.supervision.choices import AgendaSource, TaskStatus, Urgency
from newind.supervision.forms import DecisionForm, MeetingForm, TaskForm
from newind.supervision.models import SupervisionTask

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _refused(exc: AppError) -> bool:
    return exc.status in (401, 403)


@login_required
@page_required(SUPERVISION_PAGE)
def meeting_list(request: HttpRequest) -> HttpResponse:
    rows = queries.meeting_rows(meetings_in_scope(request.user))
    return render(request, "supervision/meetings.html", {"rows": rows,
                                                         "can_manage": SUPERVISION_MANAGE_PAGE.allows(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
@page_required(SUPERVISION_MANAGE_PAGE)
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    error: AppError | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.record_meeting(kind=d["kind"], held_on=d["held_on"], title=d["title"], chair=d["chair"],
                                              attendees=d["attendees"], agenda=d["agenda"],
                                              report_period=d["report_period"] or "", user=request.user)
        except AppError as exc:
            if _refused(exc):
                raise
            error = exc
        else:
            return redirect("supervision:meeting", meeting_id=meeting.pk)
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(request, "supervision/meeting_new.html", {"form": form, "error": error}, status=status)


def _sources(meeting: Any) -> dict[str, list[dict[str, Any]]]:
    """The pickers of the meeting page: the red lights of the meeting's report period, the overdue cases and
    the open project problems, each one click from an agenda item or a task."""
    from newind.cases.models import Case
    from newind.projects.models import ProjectProblem

    now = to_local(case_services.clock())
    lights: list[dict[str, Any]] = []
    if meeting.report_period:
        from newind.indicators.periods import Period
        from newind.targets.queries import warning_list

        try:
            frame = warning_list(Period.parse(meeting.report_period))
        except AppError:
            frame = None
        if frame is not None and not frame.empty:
            red = frame[frame["light"] == "red"].head(30)
            lights = [{"ref": f"{r.target_id}|{meeting.report_period}",
                       "title": f"{r.unit_name}「{r.indicator_name}」", "reason": r.light_reason}
                      for r in red.itertuples()]
    open_states = [str(s) for s in OPEN_STATES]
    overdue = [{"ref": str(c.pk), "title": f"{c.code}「{c.title}」", "reason": f"{c.lead_unit.name if c.lead_unit else '待交办'}，"
                f"时限 {format_deadline(c.close_deadline)}"}
               for c in Case.objects.filter(state__in=open_states, close_deadline__lt=now).exclude(kind="supervision")
               .select_related("lead_unit").order_by("close_deadline")[:30]]
    problems = [{"ref": str(p.pk), "title": f"{p.project.name}：{p.case.title}",
                 "reason": p.case.lead_unit.name if p.case.lead_unit else "待交办"}
                for p in ProjectProblem.objects.filter(case__state__in=open_states)
                .select_related("project", "case", "case__lead_unit").order_by("case__close_deadline")[:30]]
    return {AgendaSource.RED_LIGHT: lights, AgendaSource.OVERDUE_CASE: overdue, AgendaSource.PROJECT_PROBLEM: problems}


def _meeting_page(request: HttpRequest, meeting: Any, *, error: AppError | None = None, status: int = 200,
                  decision_form: DecisionForm | None = None) -> HttpResponse:
    can_manage = SUPERVISION_MANAGE_PAGE.allows(request.user)
    decisions = list(meeting.decisions.select_related("owner_unit", "task", "task__case").order_by("id"))
    now = to_local(case_services.clock())
    tasks = queries.task_frame(SupervisionTask.objects.filter(decision__meeting=meeting), now=now)
    status_of = dict(zip(tasks["case_id"], tasks["status"], strict=True)) if not tasks.empty else {}
    labels = dict(TaskStatus.choices)
    rows = []
    for d in decisions:
        task = getattr(d, "task", None)
        rows.append({"d": d, "task": task, "status_label": labels[status_of[task.case_id]] if task else "未转督办"})
    sources = _sources(meeting) if can_manage else {}
    return render(request, "supervision/meeting.html", {
        "meeting": meeting, "attendees": list(meeting.attendees.select_related("unit")),
        "agenda_items": list(meeting.agenda_items.select_related("case", "unit")), "decisions": rows,
        "can_manage": can_manage, "decision_form": decision_form or DecisionForm(), "error": error,
        "source_groups": [(AgendaSource(k).label, k, v) for k, v in sources.items()],
        "profile": load_profile(services.PROFILE)}, status=status)


@login_required
@page_required(SUPERVISION_PAGE)
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_page(request, meeting_for(request.user, meeting_id))


@login_required
@page_required(SUPERVISION_PAGE)
def meeting_report(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for(request.user, meeting_id)
    if not meeting.report_stored_as:
        raise NotFound("该会议没有附月度调度通报。")
    path = services.meeting_report_path(meeting)
    if not path.exists():
        raise NotFound("该会议所附调度通报的文件已不在存储目录中：请联系市新型工业化办公室。")
    return FileResponse(path.open("rb"), as_attachment=True, filename=meeting.report_name, content_type=DOCX)


def _post_action(request: HttpRequest, meeting_id: int, action: Any) -> HttpResponse:
    meeting = meeting_for(request.user, meeting_id, write=True)
    try:
        result = action(meeting)
    except AppError as exc:
        if _refused(exc):
            raise
        return _meeting_page(request, meeting, error=exc, status=exc.status)
    if isinstance(result, HttpResponse):
        return result
    return redirect("supervision:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
@page_required(SUPERVISION_MANAGE_PAGE)
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One click: a red light, an overdue case or a project problem (or a typed item) onto the agenda."""
    return _post_action(request, meeting_id, lambda m: services.add_agenda_item(
        m, kind=request.POST.get("kind", "other"), ref=request.POST.get("ref", ""),
        title=request.POST.get("title", ""), user=request.user))


@login_required
@require_POST
@page_required(SUPERVISION_MANAGE_PAGE)
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_for(request.user, meeting_id, write=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        errors = "；".join(f"{form.fields[f].label}：{'，'.join(e)}" for f, e in form.errors.items())
        return _meeting_page(request, meeting, decision_form=form, status=400,
                             error=AppError(f"议定事项填写有误：{errors}"))
    d = form.cleaned_data
    return _post_action(request, meeting_id, lambda m: services.add_decision(
        m, text=d["text"], owner_unit=d["owner_unit"], urgency=d["urgency"], urgent_days=d.get("urgent_days"),
        user=request.user))


@login_required
@require_POST
@page_required(SUPERVISION_MANAGE_PAGE)
def decision_task(request: HttpRequest, meeting_id: int, decision_id: int) -> HttpResponse:
    """One click: the decision becomes a supervision task (owner, deadline and source from the decision)."""
    def make(meeting: Any) -> HttpResponse:
        decision = meeting.decisions.filter(pk=decision_id).first()
        if decision is None:
            raise NotFound("未找到该议定事项：它可能不属于这次会议。")
        task = services.decision_to_task(decision, user=request.user)
        return redirect("cases:detail", case_id=task.case_id)
    return _post_action(request, meeting_id, make)


@login_required
@require_POST
@page_required(SUPERVISION_MANAGE_PAGE)
def source_task(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """One click: a red light, an overdue case or a project problem becomes a supervision task (紧急, 5日)."""
    def make(meeting: Any) -> HttpResponse:
        task = services.source_to_task(request.POST.get("kind", ""), request.POST.get("ref", ""), user=request.user)
        return redirect("cases:detail", case_id=task.case_id)
    return _post_action(request, meeting_id, make)


@login_required
@page_required(SUPERVISION_PAGE)
def task_list(request: HttpRequest) -> HttpResponse:
    rows = queries.task_rows(supervision_tasks_in_scope(request.user).select_related("case"), now=to_local(case_services.clock()))
    status = request.GET.get("status", "")
    if status:
        rows = [r for r in rows if r["status"] == status]
    return render(request, "supervision/tasks.html", {"rows": rows, "statuses": TaskStatus.choices, "status": status,
                                                      "can_manage": SUPERVISION_MANAGE_PAGE.allows(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
@page_required(SUPERVISION_MANAGE_PAGE)
def task_new(request: HttpRequest) -> HttpResponse:
    """A leader's instruction (批示) or a document (文件) filed as a supervision task: the source's number, the
    owner unit and the time class; the case engine then times, reminds and escalates it like any task."""
    form = TaskForm(request.POST or None)
    error: AppError | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        head = d["instructing_head"]
        try:
            task = services.create_task(
                title=d["title"], description=d["description"], owner_unit=d["owner_unit"],
                source_kind=d["source_kind"], source_ref=d["source_ref"].strip(), urgency=d["urgency"],
                urgent_days=d.get("urgent_days"), user=request.user, instructing_head=head,
                instructing_leader=head.user if head is not None else None)
        except AppError as exc:
            if _refused(exc):
                raise
            error = exc
        else:
            return redirect("cases:detail", case_id=task.case_id)
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(request, "supervision/task_new.html", {"form": form, "error": error,
                                                         "profile": load_profile(services.PROFILE)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@page_required(SUPERVISION_MANAGE_PAGE)
def task_review(request: HttpRequest, task_id: int) -> HttpResponse:
    """The office's 销号 review: the five items, each passed or not; a failure sends the task back with reasons."""
    task = supervision_tasks_in_scope(request.user).select_related("case").filter(pk=task_id).first()
    if task is None:
        raise NotFound("未找到该督办任务：请从督办任务列表中打开。")
    case_for(request.user, task.case_id, write=True)
    error: AppError | None = None
    if request.method == "POST":
        checks = {code: request.POST.get(code) == "pass" for code, _ in services.checklist()
                  if request.POST.get(code) in ("pass", "fail")}
        try:
            services.review_task(task, checks=checks, reason=request.POST.get("reason", ""), user=request.user)
        except AppError as exc:
            if _refused(exc):
                raise
            error = exc
        else:
            return redirect("cases:detail", case_id=task.case_id)
    status = (error.status if error else 200)
    return render(request, "supervision/review.html", {
        "task": task, "case": task.case, "items": services.checklist(), "error": error,
        "in_review": task.case.state == State.REVIEW, "deadline": format_deadline(task.case.close_deadline),
        "window": load_profile(services.PROFILE).closure_review}, status=status)


@login_required
@page_required(SUPERVISION_PAGE)
def bulletin(request: HttpRequest) -> HttpResponse:
    """督办通报: the month's praise and criticism lists; ?format=docx downloads the official Word document."""
    from newind.audit.services import record
    from newind.supervision.bulletin import bulletin_content

    period = request.GET.get("period") or f"{to_local(case_services.clock()):%Y-%m}"
    try:
        queries.month_bounds(period)
        content = bulletin_content(period)
    except (ValueError, IndexError):
        raise AppError(f"期别「{period}」格式不对：请写成 YYYY-MM，例如 2017-09。") from None
    if request.GET.get("format") == "docx":
        from newind.reports.word import render_docx

        name = f"督办通报_{period}.docx"
        record("export", user=request.user, request=request, object_type="supervision.bulletin", object_id=period,
               summary=f"下载{content.period_label}督办通报：{name}", after={"period": period, "file": name})
        response = HttpResponse(render_docx(content), content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
        return response
    return render(request, "supervision/bulletin.html", {"content": content, "period": period,
                                                         "urgencies": Urgency.choices})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
