"""Monthly project progress (岳新工办统2表) through the submissions workflow: reads, writes and the row
provider the submissions app calls.

A unit (a county, zone or park) is issued a `ReportingTask` with form code `monthly-projects` like any
monthly report; its `Submission` moves 未填报 → 草稿 → 已提交 → 退回 / 已审核 → 已发布 by the same
transition table (submissions.calc), reviewed by the unit's reviewer and published by the office, with the
same board and reminders. Its rows are `ProjectProgress` rows, one per active project, linked to the
submission: a draft row has `is_current` False and no `published_at` and is never read as a figure.
Publishing makes the rows current (the project-month's earlier current row stops being current and stays
as a version) and sends `projects.signals.progress_published`. The office's correction of a published
report appends a new current version per changed project, with the reason (transition 更正).

Which projects a unit reports (`unit_projects`): a park reports the projects in it; a county or zone
reports its projects outside the parks that were issued the same task. Only projects at 签约 or later,
and not those that reached 达产 before the report year (calc.reports_progress).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from newind.accounts.access import project_for, require_publisher, submission_for, workflow_role
from newind.audit.services import record
from newind.core.errors import AppError, Conflict, Problem
from newind.core.office import office
from newind.indicators.periods import Period, PeriodKind
from newind.projects import progress_xlsx
from newind.projects.calc import (
    ERROR,
    EXPLAIN,
    PROGRESS_FIELDS,
    PROGRESS_TEXT_FIELDS,
    REPORTING_STAGES,
    REQUIRED_PROGRESS,
    ProgressIssue,
    check_progress,
    month_label,
    progress_shares,
    refuse_month,
)
from newind.projects.choices import Stage
from newind.projects.models import Project, ProjectProgress, ProjectYearPlan
from newind.projects.signals import progress_published
from newind.submissions import services as submission_services
from newind.submissions.calc import Action, State, parse_number, transition
from newind.submissions.models import Submission
from newind.submissions.providers import RowProvider
from newind.units.models import Unit

FORM_CODE = "monthly-projects"
UNIT_KINDS = ("county", "zone", "park")
TEXT_MAX = 500  # ProjectProgress.image_progress / problems / explanation
AMOUNT_PLACES = Decimal("0.01")
FIELDS = tuple(PROGRESS_FIELDS) + tuple(PROGRESS_TEXT_FIELDS)
FIELD_LABELS = {**PROGRESS_FIELDS, **PROGRESS_TEXT_FIELDS}


# --- the form's definition --------------------------------------------------------------------------------


def share_bound_pct(definition: dict[str, Any]) -> Decimal:
    return Decimal(str(definition.get("month_share_bound_pct", 30)))


def max_amount(definition: dict[str, Any]) -> Decimal:
    return Decimal(str(definition.get("max_amount", 100_000_000)))


def validate_definition(definition: dict[str, Any]) -> list[str]:
    problems = []
    kinds = definition.get("unit_kinds") or list(UNIT_KINDS)
    problems += [f"unit_kinds 中的 {k} 不能填报项目进度（只能是 county、zone、park）" for k in kinds if k not in UNIT_KINDS]
    try:
        bound = share_bound_pct(definition)
        if not Decimal(0) < bound <= Decimal(100):
            problems.append("month_share_bound_pct 必须大于 0、不大于 100")
        if max_amount(definition) <= 0:
            problems.append("max_amount 必须大于 0")
    except ArithmeticError:
        problems.append("month_share_bound_pct 和 max_amount 必须是数字")
    return problems


# --- which projects a unit reports --------------------------------------------------------------------------


def unit_projects(submission: Submission) -> QuerySet[Project]:
    """The projects on the unit's form for this task, in the registry's order (see the module docstring)."""
    task, unit = submission.task, submission.unit
    if unit.kind == "park":
        projects = Project.objects.filter(park_id=unit.pk)
    else:
        parks_reporting = Submission.objects.filter(task_id=task.pk, unit__kind="park").values("unit_id")
        projects = Project.objects.filter(county_id=unit.pk).exclude(park_id__in=parks_reporting)
    return (projects.filter(stage__in=REPORTING_STAGES)
            .exclude(stage=Stage.FULL_PRODUCTION, stage_since__lt=dt.date(task.year, 1, 1))
            .select_related("county", "park").order_by("code"))


def _label(project: Project | dict[str, Any]) -> str:
    if isinstance(project, dict):
        return f"{project['name']}（{project['code']}）"
    return f"{project.name}（{project.code}）"


def _num(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def _neighbours(project_ids: list[int], year: int, month: int) -> pd.DataFrame:
    """For each project, the last published month before `month` and the first after it (same year)."""
    rows = pd.DataFrame(list(ProjectProgress.objects.filter(
        project_id__in=project_ids, year=year, is_current=True).exclude(month=month).values(
        "project_id", "month", "ytd_investment", "since_start_investment")),
        columns=["project_id", "month", "ytd_investment", "since_start_investment"])
    out = pd.DataFrame({"project_id": project_ids})
    for side, part in (("prev", rows[rows["month"] < month]), ("next", rows[rows["month"] > month])):
        pick = part.sort_values("month", ascending=side == "next").drop_duplicates("project_id")
        pick = pick.rename(columns={"month": f"{side}_month", "ytd_investment": f"{side}_ytd",
                                    "since_start_investment": f"{side}_since_start"})
        out = out.merge(pick, on="project_id", how="left")
    for col in out.columns[1:]:
        out[col] = out[col].astype(float)
    return out


def year_plans(project_ids: list[int], year: int) -> dict[int, Decimal]:
    return dict(ProjectYearPlan.objects.filter(project_id__in=project_ids, year=year).values_list(
        "project_id", "planned_investment"))


def check_frame(projects: list[Project], values: dict[int, dict[str, Any]], year: int,
                month: int) -> pd.DataFrame:
    """The frame calc.check_progress reads: each project's figures (`values`), plan, total and neighbours."""
    ids = [p.pk for p in projects]
    plans = year_plans(ids, year)
    frame = pd.DataFrame({
        "project_id": ids, "project": [_label(p) for p in projects],
        **{f: [_num(values.get(p.pk, {}).get(f)) for p in projects] for f in PROGRESS_FIELDS},
        "explanation": [str(values.get(p.pk, {}).get("explanation") or "") for p in projects],
        "total_investment": [float(p.total_investment) for p in projects],
        "year_plan": [_num(plans.get(p.pk)) for p in projects],
    })
    return frame.merge(_neighbours(ids, year, month), on="project_id", how="left")


