"""Background jobs of the case engine: reminders, 催办, escalations and call-back tasks, every 15 minutes.

(Named `cases.notify`, not `cases.escalate`: tests/jobs/test_registry.py registers a temporary job of that
name to test the registry, and the registry refuses two different functions under one name.)
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from newind.jobs.registry import crontab, register_periodic


@register_periodic("cases.notify", "事项到期提醒、催办、逾期升级与回访", crontab(minute="*/15"), "每15分钟")
def notify(at: str | None = None) -> str:
    """Record and push every case notice due by `at` (ISO datetime, default now); idempotent."""
    from newind.cases.choices import NoticeKind
    from newind.cases.notices import produce_notices
    from newind.cases.services import sign_off_due

    moment = dt.datetime.fromisoformat(at) if at else timezone.now()
    signed = sign_off_due(moment)  # 督办: leaders' windows that ended with nothing added → 销号
    made = produce_notices(moment)
    counts = {k: sum(1 for n in made if n.kind == k) for k in NoticeKind}
    failed = sum(1 for n in made if n.webhook_status == "failed")
    parts = "，".join(f"{NoticeKind(k).label} {v} 条" for k, v in counts.items())
    text = f"生成事项提醒 {len(made)} 条（{parts}）" + (f"，其中推送失败 {failed} 条。" if failed else "。")
    return text + (f"督办事项审定期满销号 {len(signed)} 件。" if signed else "")
