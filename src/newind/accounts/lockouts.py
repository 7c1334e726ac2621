"""The security administrator's locked accounts: list the lock-outs django-axes holds, and unlock one.

Kept apart from the login code (views.py, policy.py) on purpose: it only reads django-axes' attempts and
calls its reset, so the lock-out rules themselves stay where they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newind.accounts import policy
from newind.accounts.access import LOCKOUTS_PAGE, page_required
from newind.audit.services import record
from newind.core.errors import AppError, Conflict


@dataclass(frozen=True)
class LockedAccount:
    """One account django-axes refuses now: its failures, last attempt and when the lock lapses by itself."""

    username: str
    name: str
    failures: int
    last_attempt: dt.datetime
    unlocks_at: dt.datetime
    ip: str


def locked_accounts(now: dt.datetime | None = None) -> list[LockedAccount]:
    """Accounts with at least the policy's failure limit within the lock period (django-axes' own rule)."""
    now = now or timezone.now()
    rules = policy.current()
    since = now - dt.timedelta(minutes=rules.lockout_minutes)
    rows = (AccessAttempt.objects.filter(attempt_time__gte=since).values("username")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=rules.failure_limit).order_by("-last"))
    names = dict(get_user_model().objects.filter(username__in=[r["username"] for r in rows])
                 .values_list("username", "first_name"))
    out = []
    for r in rows:
        ip = (AccessAttempt.objects.filter(username=r["username"]).order_by("-attempt_time")
              .values_list("ip_address", flat=True).first())
        out.append(LockedAccount(username=r["username"], name=names.get(r["username"], ""), failures=r["failures"],
                                 last_attempt=r["last"], unlocks_at=r["last"] + dt.timedelta(minutes=rules.lockout_minutes),
                                 ip=ip or ""))
    return out


@transaction.atomic
def unlock_account(username: str, *, user: Any, request: Any = None) -> int:
    """Lift a lock-out now (django-axes' reset of the account's attempts), audited; returns attempts removed."""
    LOCKOUTS_PAGE.require(user)
    locked = {a.username: a for a in locked_accounts()}
    if username not in locked:
        raise Conflict(f"账号「{username}」当前没有被锁定：不需要解锁。请刷新「锁定账号」页面查看当前被锁定的账号。")
    removed = reset(username=username)
    record("login.unlock", user=user, request=request, object_type="account", object_id=username,
           before={"failures": locked[username].failures,
                   "unlocks_at": locked[username].unlocks_at.isoformat()},
           after={"attempts_removed": removed}, summary=f"安全管理员解除账号「{username}」的登录锁定")
    return removed


@page_required(LOCKOUTS_PAGE)
@never_cache
def lockouts_view(request: HttpRequest) -> HttpResponse:
    """安全管理员: the accounts locked now, each with an unlock button."""
    return render(request, "accounts/lockouts.html", {"rows": locked_accounts(), "policy": policy.current()})


@require_POST
@page_required(LOCKOUTS_PAGE)
def unlock_view(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "").strip()
    if not username:
        raise AppError("请在「锁定账号」列表中选择要解锁的账号。")
    unlock_account(username, user=request.user, request=request)
    messages.success(request, f"已解除账号「{username}」的锁定，该用户现在可以重新登录；操作已记入审计日志。")
    return redirect("accounts:lockouts")
