"""The background job of the accountability list: the daily scan (and, with §7, the alerts' scan)."""

from __future__ import annotations

import datetime as dt

from newind.jobs.registry import crontab, register_periodic


@register_periodic("accountability.scan", "问责清单扫描（督办逾期、项目停滞、报表迟报）", crontab(minute="0", hour="6"),
                   "每天 06:00")
def scan(period: str | None = None, at: str | None = None) -> str:
    """Scan `period` (default: the running month) as of `at` (ISO datetime, default now); idempotent."""
    from newind.accountability.services import scan as run_scan

    result = run_scan(period, now=dt.datetime.fromisoformat(at) if at else None)
    return result.summary()
