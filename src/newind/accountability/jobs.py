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


@register_periodic("accountability.alerts", "预警扫描与推送（目标红灯、督办新逾期、一票否决风险）", crontab(minute="10"),
                   "每小时第10分钟")
def alerts(period: str | None = None, at: str | None = None) -> str:
    """Raise, count and reopen the alerts of `period` as of `at` and push the new ones; idempotent."""
    from newind.accountability.alerts import scan_alerts

    return scan_alerts(period, now=dt.datetime.fromisoformat(at) if at else None).summary()
