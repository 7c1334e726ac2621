"""Demo data of the submission workflow: the 2017年1—12月 monthly report issued to the 13 counties and
zones, with some units approved, some submitted (one late), one sent back, one draft and some missing, so
the office's board has something to show. Figures are 示例数据 (last year's same period × a growth) and
nothing is published, so the demo's observations stay as the indicators demo made them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period
from newind.submissions import queries
from newind.submissions.calc import Action, State, default_deadline
from newind.submissions.models import ReportingTask, Submission, SubmissionEvent, SubmissionValue
from newind.units.models import Unit
from newind.units.queries import peer_group_by_code, peer_group_units

FORM = "monthly-industry"
PERIOD = Period.month(2017, 12)
# What each unit has done by the demo's story (the office looks at the board on 2018-01-10). 岳阳县 has a
# half-filled draft, so the demo's 岳阳县填报员 can finish it, submit, and walk the rest of the workflow.
STORY: dict[str, str] = {
    "430602": "approved", "430603": "approved", "430611": "returned", "430621": "draft",
    "430623": "submitted", "430624": "approved", "430626": "late", "430681": "approved",
    "430682": "approved", "Z430601": "not_started", "Z430602": "not_started", "Z430603": "not_started",
    "Z430604": "not_started",
}
RETURN_REASON = "规模工业利润总额比1—11月减少，与累计口径不符，请核对后重新提交。"


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _demo_values(unit: Unit, codes: list[str]) -> dict[str, Decimal]:
    """Last year's 1—12月 figure grown by the unit's 1—11月 growth, rates carried from 1—11月 (示例数据)."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    rows = Observation.objects.filter(unit=unit, indicator__code__in=codes, is_current=True, period_kind="M").filter(
        year__in=[2016, 2017], period_n__in=[11, 12]).values_list("indicator__code", "year", "period_n", "value")
    found = {(c, y, n): v for c, y, n, v in rows}
    growth = found.get(("industrial_va_above_size_growth_pct", 2017, 11), Decimal("6"))
    factor = 1 + Decimal(growth) / 100 + Decimal("0.01")
    out: dict[str, Decimal] = {}
    for code in codes:
        ind = indicators[code]
        if ind.value_kind in ("rate", "ratio"):
            base = found.get((code, 2017, 11))
            if base is not None:
                out[code] = Decimal(base).quantize(Decimal("0.1"))
        else:
            base = found.get((code, 2016, 12))
            if base is not None:
                places = Decimal(1) if ind.value_kind == "count" else Decimal("0.01")
                out[code] = (Decimal(base) * factor).quantize(places)
    return out


def _event(sub: Submission, action: Action, frm: State, to: State, at: dt.datetime, reason: str = "") -> None:
    event = SubmissionEvent.objects.create(submission=sub, action=action, from_state=frm, to_state=to, reason=reason,
                                           detail={"demo": True})
    SubmissionEvent.objects.filter(pk=event.pk).update(at=at)


@transaction.atomic
def load_demo(out: TextIO) -> int:
    """Issue the demo task and play each unit's part of the story (idempotent)."""
    if ReportingTask.objects.filter(form_code=FORM, year=PERIOD.year, period_kind=PERIOD.kind.value,
                                    period_n=PERIOD.n).exists():
        out.write(f"示例数据：{PERIOD.label}月报填报任务已存在。\n")
        return 0
    definition = queries.read_report_definition(FORM)
    deadline = default_deadline(PERIOD.year, PERIOD.kind.value, PERIOD.n)
    task = ReportingTask.objects.create(
        form_code=FORM, title=f"{definition['name']}（{PERIOD.label}）", year=PERIOD.year,
        period_kind=PERIOD.kind.value, period_n=PERIOD.n, definition=definition, deadline=deadline, is_demo=True,
        note="示例数据：演示填报、审核、发布流程。",
    )
    units = peer_group_units(peer_group_by_code("yueyang-counties-zones"))
    issued = _local(dt.date(2018, 1, 2), 9)
    ReportingTask.objects.filter(pk=task.pk).update(issued_at=issued)
    made = 0
    for unit in units:
        story = STORY.get(unit.code, "not_started")
        sub = Submission.objects.create(task=task, unit=unit)
        made += 1
        if story == "not_started":
            continue
        codes = queries.indicator_codes_for(task, unit)
        values = _demo_values(unit, codes)
        if story == "draft":
            values = dict(list(values.items())[: len(values) // 2])
        SubmissionValue.objects.bulk_create([
            SubmissionValue(submission=sub, indicator_id=Indicator.objects.get(code=c).pk, value=v)
            for c, v in values.items()])
        sub.filled_by_name = f"{unit.display_name}填报员"
        on_time = _local(dt.date(2018, 1, 5), 10)
        _event(sub, Action.SAVE, State.NOT_STARTED, State.DRAFT, on_time - dt.timedelta(hours=1))
        state = State.DRAFT
        if story in ("submitted", "approved", "returned", "late"):
            when = _local(dt.date(2018, 1, 10), 16) if story == "late" else on_time
            sub.first_submitted_at = sub.submitted_at = when
            _event(sub, Action.SUBMIT, State.DRAFT, State.SUBMITTED, when)
            state = State.SUBMITTED
        if story == "returned":
            sub.return_reason = RETURN_REASON
            _event(sub, Action.RETURN, State.SUBMITTED, State.RETURNED, on_time + dt.timedelta(days=1), RETURN_REASON)
            state = State.RETURNED
        if story == "approved":
            sub.approved_at = on_time + dt.timedelta(days=1)
            sub.reviewer_name = f"{unit.display_name}审核员"
            _event(sub, Action.APPROVE, State.SUBMITTED, State.APPROVED, sub.approved_at)
            state = State.APPROVED
        sub.state = state
        sub.save()
    out.write(f"示例数据：已下达{PERIOD.label}月报填报任务（{made} 个单位，截止 {deadline:%Y-%m-%d}），"
              "部分单位已审核、已提交、退回或未填报。\n")
    return made


def story_summary() -> dict[str, Any]:
    """How the demo task stands (used by tests)."""
    task = ReportingTask.objects.get(form_code=FORM, year=PERIOD.year, period_kind=PERIOD.kind.value, period_n=PERIOD.n)
    return {s: task.submissions.filter(state=s).count() for s in State.values}
