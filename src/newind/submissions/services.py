"""Writes of the monthly submission workflow: issue a task, fill (form or Excel), submit, send back or
approve, publish into observations, correct after publishing, and remind.

Every write checks access through newind.accounts.access (scope by unit) and the transition table in
calc.py (state × action × role), runs in one transaction, records a SubmissionEvent and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newind.accounts.access import (
    reporting_task_for,
    require_publisher,
    require_task_issuer,
    submission_for,
    workflow_role,
)
from newind.audit.services import record
from newind.core.errors import AppError, Conflict, Problem
from newind.core.office import office
from newind.core.webhook import post_text
from newind.imports.parsing import hidden_parts, read_sheets, upload_slot
from newind.indicators.models import MAX_FIGURE, Indicator, Release
from newind.indicators.periods import Period
from newind.indicators.services import (
    apply_observation_plan,
    candidate_frame,
    make_batch,
    plan_observations,
    record_revisions,
)
from newind.submissions import queries
from newind.submissions.calc import (
    EDITABLE_STATES,
    NEEDS_REASON,
    Action,
    CheckResult,
    ReminderKind,
    State,
    check_values,
    default_deadline,
    parse_number,
    reminder_due,
    transition,
)
from newind.submissions.models import (
    Reminder,
    ReportingTask,
    Submission,
    SubmissionEvent,
    SubmissionValue,
    WebhookStatus,
)
from newind.submissions.providers import provider_for
from newind.submissions.xlsx import CODE_COL, SHEET, parse_template
from newind.units.models import Unit

log = logging.getLogger("newind")

# Release kinds (newind.indicators.models.Release) a submission may be published as, and a correction's.
PUBLISH_RELEASES = ("flash", "official")
CORRECTION_RELEASE = "revised"
VALUE_PLACES = Decimal("0.00000001")
EXPLANATION_MAX = 500  # SubmissionValue.explanation
REASON_MAX = 300  # Observation.reason, where a correction's reason is kept with the new version


class SubmissionInvalid(AppError):
    """Figures that fail the checks; `result` keeps the errors per field for showing them inline."""

    result: CheckResult

    @classmethod
    def from_result(cls, result: CheckResult, specs_by_code: dict[str, str],
                    where: dict[str, Problem | None] | None = None) -> SubmissionInvalid:
        """The error for a failed check; `where` names each field's cell (an upload's sheet, row and
        column), so every problem of an uploaded figure — the ±30% check too — says where it is."""
        located = where or {}

        def at(code: str, message: str) -> Problem:
            cell = located.get(code)
            return Problem(message, sheet=cell.sheet, row=cell.row, column=cell.column) if cell else Problem(message)

        problems = [Problem(m) for m in result.form_errors]
        problems += [at(code, m) for code in specs_by_code for m in result.field_errors.get(code, [])]
        error = cls("报表数据未通过校验，未保存：请按提示修改后重新保存。", status=400, problems=problems,
                    code="invalid_submission")
        error.result = result
        return error


def _role_name(user: Any) -> str | None:
    return workflow_role(user)


def _user_label(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- issuing a task -------------------------------------------------------------------------------------


@transaction.atomic
def issue_task(user: Any, *, period: Period, unit_ids: list[int], form_code: str = "monthly-industry",
               deadline: dt.date | None = None, is_demo: bool = False, request: Any = None) -> ReportingTask:
    """Issue a reporting task for a period to a set of units (the office only)."""
    require_task_issuer(user)
    if not unit_ids:
        raise AppError("请至少选择一个填报单位。")
    definition = queries.read_report_definition(form_code)
    if ReportingTask.objects.filter(form_code=form_code, year=period.year, period_kind=period.kind.value,
                                    period_n=period.n).exists():
        raise Conflict(f"{period.label}的「{definition['name']}」已经下达过：请在任务列表中打开该任务，不要重复下达。")
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("sort_order", "code"))
    if len(units) != len(set(unit_ids)):
        raise AppError("所选填报单位中有不存在的单位：请重新选择。")
    provider = provider_for(form_code)
    if provider is not None:  # a form with its own rows says which periods and units it takes
        refused = provider.check_issue(period, units)
        if refused:
            raise AppError("；".join(refused))
    sets = definition.get("indicator_sets") or {}
    without = [] if provider is not None else [u.name for u in units if u.kind not in sets]
    if without:
        raise AppError(f"报表「{definition['name']}」没有为这些单位的类型规定指标：{'、'.join(without)}；"
                       "请在 definitions/reporting 中补充该类单位的指标集，或不向它们下达。")
    deadline = deadline or default_deadline(period.year, period.kind.value, period.n)
    task = ReportingTask.objects.create(
        form_code=form_code, title=f"{definition['name']}（{period.label}）", year=period.year,
        period_kind=period.kind.value, period_n=period.n, definition=definition, deadline=deadline,
        is_demo=is_demo, issued_by=user if getattr(user, "pk", None) else None,
    )
    Submission.objects.bulk_create([Submission(task=task, unit=u) for u in units])
    record("submission.task_issue", user=user, request=request, obj=task,
           after={"period": period.key, "units": [u.code for u in units], "deadline": deadline.isoformat()},
           summary=f"下达「{task.title}」，{len(units)} 个单位，截止 {deadline:%Y-%m-%d}")
    return task


# --- filling in ----------------------------------------------------------------------------------------


@dataclass
class ValueInput:
    """What a user typed or uploaded for one field; `where` names the cell for error messages."""

    raw: object
    explanation: str | None = None
    where: Problem | None = None


def _check_editable(submission: Submission, user: Any, action: Action = Action.SAVE) -> State:
    submission_for(user, submission, write=True)
    step = transition(submission.state, action, _role_name(user))
    if not step.allowed or step.to_state is None:
        raise Conflict(step.message + "如需修改，请联系本单位审核员或市新型工业化领导小组办公室。")
    return step.to_state


def _parse_inputs(specs_by_code: dict[str, str], inputs: dict[str, ValueInput],
                  units_by_code: dict[str, str]) -> tuple[dict[str, Decimal | None], list[Problem], dict[str, str]]:
    parsed: dict[str, Decimal | None] = {}
    problems: list[Problem] = []
    field_errors: dict[str, str] = {}
    for code, item in inputs.items():
        try:
            value = parse_number(item.raw)
        except ValueError:
            message = (f"「{specs_by_code[code]}」填写的「{item.raw}」不是数字：请填写数字，"
                       f"单位为{units_by_code[code]}。")
            where = item.where or Problem("")
            problems.append(Problem(message, sheet=where.sheet, row=where.row, column=where.column))
            field_errors[code] = message
            continue
        if value is not None and abs(value) >= MAX_FIGURE:
            # Would not fit the stored figure (and made quantize or the database fail: a 500 before).
            message = (f"「{specs_by_code[code]}」填写的「{item.raw}」过大，超出可保存的范围（整数部分最多15位）："
                       f"请检查数值，单位为{units_by_code[code]}。")
            where = item.where or Problem("")
            problems.append(Problem(message, sheet=where.sheet, row=where.row, column=where.column))
            field_errors[code] = message
            continue
        if value is not None:
            value = value.quantize(VALUE_PLACES)
        parsed[code] = value
    return parsed, problems, field_errors


def _write_values(submission: Submission, user: Any, new_values: dict[str, Decimal | None],
                  new_explanations: dict[str, str], request: Any, source: str) -> int:
    """Store changed figures and explanations; audit each change (before → after). Returns the count."""
    existing = {v.indicator.code: v for v in submission.values.select_related("indicator")}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(new_values) + list(new_explanations))}
    changed = 0
    for code in indicators:
        row = existing.get(code)
        old_value = row.value if row else None
        old_expl = row.explanation if row else ""
        value = new_values.get(code, old_value)
        explanation = new_explanations.get(code, old_expl)
        if row is not None and old_value == value and old_expl == explanation:
            continue
        if row is None and value is None and not explanation:
            continue
        if row is None:
            row = SubmissionValue(submission=submission, indicator=indicators[code])
        row.value, row.explanation, row.updated_by = value, explanation, user
        row.save()
        changed += 1
        record("submission.value_edit", user=user, request=request, obj=submission, unit=submission.unit,
               before={"indicator": code, "value": _str(old_value), "explanation": old_expl},
               after={"indicator": code, "value": _str(value), "explanation": explanation, "via": source},
               summary=f"{submission.unit.name} {submission.task.period.label} 报表修改「{indicators[code].name}」："
                       f"{_str(old_value) or '空'} → {_str(value) or '空'}")
    return changed


def _str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _log_event(submission: Submission, user: Any, action: Action, from_state: str, to_state: str,
               reason: str = "", detail: dict[str, Any] | None = None, request: Any = None) -> None:
    SubmissionEvent.objects.create(submission=submission, action=action, from_state=from_state, to_state=to_state,
                                   reason=reason, detail=detail or {}, user=user)
    summary = (f"{submission.unit.name} {submission.task.period.label} 报表{action.label}："
               f"{State(from_state).label} → {State(to_state).label}" + (f"（{reason}）" if reason else ""))
    record(f"submission.{action.value}", user=user, request=request, obj=submission, unit=submission.unit,
           before={"state": from_state}, after={"state": to_state, "reason": reason, **(detail or {})},
           summary=summary)


def _refuse_provider_form(submission: Submission) -> None:
    """The indicator form's Excel and correction do not apply to a form with its own rows (its page has them)."""
    provider = provider_for(submission.task.form_code)
    if provider is not None:
        raise AppError(f"「{submission.task.title}」是{provider.label}报表，请在其填报页面下载模板、上传或更正。")


