"""Background jobs of the accounts app: disable accounts unused for NEWIND_INACTIVE_DAYS (90) days."""

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
