"""Per-address throttling of guessable or costly requests: login, file uploads, report generation.

Limits are settings (`NEWIND_THROTTLE_LOGIN`, `…_UPLOAD`, `…_REPORT`, each "N/S": at most N requests per
S seconds from one client address). The counters live in the database (`RateCounter`), so every server
process sees the same count; see docs/decisions.md. The window slides: the previous window's count is
weighted by how much of it still overlaps, which avoids letting 2N through at a window boundary.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from newind.core.errors import AppError

SETTINGS = {"login": "NEWIND_THROTTLE_LOGIN", "upload": "NEWIND_THROTTLE_UPLOAD",
            "report": "NEWIND_THROTTLE_REPORT"}
WHAT = {"login": "登录尝试", "upload": "文件上传", "report": "生成报告"}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def rate(scope: str) -> Rate | None:
    """The limit in force for a scope, or None when it is switched off ("0/…" or empty)."""
    text = str(getattr(settings, SETTINGS[scope], "") or "").strip()
    if not text:
        return None
    try:
        limit, seconds = (int(part) for part in text.split("/", 1))
    except ValueError:
        raise AppError(f"设置 {SETTINGS[scope]}={text!r} 的格式不对：应为「次数/秒数」，例如 60/300。",
                       status=500, code="bad_setting") from None
    return Rate(limit, seconds) if limit > 0 and seconds > 0 else None


def _hit(scope: str, key: str, r: Rate, now: float) -> tuple[bool, int]:
    """Count one request; (allowed, refusals so far in this window). Refused requests are not counted."""
    from newind.accounts.models import RateCounter

    window = int(now // r.seconds)
    overlap = 1 - (now % r.seconds) / r.seconds
    with transaction.atomic():
        row, created = RateCounter.objects.select_for_update().get_or_create(scope=scope, key=key, window=window)
        if created:
            # Older windows no longer count: keep the table small.
            RateCounter.objects.filter(scope=scope, window__lt=window - 1).delete()
        previous = RateCounter.objects.filter(scope=scope, key=key, window=window - 1).values_list(
            "count", flat=True).first() or 0
        if previous * overlap + row.count + 1 > r.limit:
            row.refused += 1
            row.save(update_fields=["refused"])
            return False, row.refused
        row.count += 1
        row.save(update_fields=["count"])
        return True, 0


def check(request: HttpRequest, scope: str) -> None:
    """Count this request against the client address's limit; raise a 429 AppError over the limit."""
    from newind.audit.services import client_ip, record

    r = rate(scope)
    if r is None:
        return
    now = time.time()
    allowed, refusals = _hit(scope, client_ip(request) or "unknown", r, now)
    if allowed:
        return
    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    minutes = max(1, math.ceil(r.seconds / 60))
    if refusals == 1:  # once per window, so a flood does not flood the audit log
        record("throttle.refused", user=user, actor=str(request.POST.get("username", ""))[:150], request=request,
               after={"scope": scope, "limit": r.limit, "seconds": r.seconds},
               summary=f"来源地址{WHAT[scope]}过于频繁（{minutes} 分钟内超过 {r.limit} 次），暂时拒绝。")
    wait = max(1, math.ceil((r.seconds - now % r.seconds) / 60))
    raise AppError(f"来自您所在网络地址的{WHAT[scope]}过于频繁（{minutes} 分钟内超过 {r.limit} 次）：请约 {wait} 分钟后再试。"
                   "如果单位多人共用一个出口地址而经常看到这条提示，请联系安全管理员调整限制。",
                   status=429, code="too_many_requests")


F = TypeVar("F", bound=Callable[..., HttpResponse])


def throttled(scope: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[F], F]:
    """View decorator: `check(request, scope)` for requests with one of `methods` before the view runs."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                check(request, scope)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
