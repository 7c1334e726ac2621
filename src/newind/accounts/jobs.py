"""The security jobs: disable accounts unused for NEWIND_INACTIVE_DAYS (90) days, and anchor the audit chain.

The anchor job lives here, not in the audit app, because audit sits below the job runner (tests/core/
test_layering.py): an anchor written only when someone remembers `newind audit anchor` leaves the recent
past unprotected, so the worker writes one every hour (`newind.audit.anchors`).
"""

from __future__ import annotations

from django.conf import settings

from newind.jobs.models import Audience
from newind.jobs.registry import crontab, register_periodic


@register_periodic("accounts.disable_inactive", "停用长期未登录的账号", crontab(minute="0", hour="3"), "每天 03:00",
                   audience=Audience.SECURITY)
def disable_inactive() -> str:
    """Disable active accounts not used for the set number of days (idempotent: disabled ones are skipped)."""
    from newind.accounts.services import inactive_users

    days = int(getattr(settings, "NEWIND_INACTIVE_DAYS", 90))
    users = inactive_users(days)
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active"])  # audited as user.change by the accounts signals
    names = "、".join(u.get_username() for u in users[:20]) + ("等" if len(users) > 20 else "")
    return f"停用超过 {days} 天未登录的账号 {len(users)} 个" + (f"：{names}。" if users else "。")


@register_periodic("audit.anchor", "审计链外部锚点", crontab(minute="5"), "每小时第 5 分钟",
                   audience=Audience.SECURITY, retries=2, retry_delay=300)
def anchor_audit_chain() -> str:
    """Anchor the chain head (a no-op when nothing was written since the last anchor)."""
    from newind.audit.services import anchor_chain

    outcome = anchor_chain(actor="后台任务")
    if not outcome.written:
        return f"自上次锚点以来审计链没有新记录（共 {outcome.head.count} 条），未生成新锚点。"
    return f"已生成外部锚点 {outcome.path.name}：审计记录共 {outcome.head.count} 条，至第 {outcome.head.last_id} 号。"