def record_step(submission: Submission, user: Any, action: Action, *, reason: str = "",
                detail: dict[str, Any] | None = None, request: Any = None) -> State:
    """A row provider's own write on a report (e.g. the office's correction of published rows): checks access
    and the transition table (state × action × role), records the event and its audit entry, and returns
    the state the report is in afterwards. Call it inside the provider's transaction."""
    if action in (Action.PUBLISH, Action.CORRECT):
        require_publisher(user)
    to_state = _check_editable(submission, user, action)
    if action in NEEDS_REASON and not reason.strip():
        raise AppError(f"「{action.label}」必须填写原因。")
    from_state = submission.state
    if to_state != from_state:
        submission.state = to_state
        submission.save(update_fields=["state", "updated_at"])
    _log_event(submission, user, action, from_state, to_state, reason=reason.strip(), detail=detail, request=request)
    return to_state


@transaction.atomic
def save_values(submission: Submission, user: Any, inputs: dict[str, ValueInput], *, submit: bool = False,
                filled_by_name: str | None = None, request: Any = None, source: str = "form") -> Submission:
    """Save a unit's figures (form or Excel), checked against the definitions; optionally submit them.

    All or nothing: when any figure fails, nothing is written and SubmissionInvalid lists every problem.
    """
    submission = Submission.objects.select_for_update(of=("self",)).select_related("task", "unit").get(pk=submission.pk)
    to_state = _check_editable(submission, user)
    task, unit = submission.task, submission.unit
    specs = queries.field_specs(task, unit)
    names = {s.code: s.name for s in specs}
    measure = {s.code: s.measure_unit for s in specs}
    unknown = [c for c in inputs if c not in names]
    if unknown:
        raise AppError(f"本报表没有这些指标：{'、'.join(unknown)}；请使用本单位本期的填报表。")
    parsed, parse_problems, parse_field_errors = _parse_inputs(names, inputs, measure)
    stored, stored_expl = queries.stored_values(submission)
    merged = {code: stored.get(code) for code in names}
    merged.update(parsed)
    explanations = {code: stored_expl.get(code, "") for code in names}
    explanations.update({c: (i.explanation or "").strip() for c, i in inputs.items() if i.explanation is not None})
    result = check_values(specs, merged, explanations, queries.last_year_values(task, unit), queries.check_rules(task),
                          queries.yoy_bound(task), require_complete=submit)
    for code, message in parse_field_errors.items():
        result.field_errors.setdefault(code, []).insert(0, message)
    for code, text in explanations.items():
        if len(text) > EXPLANATION_MAX:  # SubmissionValue.explanation (PostgreSQL refused it: a 500 before)
            result.field_errors.setdefault(code, []).append(
                f"「{names[code]}」的说明有{len(text)}个字，超过{EXPLANATION_MAX}字：请精简后再保存。")
    if not result.ok:
        error = SubmissionInvalid.from_result(result, names, {c: i.where for c, i in inputs.items()})
        # Keep the cell locations of unparseable numbers (uploads name sheet, row and column).
        located = [p for p in parse_problems if p.row is not None]
        if located:
            error.problems = located + [p for p in error.problems if p.message not in {q.message for q in located}]
        raise error
    changed = _write_values(submission, user, {c: merged[c] for c in parsed},
                            {c: explanations[c] for c in inputs if inputs[c].explanation is not None}, request, source)
    from_state = submission.state
    if filled_by_name is not None:
        submission.filled_by_name = filled_by_name.strip()[:50]
    submission.state = to_state
    submission.save()
    if changed or from_state != to_state:
        # A save that changes nothing (e.g. "submit" pressed on an unchanged form) is not worth a history line.
        _log_event(submission, user, Action.SAVE, from_state, to_state, detail={"changed": changed, "via": source},
                   request=request)
    if submit:
        return submit_submission(submission, user, request=request)
    return submission