def draft_rows(submission: Submission) -> dict[int, ProjectProgress]:
    """The submission's unpublished rows by project (one each)."""
    return {r.project_id: r for r in ProjectProgress.objects.filter(submission_id=submission.pk,
                                                                    published_at__isnull=True)}


def current_rows(submission: Submission, project_ids: list[int]) -> dict[int, ProjectProgress]:
    task = submission.task
    return {r.project_id: r for r in ProjectProgress.objects.filter(
        project_id__in=project_ids, year=task.year, month=task.period_n, is_current=True).select_related(
        "recorded_by")}


def _row_values(row: ProjectProgress | None) -> dict[str, Any]:
    return {f: getattr(row, f) for f in FIELDS} if row is not None else {}


# --- errors ------------------------------------------------------------------------------------------------


class ProgressInvalid(AppError):
    """Rows that fail the checks: `by_project` keeps each project's messages per field for the page."""

    by_project: dict[int, dict[str, list[str]]]

    @classmethod
    def build(cls, message: str, issues: list[ProgressIssue],
              where: dict[tuple[int, str], Problem] | None = None) -> ProgressInvalid:
        located = where or {}
        problems = []
        by_project: dict[int, dict[str, list[str]]] = {}
        for issue in issues:
            by_project.setdefault(issue.project_id, {}).setdefault(issue.field, []).append(issue.message)
            cell = located.get((issue.project_id, issue.field))
            problems.append(Problem(issue.message, sheet=cell.sheet, row=cell.row, column=cell.column) if cell
                            else Problem(issue.message))
        error = cls(message, status=400, problems=problems, code="invalid_progress")
        error.by_project = by_project
        return error


