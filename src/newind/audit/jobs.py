"""Background jobs of the audit app: write the chain head to an external anchor every hour.

Anchors are what show that the newest entries, or the whole log, were deleted (`newind.audit.anchors`);
an anchor written only when someone remembers `newind audit anchor` leaves the recent past unprotected.
"""

from __future__ import annotations

from newind.jobs.models import Audience
from newind.jobs.registry import crontab, register_periodic


@register_periodic("audit.anchor", "审计链外部锚点", crontab(minute="5"), "每小时第 5 分钟",
                   audience=Audience.SECURITY, retries=2, retry_delay=300)
def anchor() -> str:
    """Anchor the chain head (a no-op when nothing was written since the last anchor)."""
    from newind.audit.services import anchor_chain

    outcome = anchor_chain(actor="后台任务")
    if not outcome.written:
        return f"自上次锚点以来审计链没有新记录（共 {outcome.head.count} 条），未生成新锚点。"
    return f"已生成外部锚点 {outcome.path.name}：审计记录共 {outcome.head.count} 条，至第 {outcome.head.last_id} 号。"
