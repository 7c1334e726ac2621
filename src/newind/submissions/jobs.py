"""Background jobs of the submissions app: the daily reminders before (and just after) each deadline."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from newind.jobs.registry import crontab, register_periodic


@register_periodic("submissions.remind", "月度报表催报（截止前2个工作日、截止次日）", crontab(minute="30", hour="8"),
                   "每天 08:30")
def remind(date: str | None = None) -> str:
    """Record (and push) the reminders due on `date` (default today); idempotent: a second run on one day
    records nothing new (send_reminders keeps one reminder per report, kind and day)."""
    from newind.submissions.services import send_reminders

    today = dt.date.fromisoformat(date) if date else timezone.localdate()
    made = send_reminders(today)
    failed = sum(1 for r in made if r.webhook_status == "failed")
    return f"{today:%Y-%m-%d}：记录催报提醒 {len(made)} 条" + (f"，其中推送失败 {failed} 条。" if failed else "。")