# --- writes ------------------------------------------------------------------------------------------------


@dataclass
class RowInput:
    """What a user typed or uploaded for one project: raw figures and texts by field (a field left out is
    not touched), and where each sits in an upload (sheet, row, column) for the error messages."""

    values: dict[str, object] = field(default_factory=dict)
    where: dict[str, Problem] = field(default_factory=dict)


def _require_form(submission: Submission) -> None:
    if submission.task.form_code != FORM_CODE:
        raise AppError("这份报表不是重大项目月度进度表：请从「月度报表」打开本单位的项目进度填报任务。")


def _parse(projects: dict[int, Project], inputs: dict[int, RowInput],
           stored: dict[int, dict[str, Any]]) -> tuple[dict[int, dict[str, Any]], list[ProgressIssue],
                                                       dict[tuple[int, str], Problem]]:
    """Merge the inputs onto the stored values; the figures parsed to 2 decimals, texts trimmed."""
    merged: dict[int, dict[str, Any]] = {pid: dict(stored.get(pid, {})) for pid in projects}
    issues: list[ProgressIssue] = []
    where: dict[tuple[int, str], Problem] = {}
    for pid, item in inputs.items():
        label = _label(projects[pid])
        for key, raw in item.values.items():
            if key in item.where:
                where[(pid, key)] = item.where[key]
            if key in PROGRESS_TEXT_FIELDS:
                text = "" if raw is None else progress_xlsx.text_of(raw)
                if len(text) > TEXT_MAX:
                    issues.append(ProgressIssue(pid, key, f"「{label}」的「{FIELD_LABELS[key]}」有{len(text)}个字，"
                                                          f"超过{TEXT_MAX}字：请精简后再保存。"))
                merged[pid][key] = text
                continue
            try:
                value = parse_number(raw)
            except ValueError:
                issues.append(ProgressIssue(pid, key, f"「{label}」的「{FIELD_LABELS[key]}」填写的「{raw}」不是数字："
                                                      "请填写数字，单位为万元。"))
                continue
            merged[pid][key] = None if value is None else value.quantize(AMOUNT_PLACES)
    return merged, issues, where


def _issues(submission: Submission, projects: list[Project], merged: dict[int, dict[str, Any]], *,
            require_complete: bool) -> list[ProgressIssue]:
    task = submission.task
    frame = check_frame(projects, merged, task.year, task.period_n)
    return check_progress(frame, month=task.period_n, share_bound_pct=float(share_bound_pct(task.definition)),
                          max_amount=float(max_amount(task.definition)), require_complete=require_complete)


def _editable(submission: Submission, user: Any) -> None:
    submission_for(user, submission, write=True)
    step = transition(submission.state, Action.SAVE, workflow_role(user))
    if not step.allowed:
        raise Conflict(step.message + "如需修改，请联系本单位审核员或市新型工业化领导小组办公室。")


def _lock(submission: Submission) -> Submission:
    return Submission.objects.select_for_update(of=("self",)).select_related("task", "unit").get(pk=submission.pk)


def _unknown(projects: dict[int, Project], inputs: dict[int, RowInput]) -> None:
    unknown = [pid for pid in inputs if pid not in projects]
    if unknown:
        raise AppError(f"有{len(unknown)}个项目不在本单位本期的填报范围内：请刷新页面，使用本单位本期的项目进度表。")


