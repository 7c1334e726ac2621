"""Reads for the submission workflow: report definitions, field specs, last year's figures, the board."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from newind.core.errors import AppError, not_found
from newind.indicators.models import Indicator, Observation, ValueKind
from newind.indicators.periods import PeriodKind
from newind.indicators.queries import period_frame
from newind.submissions.calc import (
    EDITABLE_STATES,
    CheckRule,
    Discipline,
    FieldSpec,
    RuleError,
    State,
    discipline_of,
    discipline_table,
    parse_rule,
    rule_names,
)
from newind.submissions.models import ReportingTask, Submission, SubmissionValue
from newind.submissions.providers import provider_for
from newind.units.models import Unit


def definitions_dir() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "reporting"


def read_report_definition(code: str, directory: Path | None = None) -> dict[str, Any]:
    """Read and check one report definition (definitions/reporting/<code>.yaml); AppError lists problems."""
    path = (directory or definitions_dir()) / f"{code}.yaml"
    if not path.is_file():
        raise not_found(f"报表定义「{code}」")
    definition = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems = validate_report_definition(definition)
    if problems:
        raise AppError(f"报表定义 {path.name} 有误：" + "；".join(problems))
    return definition


def report_definition_codes(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or definitions_dir()).glob("*.yaml"))


def validate_report_definition(d: dict[str, Any]) -> list[str]:
    """The problems of a report definition: unknown indicators, bad ranges, unsafe or unknown check rules.
    A form with its own rows (a registered row provider, providers.py) is checked by its provider."""
    provider = provider_for(str(d.get("code", "")))
    if provider is not None:
        problems = [f"缺少字段 {f}" for f in ("code", "name", "form_number") if not d.get(f)]
        return problems + provider.validate_definition(d)
    problems = [f"缺少字段 {f}" for f in ("code", "name", "form_number", "indicator_sets") if not d.get(f)]
    known = set(Indicator.objects.values_list("code", flat=True))
    sets: dict[str, list[str]] = d.get("indicator_sets") or {}
    used = {c for codes in sets.values() for c in codes}
    problems += [f"指标 {c} 不在指标目录中" for c in sorted(used - known)]
    for code, spec in (d.get("fields") or {}).items():
        if code not in used:
            problems.append(f"fields 中的 {code} 不在任何指标集中")
        if spec and spec.get("min") is not None and spec.get("max") is not None and spec["min"] > spec["max"]:
            problems.append(f"{code} 的 min 大于 max")
    for check in d.get("checks") or []:
        try:
            names = rule_names(str(check.get("rule", "")))
            parse_rule(str(check.get("rule", "")))
        except RuleError as exc:
            problems.append(str(exc))
            continue
        problems += [f"校验关系「{check['rule']}」中的 {n} 不在任何指标集中" for n in sorted(names - used)]
        if not check.get("message"):
            problems.append(f"校验关系「{check['rule']}」缺少 message")
    return problems


def task_or_404(task_id: int) -> ReportingTask:
    task = ReportingTask.objects.filter(pk=task_id).first()
    if task is None:
        raise not_found("填报任务")
    return task


def submission_or_404(submission_id: int) -> Submission:
    submission = Submission.objects.select_related("task", "unit", "approved_by").filter(pk=submission_id).first()
    if submission is None:
        raise not_found("单位报表")
    return submission


def indicator_codes_for(task: ReportingTask, unit: Unit) -> list[str]:
    return list((task.definition.get("indicator_sets") or {}).get(unit.kind, []))


def field_specs(task: ReportingTask, unit: Unit) -> list[FieldSpec]:
    """The fields this unit fills for this task, in the order of the definition."""
    codes = indicator_codes_for(task, unit)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    rules = task.definition.get("fields") or {}
    specs = []
    for code in codes:
        ind = indicators[code]
        rule = rules.get(code) or {}
        specs.append(FieldSpec(
            code=code, name=ind.name, measure_unit=ind.measure_unit, required=bool(rule.get("required", True)),
            minimum=Decimal(str(rule["min"])) if rule.get("min") is not None else None,
            maximum=Decimal(str(rule["max"])) if rule.get("max") is not None else None,
            yoy_check=ind.value_kind in (ValueKind.LEVEL, ValueKind.COUNT), decimals=ind.decimals,
            value_kind=str(ind.value_kind),
        ))
    return specs


def check_rules(task: ReportingTask) -> list[CheckRule]:
    return [CheckRule(str(c["rule"]), str(c["message"])) for c in task.definition.get("checks") or []]


def yoy_bound(task: ReportingTask) -> Decimal:
    return Decimal(str(task.definition.get("yoy_bound_pct", 30)))


def last_year_values(task: ReportingTask, unit: Unit) -> dict[str, Decimal | None]:
    """Last year's same-period current figure of each field (None where there is none)."""
    codes = indicator_codes_for(task, unit)
    # The one period-plus-last-year read, exact (Decimal): the ±30% bound is checked in Decimal.
    frame = period_frame(task.period, indicator_codes=codes, unit_ids=[unit.pk], exact=True)
    last = frame[frame["year"] == task.period.year - 1]
    found = dict(zip(last["indicator_code"], last["value"], strict=True))
    return {code: found.get(code) for code in codes}