@transaction.atomic
def submit_submission(submission: Submission, user: Any, *, request: Any = None) -> Submission:
    """Submit a draft (or a report sent back) for review after checking it is complete."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related("task", "unit").get(pk=submission.pk)
    to_state = _check_editable(submission, user, Action.SUBMIT)
    provider = provider_for(submission.task.form_code)
    if provider is not None:
        provider.check_submit(submission, user)  # its rows' checks (raises AppError)
        return _mark_submitted(submission, user, to_state, request)
    specs = queries.field_specs(submission.task, submission.unit)
    values, explanations = queries.stored_values(submission)
    result = check_values(specs, values, explanations, queries.last_year_values(submission.task, submission.unit),
                          queries.check_rules(submission.task), queries.yoy_bound(submission.task),
                          require_complete=True)
    if not result.ok:
        raise SubmissionInvalid.from_result(result, {s.code: s.name for s in specs})
    return _mark_submitted(submission, user, to_state, request)


def _mark_submitted(submission: Submission, user: Any, to_state: State, request: Any) -> Submission:
    now = timezone.now()
    from_state = submission.state
    submission.state = to_state
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.save()
    _log_event(submission, user, Action.SUBMIT, from_state, to_state, request=request)
    return submission


# --- review, publish, correct --------------------------------------------------------------------------


@transaction.atomic
def review_submission(submission: Submission, user: Any, *, approve: bool, reason: str = "",
                      reviewer_name: str | None = None, request: Any = None) -> Submission:
    """The unit's reviewer approves a submitted report or sends it back with a reason."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related("task", "unit").get(pk=submission.pk)
    action = Action.APPROVE if approve else Action.RETURN
    to_state = _check_editable(submission, user, action)
    reason = reason.strip()
    if action == Action.RETURN and not reason:
        raise AppError("退回报表必须填写退回原因：请写明需要修改的指标和问题。")
    from_state = submission.state
    submission.state = to_state
    if approve:
        submission.approved_at, submission.approved_by = timezone.now(), user
        submission.reviewer_name = (reviewer_name or "").strip()[:50] or _user_label(user)
        submission.return_reason = ""
    else:
        submission.return_reason = reason[:500]
    submission.save()
    _log_event(submission, user, action, from_state, to_state, reason=reason, request=request)
    return submission


