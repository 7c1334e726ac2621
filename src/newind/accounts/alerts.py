"""Security alerts: a lock-out is pushed to the security administrators' group chat (企业微信/钉钉 webhook)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("newind")


def post_text(url: str, content: str, timeout: float = 5.0) -> str:
    """POST a 企业微信/钉钉-style text message; '' on success, else the error (never raises)."""
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 - configured URL
            return "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))[:300]


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