def stored_values(submission: Submission) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """The submission's figures and explanations by indicator code."""
    values: dict[str, Decimal | None] = {}
    explanations: dict[str, str] = {}
    for code, value, explanation in SubmissionValue.objects.filter(submission=submission).values_list(
            "indicator__code", "value", "explanation"):
        values[code] = value
        explanations[code] = explanation
    return values, explanations


def figures_version(submission: Submission) -> str:
    """A digest of the figures a correction starts from: the report's values and the version of each of its
    published observations. The correction form carries it, so a figure changed since the page was shown
    (another correction, an import) is a conflict instead of being overwritten unseen."""
    period = submission.task.period
    values = sorted((code, str(value)) for code, value in SubmissionValue.objects.filter(
        submission=submission).values_list("indicator__code", "value"))
    versions = sorted(Observation.objects.filter(
        unit_id=submission.unit_id, year=period.year, period_kind=period.kind.value, period_n=period.n,
        is_current=True).values_list("indicator__code", "version"))
    payload = json.dumps([submission.pk, values, versions], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def board_rows(task: ReportingTask, today: dt.date) -> list[dict[str, Any]]:
    """One row per unit of a task: state, when submitted, on time or late, reason if sent back, reminders."""
    rows = []
    for sub in task.submissions.select_related("unit").prefetch_related("reminders").order_by(
            "unit__sort_order", "unit__code"):
        discipline = discipline_of(task.deadline, local_date(sub.first_submitted_at), today)
        rows.append({
            "submission": sub, "unit": sub.unit, "state": State(sub.state), "discipline": discipline,
            "late": discipline in (Discipline.LATE, Discipline.MISSING),
            "reminders": len(sub.reminders.all()),
            "last_reminded": max((r.for_date for r in sub.reminders.all()), default=None),
            "needs_reminder": State(sub.state) in EDITABLE_STATES,
        })
    return rows


def board_fingerprint(task: ReportingTask) -> tuple[Any, ...]:
    """What the board shows changes with: the task's submissions (count, latest change) and reminders."""
    found = task.submissions.aggregate(n=Count("id"), changed=Max("updated_at"), first=Max("first_submitted_at"),
                                       reminded=Max("reminders__id"))
    return (found["n"], str(found["changed"]), str(found["first"]), found["reminded"])


def board_summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    summary: dict[str, int] = {str(s): 0 for s in State}
    for row in rows:
        summary[str(row["state"])] += 1
    summary["late"] = sum(1 for r in rows if r["discipline"] == Discipline.LATE)
    summary["missing"] = sum(1 for r in rows if r["discipline"] == Discipline.MISSING)
    summary["total"] = len(rows)
    summary["unsubmitted"] = sum(1 for r in rows if r["needs_reminder"])
    return summary


def discipline_record(year: int, today: dt.date) -> list[dict[str, Any]]:
    """Each unit's reporting discipline over a year's tasks: on time, late, missing, not yet due."""
    subs = list(Submission.objects.filter(task__year=year).select_related("task", "unit"))
    facts = [{"unit": s.unit, "discipline": discipline_of(s.task.deadline, local_date(s.first_submitted_at), today)}
             for s in subs]
    table = discipline_table(facts)
    rows = [{"unit": unit, **counts, "tasks": sum(counts.values())} for unit, counts in table.items()]
    return sorted(rows, key=lambda r: (r["unit"].sort_order, r["unit"].code))


def monthly_report_rows(year: int, *, unit_ids: list[int] | None = None, through_month: int | None = None,
                        due_before: dt.date | None = None) -> pd.DataFrame:
    """The year's monthly reports (1—N月 tasks) as one frame, one row a unit's report: unit_id, n (the month),
    deadline, submitted_on (the first submission's day in Shanghai time, NaT if none) and is_synthetic.
    Optionally only some units, the tasks up to a month, or those whose deadline is before a day. One query."""
    qs = Submission.objects.filter(task__year=year, task__period_kind=PeriodKind.MONTH_CUM.value)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if through_month is not None:
        qs = qs.filter(task__period_n__lte=through_month)
    if due_before is not None:
        qs = qs.filter(task__deadline__lt=due_before)
    rows = pd.DataFrame.from_records(
        list(qs.values_list("unit_id", "task__period_n", "task__deadline", "first_submitted_at", "unit__is_synthetic")),
        columns=["unit_id", "n", "deadline", "submitted_at", "is_synthetic"])
    submitted = pd.to_datetime(rows["submitted_at"], utc=True).dt.tz_convert(settings.TIME_ZONE)
    rows["submitted_on"] = submitted.dt.tz_localize(None).dt.normalize()
    return rows.drop(columns="submitted_at")