def _source_text(submission: Submission) -> str:
    reviewer = submission.reviewer_name or _user_label(submission.approved_by)
    return f"{submission.unit.name} {submission.task.period.label} 报表（审核人 {reviewer}）"


def _candidates(submission: Submission, release: str, codes: list[str] | None = None) -> Any:
    period = submission.task.period
    rows = []
    values = submission.values.select_related("indicator").exclude(value=None)
    for v in values:
        if codes is not None and v.indicator.code not in codes:
            continue
        rows.append({
            "indicator_id": v.indicator_id, "unit_id": submission.unit_id, "year": period.year,
            "period_kind": period.kind.value, "period_n": period.n, "value": v.value,
            "measure_unit": v.indicator.measure_unit, "price_basis": v.indicator.price_basis, "release": release,
            "source": _source_text(submission)[:300], "original": "",
            "is_synthetic": bool(submission.task.is_demo or submission.unit.is_synthetic),
        })
    return candidate_frame(rows)


def _digest(submission: Submission, release: str) -> str:
    values = sorted((v.indicator.code, _str(v.value)) for v in submission.values.select_related("indicator"))
    payload = json.dumps([submission.pk, release, values], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@transaction.atomic
def publish_submission(submission: Submission, user: Any, *, release: str = "flash",
                       request: Any = None) -> Submission:
    """Publish an approved report: its figures become observations (快报 or 正式) with their history."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related("task", "unit", "approved_by").get(
        pk=submission.pk)
    require_publisher(user)
    to_state = _check_editable(submission, user, Action.PUBLISH)
    if release not in PUBLISH_RELEASES:
        raise AppError("发布类型只能是「快报」或「正式」。")
    provider = provider_for(submission.task.form_code)
    if provider is not None:  # its rows become the published figures in its own app
        detail = provider.publish(submission, user, request=request)
        from_state = submission.state
        submission.state, submission.release, submission.published_at = to_state, release, timezone.now()
        submission.save()
        _log_event(submission, user, Action.PUBLISH, from_state, to_state, detail={"release": release, **detail},
                   request=request)
        return submission
    plan = plan_observations(_candidates(submission, release))
    batch = make_batch(f"报表：{submission.unit.name} {submission.task.period.label}", _digest(submission, release),
                       user, "submission", plan, [f"报表发布（{Release(release).label}）"])
    written = apply_observation_plan(plan, batch, user, reason="")
    from_state = submission.state
    submission.state, submission.release, submission.published_at = to_state, release, timezone.now()
    submission.save()
    _log_event(submission, user, Action.PUBLISH, from_state, to_state,
               detail={"release": release, "batch": batch.pk, "observations": written, **plan.counts},
               request=request)
    return submission


CORRECTION_CONFLICT = ("您打开页面之后，这份报表的数据已被他人更正或更新，本次更正未保存：请刷新页面，"
                       "查看最新数据后再决定是否更正。")


@transaction.atomic
def publish_batch(user: Any, task: ReportingTask, *, submission_ids: list[int] | None, release: str = "flash",
                  request: Any = None) -> list[Submission]:
    """Publish several approved reports of one task (None: every approved one) in ONE transaction.

    All or nothing: if any chosen report cannot be published, none is, and the error lists each such
    report with its reason, so the office fixes or leaves it out and publishes the rest in one go.
    Each publish is audited as a single publish is, plus one entry for the batch.
    """
    require_publisher(user)
    reporting_task_for(user, task, write=True)
    subs = task.submissions.select_related("unit").order_by("unit__sort_order", "unit__code")
    if submission_ids is None:
        chosen = list(subs.filter(state=State.APPROVED))
        if not chosen:
            raise Conflict("本任务没有已审核、待发布的报表：请等审核员审核通过后再发布。")
    else:
        if not submission_ids:
            raise AppError("请勾选要发布的报表，或点「发布全部已审核」。")
        chosen = list(subs.filter(pk__in=submission_ids))
        if len(chosen) != len(set(submission_ids)):
            raise AppError("所选报表不在本填报任务中：请在本任务的看板上勾选要发布的报表。")
    problems: list[Problem] = []
    published: list[Submission] = []
    for sub in chosen:
        try:
            published.append(publish_submission(sub, user, release=release, request=request))
        except AppError as error:  # its savepoint is rolled back; go on to name every failing report
            problems.append(Problem(f"{sub.unit.name}：{error.message}"))
    if problems:
        # Raising here rolls back the reports already published in this transaction.
        raise Conflict(f"所选{len(chosen)}份报表中有{len(problems)}份不能发布，全部未发布：请修改或取消勾选这些报表后"
                       "重新发布。", problems=problems)
    record("submission.publish_batch", user=user, request=request, obj=task,
           after={"release": release, "submissions": [s.pk for s in published],
                  "units": [s.unit.code for s in published]},
           summary=f"批量发布「{task.title}」{len(published)}份报表（{Release(release).label}）："
                   + "、".join(s.unit.name for s in published))
    return published


@transaction.atomic
def correct_published(submission: Submission, user: Any, inputs: dict[str, ValueInput], *, reason: str,
                      seen: str | None = None, request: Any = None) -> Submission:
    """Correct figures after publishing: each changed figure becomes a new observation version (修订) with
    the reason; the earlier versions stay in the history.

    `seen` is `queries.figures_version` as the user saw it (None: no check, for callers without a page);
    when the figures have changed since, nothing is written (409). The report's row lock makes simultaneous corrections take turns, so the second finds
    the first one's figures.
    """
    submission = Submission.objects.select_for_update(of=("self",)).select_related("task", "unit", "approved_by").get(
        pk=submission.pk)
    require_publisher(user)
    _check_editable(submission, user, Action.CORRECT)
    _refuse_provider_form(submission)
    if seen is not None:
        if not seen:
            raise AppError("更正请求缺少页面显示时的数据版本，未保存：请刷新报表页面后在页面上填写更正。")
        if seen != queries.figures_version(submission):
            raise Conflict(CORRECTION_CONFLICT)
    reason = reason.strip()
    if not reason:
        raise AppError("更正已发布的数据必须填写更正原因。")
    if len(reason) > REASON_MAX:  # kept whole with each new figure version (Observation.reason)
        raise AppError(f"更正原因有{len(reason)}个字，超过{REASON_MAX}字：请精简后再提交（详细说明可写入报表备注）。")
    specs = queries.field_specs(submission.task, submission.unit)
    names = {s.code: s.name for s in specs}
    parsed, problems, _ = _parse_inputs(names, inputs, {s.code: s.measure_unit for s in specs})
    if problems:
        raise AppError("更正的数值有误，未保存。", problems=problems)
    stored, stored_expl = queries.stored_values(submission)
    changed_codes = [c for c, v in parsed.items() if v is not None and v != stored.get(c)]
    if not changed_codes:
        raise AppError("没有数值发生变化：请修改需要更正的数值后再提交。")
    merged = {c: stored.get(c) for c in names} | {c: parsed[c] for c in changed_codes}
    explanations = {c: stored_expl.get(c, "") for c in names}
    result = check_values(specs, merged, explanations, queries.last_year_values(submission.task, submission.unit),
                          queries.check_rules(submission.task), queries.yoy_bound(submission.task),
                          require_complete=True)
    # The office's correction may exceed the year-on-year bound: the reason given stands as its explanation.
    result.field_errors = {c: [m for m in ms if "上年同期" not in m] for c, ms in result.field_errors.items()}
    result.field_errors = {c: ms for c, ms in result.field_errors.items() if ms}
    if not result.ok:
        raise SubmissionInvalid.from_result(result, names)
    _write_values(submission, user, {c: parsed[c] for c in changed_codes}, {}, request, "correction")
    _, batch, written = record_revisions(
        _candidates(submission, CORRECTION_RELEASE, changed_codes), reason=reason, user=user,
        label=f"报表更正：{submission.unit.name} {submission.task.period.label}", source_kind="submission",
        digest=_digest(submission, CORRECTION_RELEASE))
    _log_event(submission, user, Action.CORRECT, submission.state, submission.state, reason=reason,
               detail={"indicators": changed_codes, "batch": batch.pk, "observations": written}, request=request)
    return submission


# --- Excel ----------------------------------------------------------------------------------------------


def export_template(submission: Submission, user: Any, *, request: Any = None) -> tuple[str, bytes]:
    """The unit's Excel template for this task (file name, bytes), prefilled with the figures so far."""
    from newind.submissions.xlsx import TemplateContext, build_template

    submission_for(user, submission)
    _refuse_provider_form(submission)
    task, unit = submission.task, submission.unit
    values, explanations = queries.stored_values(submission)
    ctx = TemplateContext(
        title=f"{office().city.name}{task.definition.get('name', task.title)}", form_number=task.form_number,
        issuer=str(task.definition.get("issuer", "")), unit_name=unit.name, unit_code=unit.code,
        period_label=task.period.label, period_key=task.period.key, deadline=task.deadline.isoformat(),
        yoy_bound_pct=f"{queries.yoy_bound(task).normalize():f}", specs=queries.field_specs(task, unit),
        last_year=queries.last_year_values(task, unit), values=values, explanations=explanations,
        filled_by=submission.filled_by_name, reviewer=submission.reviewer_name,
    )
    data = build_template(ctx)
    record("submission.template_export", user=user, request=request, obj=submission, unit=unit,
           after={"period": task.period.key}, summary=f"导出{unit.name} {task.period.label} 填报模板")
    return f"{unit.code}_{task.period.key}_{task.form_code}.xlsx", data


def upload_excel(submission: Submission, user: Any, data: bytes, file_name: str, *, request: Any = None) -> Submission:
    """Read a filled template back: same checks as the form, the right unit and period, all or nothing."""
    _check_editable(submission, user)
    _refuse_provider_form(submission)
    cells = template_cells(data, file_name, SHEET, kept_hidden_columns=(CODE_COL,))
    return _upload_cells(submission, user, cells, file_name, request)


def template_cells(data: bytes, file_name: str, sheet_name: str, *, what: str = "报表",
                   kept_hidden_columns: tuple[int, ...] = ()) -> list[list[object]]:
    """The cells (row 1 first) of the named sheet of an uploaded template, for every form of the workflow (the
    monthly report here, a row provider's form such as the projects' progress).

    Only that sheet is read, so other hidden sheets (WPS adds some of its own) do not matter; but a hidden row
    or column in it could carry a figure the reporter and the reviewer never saw: refuse it. A template may
    hide columns of its own on purpose (`kept_hidden_columns`, 1-based): the monthly report's code column
    (B) holds indicator codes, each matched against the template's rows and refused when unknown, never a
    figure (those are read from columns F and G only).
    """
    with upload_slot():  # the file's cells stay in memory until the values are checked
        kind, sheets = read_sheets(data, file_name)
        if kind != "xlsx":
            raise AppError(f"{what}只接受从平台下载的 Excel 模板（.xlsx）：请下载本单位本期模板填写后上传。")
        sheet = next((s for s in sheets if s.name == sheet_name), None)
        if sheet is None:
            raise AppError(f"工作簿中没有名为「{sheet_name}」的工作表：请使用从平台下载的{what}填报模板。")
        others = replace(sheet, hidden_columns=[c for c in sheet.hidden_columns if c not in kept_hidden_columns])
        if others.has_hidden:
            raise AppError(f"上传的文件「{file_name}」中有隐藏的内容（{'；'.join(hidden_parts([others]))}），未写入任何数据："
                           "报表不接受隐藏的行、列或工作表，以免报上看不到的数字。请在 Excel 中取消隐藏，核对后重新上传。")
        return sheet.cells.where(sheet.cells.notna(), None).values.tolist()  # type: ignore[no-any-return]


def _upload_cells(submission: Submission, user: Any, cells: list[list[Any]], file_name: str,
                  request: Any) -> Submission:
    parsed = parse_template(cells)
    problems = list(parsed.problems)
    task, unit = submission.task, submission.unit
    if parsed.unit_code is not None and parsed.unit_code != unit.code:
        other = Unit.objects.filter(code=parsed.unit_code).first()
        named = f"{parsed.unit_code}（{other.name}）" if other else parsed.unit_code
        problems.append(Problem(f"文件填写的单位代码为 {named}，与本报表的填报单位 {unit.code}（{unit.name}）不符："
                                "只能上传本单位的报表。", sheet=SHEET, row=parsed.unit_code_row, column="E"))
    if parsed.period_key is not None and parsed.period_key != task.period.key:
        problems.append(Problem(f"文件的报告期为「{parsed.period_key}」，与本任务的报告期 {task.period.key}"
                                f"（{task.period.label}）不符：请下载本期模板重新填写。",
                                sheet=SHEET, row=parsed.period_key_row, column="E"))
    specs = {s.code: s for s in queries.field_specs(task, unit)}
    seen: dict[str, int] = {}
    inputs: dict[str, ValueInput] = {}
    for row in parsed.rows:
        if row.code not in specs:
            problems.append(Problem(f"指标代码「{row.code}」不在本单位本期的报表中：请勿增加或修改指标代码。",
                                    sheet=SHEET, row=row.row, column="B"))
            continue
        if row.code in seen:
            problems.append(Problem(f"指标「{specs[row.code].name}」重复出现（另见第{seen[row.code]}行）：每项指标只填一行。",
                                    sheet=SHEET, row=row.row, column="B"))
            continue
        seen[row.code] = row.row
        blank = row.value is None or (isinstance(row.value, str) and not row.value.strip())
        if blank and not row.explanation:
            continue  # a blank cell leaves the stored figure as it is (see the template's note)
        inputs[row.code] = ValueInput(None if blank else row.value, row.explanation,
                                      Problem("", sheet=SHEET, row=row.row, column="F"))
    if problems:
        raise AppError(f"上传的文件「{file_name}」有 {len(problems)} 处问题，未写入任何数据：请修改后重新上传。",
                       problems=problems)
    if not inputs:
        raise AppError("上传的文件中没有填写任何数值：请在「本期数值」列（F列）填写后再上传。")
    # Blank value with an explanation: keep the stored value, update the explanation only.
    stored, _ = queries.stored_values(submission)
    for code, item in inputs.items():
        if item.raw is None:
            item.raw = stored.get(code)
    try:
        return save_values(submission, user, inputs, filled_by_name=parsed.filled_by or None, request=request,
                           source="excel")
    except SubmissionInvalid as error:
        error.message = f"上传的文件「{file_name}」未通过校验，未写入任何数据：请按提示修改后重新上传。"
        for p in error.problems:
            if p.sheet is None:
                p.sheet = SHEET
        raise


# --- reminders ------------------------------------------------------------------------------------------


def _reminder_text(kind: ReminderKind, sub: Submission, today: dt.date | None = None) -> str:
    task = sub.task
    if kind == ReminderKind.MANUAL:
        when = (f"已于{task.deadline:%Y年%m月%d日}截止，已逾期" if today and today > task.deadline
                else f"将于{task.deadline:%Y年%m月%d日}截止")
        return (f"【催报】{sub.unit.name}：{task.title}{when}，目前状态为「{sub.state_label}」，"
                "市新型工业化办公室请你单位尽快填报并提交审核。")
    if kind == ReminderKind.BEFORE:
        return (f"【催报提醒】{sub.unit.name}：{task.title}将于{task.deadline:%Y年%m月%d日}截止，"
                f"目前状态为「{sub.state_label}」，请按时填报并提交审核。")
    return (f"【逾期催报】{sub.unit.name}：{task.title}已于{task.deadline:%Y年%m月%d日}截止，"
            f"目前状态为「{sub.state_label}」，已逾期，请尽快填报提交（逾期提交计为迟报）。")


def _remind(sub: Submission, kind: ReminderKind, today: dt.date, *, user: Any = None, request: Any = None,
            actor: str = "") -> Reminder:
    """Record one reminder (audited) and push it to NEWIND_WEBHOOK_URL when set; the push's outcome is kept
    on the reminder (a chat outage never stops the reminding)."""
    message = _reminder_text(kind, sub, today)
    with transaction.atomic():
        reminder = Reminder.objects.create(submission=sub, kind=kind, for_date=today, message=message)
        record("submission.remind", user=user, request=request, actor=actor, obj=reminder, unit=sub.unit_id,
               after={"kind": kind, "for_date": today.isoformat()}, summary=message[:200])
    # Pushed after the reminder is stored: the chat server's answer is not waited for inside a transaction.
    url = getattr(settings, "NEWIND_WEBHOOK_URL", "")
    if url:
        error = post_text(url, message)
        reminder.webhook_status = WebhookStatus.FAILED if error else WebhookStatus.SENT
        reminder.webhook_error = error
        reminder.save(update_fields=["webhook_status", "webhook_error"])
        if error:
            log.warning("reminder webhook failed: %s", error)
    return reminder


def send_reminders(today: dt.date, *, lead_workdays: int = 2) -> list[Reminder]:
    """Record the reminders due today for every unfinished report (before the deadline, the day after it)
    and push each to NEWIND_WEBHOOK_URL when set. Running twice on one day records nothing new."""
    made: list[Reminder] = []
    pending = Submission.objects.filter(state__in=[s.value for s in EDITABLE_STATES]).select_related("task", "unit")
    for sub in pending:
        kind = reminder_due(today, sub.task.deadline, lead_workdays)
        if kind is None or Reminder.objects.filter(submission=sub, kind=kind, for_date=today).exists():
            continue
        made.append(_remind(sub, kind, today, actor="newind remind"))
    return made


@dataclass
class RemindResult:
    """What a 催报 from the board did: reminders sent, and units left out (already reminded today)."""

    sent: list[Reminder]
    already_today: list[Submission]

    @property
    def failed(self) -> list[Reminder]:
        return [r for r in self.sent if r.webhook_status == WebhookStatus.FAILED]


def remind_units(user: Any, task: ReportingTask, *, submission_ids: list[int] | None, today: dt.date,
                 request: Any = None) -> RemindResult:
    """The office's 催报 from the task board: remind the chosen units (None: every unit of the task that has
    not submitted yet), once a unit a day, each reminder audited and pushed like the scheduled ones."""
    reporting_task_for(user, task, write=True)
    subs = task.submissions.select_related("task", "unit").order_by("unit__sort_order", "unit__code")
    if submission_ids is not None:
        chosen = list(subs.filter(pk__in=submission_ids))
        if len(chosen) != len(set(submission_ids)):
            raise AppError("所选单位不在本填报任务中：请在本任务的看板上选择要催报的单位。")
        done = [s.unit.name for s in chosen if State(s.state) not in EDITABLE_STATES]
        if done:
            raise Conflict(f"{'、'.join(done)}已提交报表，无需催报：请只催报未填报、草稿或被退回的单位。")
    else:
        chosen = list(subs.filter(state__in=[s.value for s in EDITABLE_STATES]))
        if not chosen:
            raise Conflict("本任务的各单位都已提交报表，没有需要催报的单位。")
    reminded = set(Reminder.objects.filter(submission__in=chosen, kind=ReminderKind.MANUAL, for_date=today)
                   .values_list("submission_id", flat=True))
    sent = []
    for sub in chosen:
        if sub.pk not in reminded:
            sent.append(_remind(sub, ReminderKind.MANUAL, today, user=user, request=request))
    return RemindResult(sent=sent, already_today=[s for s in chosen if s.pk in reminded])