@transaction.atomic
def save_rows(submission: Submission, user: Any, inputs: dict[int, RowInput], *, submit: bool = False,
              filled_by_name: str | None = None, request: Any = None, source: str = "form") -> Submission:
    """Save the unit's rows as a draft (form or Excel); with `submit`, submit them for review.

    All or nothing: a figure that is not a number, negative, a cumulative figure below the last published
    month, or beyond the total investment writes nothing (ProgressInvalid lists each, naming the project
    and the field). The explanation rule (over 30 % of the annual plan) blocks only submitting.
    """
    submission = _lock(submission)
    _require_form(submission)
    _editable(submission, user)
    listed = list(unit_projects(submission))
    projects = {p.pk: p for p in listed}
    _unknown(projects, inputs)
    drafts = draft_rows(submission)
    merged, issues, where = _parse(projects, inputs, {pid: _row_values(r) for pid, r in drafts.items()})
    issues += _incomplete(projects, merged, list(inputs))
    issues += [i for i in _issues(submission, listed, merged, require_complete=False) if i.kind == ERROR]
    if issues:
        raise ProgressInvalid.build("项目进度未通过校验，未保存：请按提示修改后重新保存。", issues, where)
    changes = _write_drafts(submission, user, drafts, {pid: merged[pid] for pid in inputs})
    if changes:
        record("projects.progress_edit", user=user, request=request, obj=submission, unit=submission.unit,
               before={str(pid): c["before"] for pid, c in changes.items()},
               after={"via": source, **{str(pid): c["after"] for pid, c in changes.items()}},
               summary=f"{submission.unit.name} {submission.task.period.label} 项目进度修改{len(changes)}个项目："
                       + "、".join(_label(projects[pid]) for pid in list(changes)[:5])
                       + ("等" if len(changes) > 5 else ""))
    if filled_by_name is not None:
        submission.filled_by_name = filled_by_name.strip()[:50]
        submission.save(update_fields=["filled_by_name", "updated_at"])
    if changes or submission.state == State.NOT_STARTED:
        submission_services.record_step(submission, user, Action.SAVE, detail={"changed": len(changes),
                                                                                 "via": source}, request=request)
    if submit:
        return submission_services.submit_submission(submission, user, request=request)
    return submission


def _norm(value: Any) -> Any:
    return None if value is None or value == "" else value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _write_drafts(submission: Submission, user: Any, drafts: dict[int, ProjectProgress],
                  values: dict[int, dict[str, Any]]) -> dict[int, dict[str, dict[str, str | None]]]:
    """Create or update one draft row per project; return the changes (before → after) by project."""
    task = submission.task
    changes: dict[int, dict[str, dict[str, str | None]]] = {}
    create, update, cleared = [], [], []
    for pid, new in values.items():
        row = drafts.get(pid)
        old = _row_values(row)
        if all(new.get(f) in (None, "") for f in FIELDS):
            if row is not None:  # emptied
                cleared.append(row)
                changes[pid] = {"before": {f: _text(old.get(f)) for f in FIELDS if old.get(f) not in (None, "")},
                                "after": {}}
            continue  # nothing typed for this project
        diff = [f for f in FIELDS if _norm(new.get(f)) != _norm(old.get(f))]
        if row is not None and not diff:
            continue
        if row is None:
            row = ProjectProgress(project_id=pid, year=task.year, month=task.period_n, submission=submission,
                                  is_current=False, is_synthetic=task.is_demo)
            diff = [f for f in FIELDS if new.get(f) not in (None, "")]
            create.append(row)
        else:
            update.append(row)
        for f in PROGRESS_FIELDS:
            setattr(row, f, new.get(f))
        for f in PROGRESS_TEXT_FIELDS:
            setattr(row, f, new.get(f) or "")
        row.recorded_by = user if getattr(user, "pk", None) else None
        changes[pid] = {"before": {f: _text(old.get(f)) for f in diff}, "after": {f: _text(new.get(f)) for f in diff}}
    ProjectProgress.objects.bulk_create(create)
    if update:
        ProjectProgress.objects.bulk_update(update, [*FIELDS, "recorded_by"])
    if cleared:  # a project emptied on the form: its draft row goes (a draft is never a figure)
        ProjectProgress.objects.filter(pk__in=[r.pk for r in cleared]).delete()
    return changes


def stored_values(rows: dict[int, ProjectProgress]) -> dict[int, dict[str, Any]]:
    """The draft rows' values by project."""
    return {pid: _row_values(row) for pid, row in rows.items()}


