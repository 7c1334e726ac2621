"""Login-related middleware: nothing readable anonymously, idle timeout, forced password change, CSP headers."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from newind.accounts import policy

LAST_ACTIVITY = "newind_last_activity"
# When the user signed in (set at login): the session ends NEWIND_SESSION_MAX_HOURS later, however active.
SIGNED_IN_AT = "newind_signed_in_at"
# Refresh the stored activity time at most this often, so most requests don't write the session.
_TOUCH_EVERY_SECONDS = 30


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, "problems": []}, status=status,
                        json_dumps_params={"ensure_ascii": False})


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: every view needs a login unless marked `login_not_required`; the API answers 401 in JSON."""

    def handle_no_permission(self, request: HttpRequest, view_func: Callable[..., Any]) -> HttpResponse:
        if _is_api(request):
            return _json(401, "not_authenticated", "请先登录：接口只对已登录用户开放。")
        return super().handle_no_permission(request, view_func)


class IdleTimeoutMiddleware:
    """Logs a user out after the policy's idle time without a request (default 30 minutes), and at the
    absolute session limit counted from sign-in (NEWIND_SESSION_MAX_HOURS, default 10); both audited.

    (Django's own expiry moves with every saved request, so on its own it sets no absolute limit.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            signed_in = request.session.get(SIGNED_IN_AT)
            max_hours = int(settings.NEWIND_SESSION_MAX_HOURS)
            if signed_in is None:
                # A session opened before sign-in times were recorded: its limit counts from now.
                request.session[SIGNED_IN_AT] = now
            elif now - float(signed_in) > max_hours * 3600:
                from newind.audit.services import record

                record("logout.expired", user=user, request=request,
                       summary=f"登录已超过 {max_hours} 小时（会话最长时间），自动退出登录。")
                auth.logout(request)
                if _is_api(request):
                    return _json(401, "session_expired", f"登录已超过 {max_hours} 小时，会话已结束：请重新登录。")
                return redirect(f"{reverse('accounts:login')}?expired=1")
            last = request.session.get(LAST_ACTIVITY)
            in_force = policy.for_request(request)
            if last is not None and now - float(last) > in_force.idle_timeout_minutes * 60:
                from newind.audit.services import record

                record("logout.idle", user=user, request=request,
                       summary=f"空闲超过 {in_force.idle_timeout_minutes} 分钟，自动退出登录。")
                auth.logout(request)
                if _is_api(request):
                    return _json(401, "session_expired", "登录已因长时间未操作而失效：请重新登录。")
                return redirect(f"{reverse('accounts:login')}?timeout=1&next={request.get_full_path()}")
            if last is None or now - float(last) > _TOUCH_EVERY_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Until a user with an initial, reset or expired password changes it — or, when the policy requires a
    second factor, enrols one — they may only do that or log out."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/static/", "/healthz")
    ALLOWED_FOR_TOTP = (*ALLOWED, "/accounts/me/totp/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        profile = _profile(user)
        if profile is None:
            return self.get_response(request)
        current = policy.for_request(request)
        if _must_change(profile, current.password_max_age_days) and not request.path.startswith(self.ALLOWED):
            if _is_api(request):
                return _json(403, "password_change_required", "须先修改密码（初始密码或已过期）：请在网页上修改密码后再使用接口。")
            return redirect(f"{reverse('accounts:password_change')}?next={request.get_full_path()}")
        if current.require_totp and not profile.totp_enabled and not request.path.startswith(self.ALLOWED_FOR_TOTP):
            if _is_api(request):
                return _json(403, "totp_required", "安全策略要求启用动态口令：请在网页上启用后再使用接口。")
            return redirect(reverse("accounts:totp"))
        return self.get_response(request)


def _profile(user: Any) -> Any:
    from newind.accounts.models import Profile

    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _must_change(profile: Any, max_age_days: int) -> bool:
    if profile.must_change_password:
        return True
    if max_age_days and profile.password_changed_at is not None:
        return bool(timezone.now() - profile.password_changed_at > dt.timedelta(days=max_age_days))
    return False


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts or styles), Permissions-Policy, and no caching of pages
    that show data to a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.NEWIND_CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("X-Content-Type-Options", "nosniff")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            # 剩余信息保护: figures shown to a signed-in user are not left in shared caches or the browser cache.
            response.setdefault("Cache-Control", "no-store, private")
        return response
