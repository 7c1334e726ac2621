"""Writes of the accountability list: the scan that lists (and re-checks) entries, the measures, closing and
reopening an entry. Every write is audited (`audit.services.record`) and leaves a line in the entry's history.
Callers have decided access (newind.accounts.access: ACCOUNTABILITY_MANAGE_PAGE, accountability_entry_for)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from newind.accountability import queries
from newind.accountability.calc import fingerprint
from newind.accountability.choices import Cause, EntryEventKind, EntryStatus, MeasureKind
from newind.accountability.models import AccountabilityEntry, AccountabilityEvent, AccountabilityMeasure
from newind.audit.services import record
from newind.cases.sla import to_local
from newind.core.errors import AppError
from newind.indicators.periods import Period, PeriodKind

SCANNER = "后台任务"


def clock() -> dt.datetime:
    """Now (the cases' clock, so a test that sets it sets both)."""
    from newind.cases.services import clock as case_clock

    return case_clock()


def signed_in(user: Any) -> Any:
    """The user to record as the actor, None for the command line and the jobs."""
    return user if getattr(user, "is_authenticated", False) else None


def actor_name(user: Any) -> str:
    """The actor's name in a history line: the person's, or 后台任务."""
    if signed_in(user) is None:
        return SCANNER
    return str(user.get_full_name() or user.get_username())


def as_month(period: Any) -> Period:
    """A month period from a Period or a text ("2017-09"); an annual one means its December."""
    p = period if isinstance(period, Period) else Period.parse(period)
    if p.kind == PeriodKind.ANNUAL:
        return Period.month(p.year, 12)
    if p.kind == PeriodKind.QUARTER_CUM:
        return Period.month(p.year, p.n * 3)
    return p


def default_period(now: dt.datetime) -> Period:
    """The running month (January: last December, the year's first report being 1—2月)."""
    local = to_local(now)
    return Period.month(local.year, local.month) if local.month >= 2 else Period.month(local.year - 1, 12)


@dataclass
class ScanResult:
    period: Period
    created: list[AccountabilityEntry] = field(default_factory=list)
    updated: list[AccountabilityEntry] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        by_cause = {c: sum(1 for e in self.created if e.cause == c) for c in Cause}
        parts = "，".join(f"{Cause(c).label} {n} 条" for c, n in by_cause.items() if n)
        return (f"{self.period.label}问责清单扫描：新列入 {len(self.created)} 条" + (f"（{parts}）" if parts else "")
                + f"，复核更新 {len(self.updated)} 条，无变化 {self.unchanged} 条。")


def candidates(period: Period, moment: dt.datetime) -> list[dict[str, Any]]:
    """Every cause found at `moment` for `period`: one query (or one frame) per cause, never per row."""
    found = (queries.overdue_task_candidates(moment) + queries.stalled_project_candidates(period)
             + queries.late_report_candidates(period.year, moment))
    for c in found:
        c["fingerprint"] = fingerprint(c["cause"], c["object_ref"], c["period"])
    return found


@transaction.atomic
def scan(period: Any = None, *, now: dt.datetime | None = None, user: Any = None) -> ScanResult:
    """List every cause of `period` (default: the running month) not yet on the list and re-check those that
    are: an entry's fingerprint (cause | object | period of the episode) is unique, so scanning twice adds
    nothing and a later scan updates the sentence (more days late, one more late report)."""
    moment = to_local(now or clock())
    month = as_month(period) if period is not None else default_period(moment)
    judged = queries.as_of(month, moment)
    found = {c["fingerprint"]: c for c in candidates(month, judged)}
    existing = {e.fingerprint: e for e in AccountabilityEntry.objects.filter(fingerprint__in=list(found))}
    result = ScanResult(month)
    new = [AccountabilityEntry(
        fingerprint=fp, cause=c["cause"], object_ref=c["object_ref"], period=c["period"], unit_id=c["unit_id"],
        responsible_person=c["person"][:100], reason=c["reason"], case_id=c["case_id"], project_id=c["project_id"],
        first_found_at=moment, last_found_at=moment, last_scan_period=month.key, is_synthetic=c["is_synthetic"])
        for fp, c in found.items() if fp not in existing]
    result.created = AccountabilityEntry.objects.bulk_create(new)
    if len(result.created) and result.created[0].pk is None:  # (a backend that does not return ids)
        result.created = list(AccountabilityEntry.objects.filter(fingerprint__in=[e.fingerprint for e in new]))
    changed: list[AccountabilityEntry] = []
    befores: dict[int, dict[str, str]] = {}
    for fp, entry in existing.items():
        c = found[fp]
        differs = entry.reason != c["reason"] or entry.responsible_person != c["person"][:100]
        again = entry.last_scan_period != month.key
        if not differs and not again:
            result.unchanged += 1
            continue
        before = {"reason": entry.reason, "responsible_person": entry.responsible_person}
        entry.reason, entry.responsible_person = c["reason"], c["person"][:100]
        entry.last_found_at, entry.last_scan_period = moment, month.key
        entry.times_found += int(again)
        changed.append(entry)
        if differs:
            result.updated.append(entry)
            befores[entry.pk] = before
        else:
            result.unchanged += 1
    AccountabilityEntry.objects.bulk_update(changed, ["reason", "responsible_person", "last_found_at",
                                                      "last_scan_period", "times_found"])
    events = [AccountabilityEvent(entry=e, at=moment, kind=EntryEventKind.CREATED, actor=signed_in(user),
                                  actor_name=actor_name(user), note=e.reason) for e in result.created]
    events += [AccountabilityEvent(entry=e, at=moment, kind=EntryEventKind.UPDATED, actor=signed_in(user),
                                   actor_name=actor_name(user), note=f"{month.label}扫描复核：{e.reason}")
               for e in result.updated]
    AccountabilityEvent.objects.bulk_create(events)
    # One audit entry per entry written (the auditor filters by unit), and one for the scan.
    for e in result.created:
        record("accountability.entry.create", user=user, actor=SCANNER, obj=e, unit=e.unit_id,
               after={"fingerprint": e.fingerprint, "cause": e.cause, "responsible_person": e.responsible_person,
                      "reason": e.reason}, summary=f"列入问责清单（{Cause(e.cause).label}）：{e.reason}")
    for e in result.updated:
        record("accountability.entry.update", user=user, actor=SCANNER, obj=e, unit=e.unit_id,
               before=befores[e.pk],
               after={"reason": e.reason, "responsible_person": e.responsible_person},
               summary=f"问责清单条目复核更新：{e.reason}")
    record("accountability.scan", user=user, actor=SCANNER,
           after={"period": month.key, "as_of": judged.isoformat(), "created": len(result.created),
                  "updated": len(result.updated), "unchanged": result.unchanged},
           object_type="accountability.scan", object_id=month.key, summary=result.summary())
    return result


@transaction.atomic
def record_measure(entry: AccountabilityEntry, *, kind: str, taken_on: dt.date, text: str, document_no: str = "",
                   user: Any, now: dt.datetime | None = None) -> AccountabilityMeasure:
    """One measure (约谈, 通报批评, 诫勉, 问责) with its date and document; the entry is then 已采取措施."""
    measure_kind = MeasureKind(kind)
    if not text.strip():
        raise AppError(f"请写明{measure_kind.label}的内容（对象、事由、结论）。")
    moment = to_local(now or clock())
    if taken_on > moment.date():
        raise AppError(f"{measure_kind.label}日期 {taken_on:%Y-%m-%d} 晚于今天：请填写已经采取措施的日期。")
    if entry.status == EntryStatus.CLOSED:
        raise AppError("该条目已办结：如需补记措施，请先重新打开。", status=409)
    measure = AccountabilityMeasure.objects.create(
        entry=entry, kind=measure_kind, taken_on=taken_on, document_no=document_no.strip()[:100], text=text.strip(),
        recorded_by=signed_in(user), recorded_by_name=actor_name(user), recorded_at=moment)
    doc = f"（{measure.document_no}）" if measure.document_no else ""
    AccountabilityEvent.objects.create(entry=entry, at=moment, kind=EntryEventKind.MEASURE, actor=signed_in(user),
                                       actor_name=actor_name(user), measure=measure,
                                       note=f"{taken_on:%Y-%m-%d} {measure_kind.label}{doc}：{measure.text}")
    before = entry.status
    if entry.status == EntryStatus.OPEN:
        entry.status = EntryStatus.HANDLED
        entry.save(update_fields=["status"])
    record("accountability.measure.record", user=user, obj=measure, unit=entry.unit_id,
           before={"status": before},
           after={"entry": entry.pk, "kind": measure_kind, "taken_on": taken_on.isoformat(),
                  "document_no": measure.document_no, "text": measure.text, "status": entry.status},
           summary=f"问责清单条目 {entry.pk}（{entry.unit.name}）记录{measure_kind.label}{doc}：{measure.text[:80]}")
    return measure


def _set_status(entry: AccountabilityEntry, status: str, kind: str, note: str, user: Any,
                now: dt.datetime | None) -> AccountabilityEntry:
    moment = to_local(now or clock())
    before = entry.status
    entry.status = status
    entry.save(update_fields=["status"])
    AccountabilityEvent.objects.create(entry=entry, at=moment, kind=kind, actor=signed_in(user), actor_name=actor_name(user),
                                       note=note)
    record(f"accountability.entry.{kind}", user=user, obj=entry, unit=entry.unit_id, before={"status": before},
           after={"status": status, "note": note},
           summary=f"问责清单条目 {entry.pk}（{entry.unit.name}）{EntryEventKind(kind).label}：{note}")
    return entry


@transaction.atomic
def close_entry(entry: AccountabilityEntry, *, note: str, user: Any, now: dt.datetime | None = None
                ) -> AccountabilityEntry:
    """办结: the measures are done and the cause is dealt with; the note says how."""
    if entry.status == EntryStatus.CLOSED:
        raise AppError("该条目已办结。", status=409)
    if not note.strip():
        raise AppError("办结须写明处理结果（如：已约谈并完成整改）。")
    if not entry.measures.exists():
        raise AppError("尚未记录任何问责措施，不能办结：请先记录约谈、通报批评、诫勉或问责。", status=409)
    return _set_status(entry, EntryStatus.CLOSED, EntryEventKind.CLOSED, note.strip(), user, now)


@transaction.atomic
def reopen_entry(entry: AccountabilityEntry, *, note: str, user: Any, now: dt.datetime | None = None
                 ) -> AccountabilityEntry:
    if entry.status != EntryStatus.CLOSED:
        raise AppError("只有已办结的条目可以重新打开。", status=409)
    if not note.strip():
        raise AppError("重新打开须写明理由。")
    return _set_status(entry, EntryStatus.HANDLED, EntryEventKind.REOPENED, note.strip(), user, now)