def _incomplete(projects: dict[int, Project], merged: dict[int, dict[str, Any]],
                touched: list[int]) -> list[ProgressIssue]:
    """A project row begun on a draft needs its three figures (a row left wholly blank is skipped)."""
    issues = []
    for pid in touched:
        values = merged[pid]
        if all(values.get(f) in (None, "") for f in FIELDS):
            continue
        for f in REQUIRED_PROGRESS:
            if values.get(f) is None:
                issues.append(ProgressIssue(pid, f, f"「{_label(projects[pid])}」的「{FIELD_LABELS[f]}」未填写：填报一个项目时"
                                                    "请把当月完成投资、年初至报告期累计、开工至报告期累计填写完整"
                                                    "（本月没有投资请填 0）。"))
    return issues


def check_submit(submission: Submission, user: Any) -> None:
    """Every listed project has its three figures and passes every check, the explanation rule included."""
    listed = list(unit_projects(submission))
    merged = stored_values(draft_rows(submission))
    issues = _issues(submission, listed, merged, require_complete=True)
    if issues:
        raise ProgressInvalid.build(f"项目进度有{len(issues)}处问题，未提交：请按提示修改（超过年计划比例的须填写说明）后"
                                    "再提交。", issues)


def publish_rows(submission: Submission, user: Any) -> dict[str, Any]:
    """Make the submission's draft rows current (called by the submissions workflow when the office
    publishes; inside its transaction): the project-month's earlier current row stops being current and
    stays as a version. Sends `progress_published`."""
    task = submission.task
    now = timezone.now()
    rows = ProjectProgress.objects.filter(submission_id=submission.pk, published_at__isnull=True)
    ids = list(rows.values_list("project_id", flat=True))
    replaced = ProjectProgress.objects.filter(project_id__in=ids, year=task.year, month=task.period_n,
                                              is_current=True).update(is_current=False)
    published = rows.update(is_current=True, published_at=now)
    _send(task.year, task.period_n, [submission.unit_id], user)
    return {"rows": published, "replaced": replaced}


def _send(year: int, month: int, unit_ids: list[int], user: Any) -> None:
    progress_published.send(sender=ProjectProgress, year=year, month=month, unit_ids=unit_ids, user=user)


@transaction.atomic
def correct_rows(submission: Submission, user: Any, inputs: dict[int, RowInput], *, reason: str,
                 request: Any = None) -> Submission:
    """The office corrects a published report: each changed project gets a new current version (who, when,
    why); the earlier version stays in the history. The same checks as on submitting."""
    submission = _lock(submission)
    _require_form(submission)
    require_publisher(user)
    submission_for(user, submission, write=True)
    step = transition(submission.state, Action.CORRECT, workflow_role(user))
    if not step.allowed:
        raise Conflict(step.message)
    reason = reason.strip()
    if not reason:
        raise AppError("更正已发布的项目进度必须填写更正原因。")
    if len(reason) > 300:
        raise AppError(f"更正原因有{len(reason)}个字，超过300字：请精简后再提交。")
    listed = {p.pk: p for p in unit_projects(submission)}
    listed |= {p.pk: p for p in Project.objects.filter(progress__submission_id=submission.pk).distinct()}
    _unknown(listed, inputs)
    current = current_rows(submission, list(listed))
    base = {pid: _row_values(r) for pid, r in current.items()}
    merged, issues, where = _parse(listed, inputs, base)
    changed = [pid for pid in inputs if any(_norm(merged[pid].get(f)) != _norm(base.get(pid, {}).get(f))
                                            for f in FIELDS)]
    if not changed and not issues:
        raise AppError("没有数值发生变化：请修改需要更正的项目数值后再提交。")
    projects = [listed[pid] for pid in changed]
    issues += _issues(submission, projects, {pid: merged[pid] for pid in changed}, require_complete=True)
    issues = [i for i in issues if i.kind == ERROR or i.field == "explanation"]
    if issues:
        raise ProgressInvalid.build("更正的项目进度未通过校验，未保存：请按提示修改后重新提交。", issues, where)
    task, now = submission.task, timezone.now()
    ProjectProgress.objects.filter(project_id__in=changed, year=task.year, month=task.period_n,
                                   is_current=True).update(is_current=False)
    ProjectProgress.objects.bulk_create([ProjectProgress(
        project_id=pid, year=task.year, month=task.period_n, submission=submission, is_current=True,
        published_at=now, recorded_by=user, is_synthetic=task.is_demo,
        **{f: merged[pid].get(f) for f in PROGRESS_FIELDS},
        **{f: merged[pid].get(f) or "" for f in PROGRESS_TEXT_FIELDS}) for pid in changed])
    submission_services.record_step(submission, user, Action.CORRECT, reason=reason, request=request, detail={
        "projects": [listed[pid].code for pid in changed],
        "before": {listed[pid].code: {f: _text(base.get(pid, {}).get(f)) for f in FIELDS} for pid in changed},
        "after": {listed[pid].code: {f: _text(merged[pid].get(f)) for f in FIELDS} for pid in changed}})
    _send(task.year, task.period_n, [submission.unit_id], user)
    return submission


