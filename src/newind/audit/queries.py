"""Reads of the audit log: the auditor's filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from newind.audit.models import AuditEntry
from newind.core.errors import AppError

FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class AuditFilter:
    person: str = ""
    unit: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_params(cls, params: dict[str, str]) -> AuditFilter:
        def day(name: str, label: str) -> dt.date | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise AppError(f"「{label}」的日期「{raw}」格式不对：请写成 YYYY-MM-DD，例如 2026-11-01。") from None
            # Dates near year 1 or 9999 overflow once shifted by a day or a time zone (a 500 before).
            if not FIRST_DAY <= day <= LAST_DAY:
                raise AppError(f"「{label}」的日期「{raw}」超出范围：请填写 {FIRST_DAY:%Y-%m-%d} 至 {LAST_DAY:%Y-%m-%d} "
                               "之间的日期。")
            return day

        return cls(person=(params.get("person") or "").strip(), unit=(params.get("unit") or "").strip(),
                   action=(params.get("action") or "").strip(), date_from=day("from", "起始日期"),
                   date_to=day("to", "截止日期"))

    def as_params(self) -> dict[str, str]:
        return {"person": self.person, "unit": self.unit, "action": self.action,
                "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else ""}


def filtered_entries(f: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries matching person (username or name), unit code, action (prefix) and the date range, newest first."""
    qs = AuditEntry.objects.all()
    if f.person:
        qs = qs.filter(Q(actor__iexact=f.person) | Q(actor_name__icontains=f.person))
    if f.unit:
        qs = qs.filter(unit_code=f.unit)
    if f.action:
        qs = qs.filter(Q(action=f.action) | Q(action__startswith=f.action + "."))
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(f.date_from, dt.time.min, tzinfo=tz))
    if f.date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.order_by("-id")


def known_actions() -> list[str]:
    return sorted(AuditEntry.objects.values_list("action", flat=True).distinct())
