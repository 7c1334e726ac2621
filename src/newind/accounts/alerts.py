"""Security alerts: a lock-out is pushed to the security administrators' group chat (企业微信/钉钉 webhook)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

from newind.core.webhook import post_text

log = logging.getLogger("newind")


def alert_lockout(username: str, ip: str, minutes: int) -> str | None:
    """Send one alert per locked account and lock period (django-axes signals every refused attempt)."""
    url = getattr(settings, "NEWIND_SECURITY_WEBHOOK_URL", "")
    if not url or not cache.add(f"newind-lockout-alert:{username}", 1, timeout=minutes * 60):
        return None
    text = (f"【新型工业化推进平台 安全告警】账号「{username}」连续登录失败已被锁定 {minutes} 分钟，"
            f"来源地址 {ip or '未知'}。如非本人操作，请安全管理员核查审计日志。")
    error = post_text(url, text)
    if error:
        log.warning("security alert webhook failed: %s", error)
    return error