# --- Excel -------------------------------------------------------------------------------------------------


def export_template(submission: Submission, user: Any, *, request: Any = None) -> tuple[str, bytes]:
    """The unit's template for this task (file name, bytes), one row per project, prefilled with the draft."""
    submission_for(user, submission)
    _require_form(submission)
    task, unit = submission.task, submission.unit
    listed = list(unit_projects(submission))
    plans = year_plans([p.pk for p in listed], task.year)
    values = stored_values(draft_rows(submission))
    rows = [progress_xlsx.TemplateRow(
        code=p.code, name=p.name, stage=p.get_stage_display(), total_investment=float(p.total_investment),
        year_plan=float(plans[p.pk]) if p.pk in plans else None,
        values={f: (float(v) if isinstance(v, Decimal) else v) for f, v in values.get(p.pk, {}).items()})
        for p in listed]
    ctx = progress_xlsx.TemplateContext(
        title=f"{office().city.name}{task.definition.get('name', task.title)}", form_number=task.form_number,
        issuer=str(task.definition.get("issuer", "")), unit_name=unit.name, unit_code=unit.code,
        period_label=task.period.label, period_key=task.period.key, deadline=task.deadline.isoformat(),
        share_bound_pct=f"{share_bound_pct(task.definition).normalize():f}", rows=rows,
        filled_by=submission.filled_by_name)
    data = progress_xlsx.build_template(ctx)
    record("projects.progress_template_export", user=user, request=request, obj=submission, unit=unit,
           after={"period": task.period.key, "projects": len(rows)},
           summary=f"导出{unit.name} {task.period.label} 项目进度填报模板（{len(rows)}个项目）")
    return f"{unit.code}_{task.period.key}_{FORM_CODE}.xlsx", data


