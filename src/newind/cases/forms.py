"""The filters of the metrics and the overdue list, read once for the pages, the Excel exports and the API.

The lead units a user's figures cover are decided by `accounts.access.case_metrics_scope` (a department
user: its own unit; an edited `unit` parameter naming another unit is a 403 there); this module only reads
the parameters and turns them into `queries.case_filter` lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from newind.accounts.access import case_metrics_scope
from newind.cases.choices import CaseKind
from newind.cases.queries import GROUPINGS, case_filter
from newind.cases.sla import TZ, to_local
from newind.core.errors import AppError

LISTS = {"still_open": "逾期未办结", "done_late": "逾期办结"}


@dataclass(frozen=True)
class Filters:
    """What the user asked for (`by`, `year`, `kind`, `unit`, `at`, `list`, `page`) and what it selects."""

    by: str
    year: int | None
    kind: str | None
    unit: int | None
    at: dt.date | None
    now: dt.datetime
    list: str
    page: int
    units: set[int] | None  # the lead units covered (None: every case)
    where: dict[str, Any] = field(default_factory=dict)

    def query(self, **changes: Any) -> str:
        """The URL query of these filters (with `changes`), for links between the pages and the exports."""
        from urllib.parse import urlencode

        values = {"by": self.by, "year": self.year, "kind": self.kind, "unit": self.unit,
                  "at": self.at.isoformat() if self.at else None, "list": self.list, **changes}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    @property
    def about(self) -> str:
        """The selection in words (export headers, page captions)."""
        parts = [f"{self.year}年受理" if self.year else "全部年度", CaseKind(self.kind).label if self.kind else "全部类型"]
        parts.append(f"统计时点 {to_local(self.now):%Y-%m-%d %H:%M}")
        return "，".join(parts)


MAX_ID = 2**31 - 1  # ids and page numbers beyond what the databases' integers hold are refused, not a 500


def _int(data: Mapping[str, Any], name: str, label: str) -> int | None:
    text = str(data.get(name) or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise AppError(f"参数「{name}」（{label}）应为整数，收到「{text[:20]}」。") from None
    if not -MAX_ID <= value <= MAX_ID:
        raise AppError(f"参数「{name}」（{label}）超出范围，收到「{text[:20]}」。")
    return value


def read_filters(user: Any, data: Mapping[str, Any]) -> Filters:
    """The filters from a query string; the lead units from the access module (403 for another unit)."""
    by = str(data.get("by") or "department")
    if by not in GROUPINGS:
        raise AppError(f"参数「by」不能是「{by}」：请选择 {'、'.join(f'{k}（{v}）' for k, v in GROUPINGS.items())}。")
    chosen_list = str(data.get("list") or "still_open")
    if chosen_list not in LISTS:
        raise AppError(f"参数「list」不能是「{chosen_list}」：请选择 still_open（逾期未办结）或 done_late（逾期办结）。")
    year = _int(data, "year", "年度")
    unit = _int(data, "unit", "牵头承办单位")
    page = min(max(1, _int(data, "page", "页码") or 1), MAX_ID // 100)
    kind = str(data.get("kind") or "").strip() or None
    at_text = str(data.get("at") or "").strip()
    at: dt.date | None = None
    if at_text:
        try:
            at = dt.date.fromisoformat(at_text)
        except ValueError:
            raise AppError(f"参数「at」（统计日期）应为日期，如 2017-12-31，收到「{at_text[:20]}」。") from None
        if not 2000 <= at.year <= 2100:
            raise AppError(f"参数「at」（统计日期）应在 2000—2100 年之间，收到「{at_text[:20]}」。")
    # "As of a day": the end of that day (24:00, stored as 00:00 of the next); else the clock.
    now = dt.datetime.combine(at + dt.timedelta(days=1), dt.time(), tzinfo=TZ) if at else to_local(timezone.now())
    units = case_metrics_scope(user, unit)
    where = case_filter(units=units, year=year, kind=kind)
    return Filters(by=by, year=year, kind=kind, unit=unit, at=at, now=now, list=chosen_list, page=page, units=units,
                   where=where)