def upload_excel(submission: Submission, user: Any, data: bytes, file_name: str, *,
                 request: Any = None) -> Submission:
    """Read a filled template back: the right unit and period, the unit's projects, every cell checked
    like the form; all or nothing, each problem naming sheet, row and column."""
    _require_form(submission)
    _editable(submission, user)
    cells = submission_services.template_cells(data, file_name, progress_xlsx.SHEET, what="项目进度")
    parsed = progress_xlsx.parse_template(cells)
    problems = list(parsed.problems)
    task, unit = submission.task, submission.unit
    if parsed.unit_code is not None and parsed.unit_code != unit.code:
        problems.append(Problem(f"文件填写的单位代码为 {parsed.unit_code}，与本报表的填报单位 {unit.code}（{unit.name}）不符："
                                "只能上传本单位的报表。", sheet=progress_xlsx.SHEET, row=parsed.unit_code_row, column="E"))
    if parsed.period_key is not None and parsed.period_key != task.period.key:
        problems.append(Problem(f"文件的报告期为「{parsed.period_key}」，与本任务的报告期 {task.period.key}"
                                f"（{task.period.label}）不符：请下载本期模板重新填写。",
                                sheet=progress_xlsx.SHEET, row=parsed.period_key_row, column="E"))
    by_code = {p.code: p for p in unit_projects(submission)}
    seen: dict[str, int] = {}
    inputs: dict[int, RowInput] = {}
    for row in parsed.rows:
        project = by_code.get(row.code)
        if project is None:
            problems.append(Problem(f"项目编号「{row.code}」不在本单位本期的填报项目中：请勿增加项目或修改项目编号"
                                    "（新项目请联系市新型工业化办公室建档）。", sheet=progress_xlsx.SHEET, row=row.row,
                                    column=row.code_column))
            continue
        if row.code in seen:
            problems.append(Problem(f"项目「{_label(project)}」重复出现（另见第{seen[row.code]}行）：每个项目只填一行。",
                                    sheet=progress_xlsx.SHEET, row=row.row, column=row.code_column))
            continue
        seen[row.code] = row.row
        inputs[project.pk] = RowInput(
            values={k: v for k, v in row.cells.items() if k in FIELDS},
            where={k: Problem("", sheet=progress_xlsx.SHEET, row=row.row, column=row.columns[k]) for k in row.cells})
    if problems:
        raise AppError(f"上传的文件「{file_name}」有 {len(problems)} 处问题，未写入任何数据：请修改后重新上传。",
                       problems=problems)
    if not inputs:
        raise AppError("上传的文件中没有项目行：请在下载的模板中填写各项目的数值后再上传。")
    try:
        return save_rows(submission, user, inputs, filled_by_name=parsed.filled_by or None, request=request,
                         source="excel")
    except ProgressInvalid as error:
        error.message = f"上传的文件「{file_name}」未通过校验，未写入任何数据：请按提示修改后重新上传。"
        for p in error.problems:
            p.sheet = p.sheet or progress_xlsx.SHEET
        raise


# --- the row provider the submissions workflow calls ------------------------------------------------------


class ProjectProgressRows(RowProvider):
    label = "项目月度进度"

    def validate_definition(self, definition: dict[str, Any]) -> list[str]:
        return validate_definition(definition)

    def check_issue(self, period: Period, units: list[Unit]) -> list[str]:
        if period.kind != PeriodKind.MONTH_CUM:
            return ["项目月度进度按月填报：请选择一个月份（如 2017-03 表示 1—3月）。"]
        refused = refuse_month(period.n)
        problems = [refused] if refused else []
        others = [u.name for u in units if u.kind not in UNIT_KINDS]
        if others:
            problems.append(f"项目月度进度只能下达给县市区、功能区和园区：{'、'.join(others)}不填报项目进度。")
        return problems

    def check_submit(self, submission: Submission, user: Any) -> None:
        check_submit(submission, user)

    def publish(self, submission: Submission, user: Any, *, request: Any = None) -> dict[str, Any]:
        return publish_rows(submission, user)

    def page_url(self, submission: Submission) -> str:
        return reverse("projects_progress:form", args=[submission.pk])


# --- reads for the pages ----------------------------------------------------------------------------------


def form_rows(submission: Submission, *, posted: dict[int, dict[str, Any]] | None = None,
              errors: dict[int, dict[str, list[str]]] | None = None) -> list[dict[str, Any]]:
    """One row per listed project for the unit's form: the draft (or what was posted), the computed shares
    of the draft's figures, the last published month's cumulative figures, and each field's errors."""
    task = submission.task
    listed = list(unit_projects(submission))
    values = stored_values(draft_rows(submission))
    if submission.state == State.PUBLISHED:  # the current versions (a correction may have replaced some)
        values = {pid: _row_values(r) for pid, r in current_rows(submission, [p.pk for p in listed]).items()}
    frame = check_frame(listed, values, task.year, task.period_n)
    shares = progress_shares(frame).set_index("project_id")
    rows = []
    for p in listed:
        value = values.get(p.pk, {})
        typed = (posted or {}).get(p.pk)
        share = shares.loc[p.pk]
        shown = {f: _shown(typed.get(f) if typed is not None and f in typed else value.get(f)) for f in FIELDS}
        mine = (errors or {}).get(p.pk, {})

        def cells(labels: dict[str, str], shown: dict[str, str] = shown,
                  mine: dict[str, list[str]] = mine) -> list[dict[str, Any]]:
            return [{"key": f, "label": lb, "value": shown[f], "errors": mine.get(f, [])} for f, lb in labels.items()]

        rows.append({
            "project": p, "label": _label(p), "fields": shown, "values": value, "errors": mine,
            "amount_cells": cells(PROGRESS_FIELDS), "text_cells": cells(PROGRESS_TEXT_FIELDS),
            "year_plan": None if pd.isna(share["year_plan"]) else share["year_plan"],
            "pct_of_year_plan": _pct(share["pct_of_year_plan"]), "pct_of_total": _pct(share["pct_of_total"]),
            "prev_month": None if pd.isna(share["prev_month"]) else month_label(int(share["prev_month"])),
            "prev_ytd": None if pd.isna(share["prev_ytd"]) else share["prev_ytd"],
            "prev_since_start": None if pd.isna(share["prev_since_start"]) else share["prev_since_start"],
        })
    return rows


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return str(value)


def _pct(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}%"


def explanation_warnings(submission: Submission) -> list[str]:
    """The draft's rows that still need a 说明 before submitting (shown above the form)."""
    listed = list(unit_projects(submission))
    issues = _issues(submission, listed, stored_values(draft_rows(submission)), require_complete=False)
    return [i.message for i in issues if i.kind == EXPLAIN]


def progress_block(project: Project, user: Any, year: int | None = None) -> dict[str, Any]:
    """The project page's progress block: `{"progress": {...}}` for templates/projects/_detail_progress.html.

    The months of `year` (default: the latest year with published progress, else this year) with the
    current figures, 占年计划% and 占总投资% computed, and each month's versions (who recorded, who
    published when, current or replaced). Access: `project_for`.
    """
    project = project_for(user, project.pk)
    published = ProjectProgress.objects.filter(project_id=project.pk, published_at__isnull=False)
    years = sorted(set(published.values_list("year", flat=True)), reverse=True)
    if year is None:
        year = years[0] if years else timezone.localdate().year
    versions = list(published.filter(year=year).select_related("recorded_by", "submission__approved_by")
                    .order_by("month", "-published_at", "-id"))
    plan = ProjectYearPlan.objects.filter(project_id=project.pk, year=year).values_list(
        "planned_investment", flat=True).first()
    months: dict[int, dict[str, Any]] = {}
    for row in versions:
        month = months.setdefault(row.month, {"month": row.month, "label": month_label(row.month), "current": None,
                                               "versions": []})
        if row.is_current:
            month["current"] = row
        month["versions"].append({
            "row": row, "is_current": row.is_current, "published_at": row.published_at,
            "recorded_by": _user_name(row.recorded_by),
            "reviewed_by": (row.submission.reviewer_name if row.submission else "") or "—",
        })
    current = [m["current"] for m in months.values() if m["current"] is not None]
    if current:
        frame = progress_shares(pd.DataFrame({
            "month": [r.month for r in current], "ytd_investment": [float(r.ytd_investment) for r in current],
            "since_start_investment": [float(r.since_start_investment) for r in current],
            "year_plan": [_num(plan)] * len(current), "total_investment": [float(project.total_investment)] * len(current),
        })).set_index("month")
        for m in months.values():
            if m["current"] is not None:
                m["pct_of_year_plan"] = _pct(frame.loc[m["month"], "pct_of_year_plan"])
                m["pct_of_total"] = _pct(frame.loc[m["month"], "pct_of_total"])
    return {"progress": {
        "project": project, "year": year, "years": years, "year_plan": plan,
        "total_investment": project.total_investment, "months": [months[k] for k in sorted(months)],
        "source": f"{project.county.name}等填报单位报送的{task_form_name()}，经审核、发布",
    }}


def task_form_name() -> str:
    return "重大项目月度进度表（岳新工办统2表）"


def _user_name(user: Any) -> str:
    if user is None:
        return "—"
    return str(user.get_full_name() or user.username)
