"""Login (with optional TOTP step), logout, password change, TOTP enrolment, sessions and security policy."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from newind.accounts import policy, services
from newind.accounts.access import (
    ROLE_REQUESTS_PAGE,
    SECURITY_PAGE,
    SESSIONS_PAGE,
    login_sessions_for,
    page_required,
    role_change_requests_for,
    role_of,
)
from newind.accounts.crypto import decrypt_secret, encrypt_secret
from newind.accounts.forms import PasswordConfirmForm, SecurityPolicyForm, TotpForm
from newind.accounts.models import Profile, RoleChangeStatus
from newind.accounts.throttle import throttled
from newind.audit.services import record
from newind.core.errors import AppError
from newind.core.redirects import safe_next_url, safe_url

PENDING = "newind_pending_2fa"
PENDING_SECRET = "newind_pending_totp_secret"
PENDING_MAX_SECONDS = 300
TOTP_MAX_FAILURES = 5


def _next_url(request: HttpRequest) -> str:
    return safe_next_url(request, "/")


def _profile(user: Any) -> Profile | None:
    return Profile.objects.filter(user=user).first()


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@throttled("login")
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password (django-axes counts failures). Step 2 (TOTP) if the user enabled it."""
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        profile = _profile(user)
        if profile is not None and profile.totp_enabled:
            request.session[PENDING] = {"user_id": user.pk, "backend": user.backend, "at": time.time(),
                                        "next": _next_url(request), "failures": 0}
            return redirect("accounts:login_totp")
        auth.login(request, user)
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {
        "form": form, "next": _next_url(request), "timeout": request.GET.get("timeout") == "1",
        "idle_minutes": policy.current().idle_timeout_minutes,
        "expired": request.GET.get("expired") == "1", "max_hours": settings.NEWIND_SESSION_MAX_HOURS,
    })


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@throttled("login")
def login_totp_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the 6-digit code from the user's authenticator app."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - float(pending["at"]) > PENDING_MAX_SECONDS:
        request.session.pop(PENDING, None)
        messages.error(request, "动态口令验证已超时：请重新输入用户名和密码。")
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    profile = _profile(user) if user is not None else None
    if user is None or profile is None:
        request.session.pop(PENDING, None)
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if services.use_totp_code(user, form.cleaned_code()):
            request.session.pop(PENDING, None)
            auth.login(request, user, backend=pending["backend"])
            return redirect(safe_url(request, pending.get("next"), "/"))
        pending["failures"] = int(pending["failures"]) + 1
        # Counted by django-axes like a wrong password (and audited as login.totp_failed), so knowing the
        # password does not allow guessing codes without limit by starting over.
        user_login_failed.send(sender=__name__, request=request,
                               credentials={"username": user.get_username(), "second_factor": True})
        if pending["failures"] >= TOTP_MAX_FAILURES:
            request.session.pop(PENDING, None)
            messages.error(request, "动态口令连续错误次数过多：请重新输入用户名和密码。")
            return redirect("accounts:login")
        request.session[PENDING] = pending
        error = "动态口令不正确或已使用过：请输入身份验证器当前显示的 6 位数字（注意手机时间要准确）。"
    return render(request, "accounts/login_totp.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, so a link on another site cannot log a user out)."""
    auth.logout(request)
    return redirect("accounts:login")


@sensitive_post_parameters()
@never_cache
@throttled("login")
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password; required before anything else after an initial password.

    A wrong current password counts towards the account's lock-out like a failed login (django-axes): a
    stolen session cannot be used to guess the password. Once locked, the session ends.
    """
    form = PasswordChangeForm(request.user, request.POST or None)
    profile = _profile(request.user)
    forced = bool(profile and profile.must_change_password)
    if request.method == "POST":
        credentials = {"username": request.user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request, credentials)
        if not form.is_valid() and "old_password" in form.errors:
            user_login_failed.send(sender=__name__, request=request,
                                   credentials={**credentials, "password_change": True})
            if AxesProxyHandler.is_locked(request, credentials):
                return _locked_out(request, credentials)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, form.cleaned_data["new_password1"])
        auth.update_session_auth_hash(request, request.user)
        record("password.change", user=request.user, request=request, obj=request.user,
               summary="修改本人密码" + ("（首次登录强制修改）" if forced else "") + "。")
        messages.success(request, "密码已修改。")
        return redirect(_next_url(request))
    reset = profile if forced and profile is not None and profile.password_reset_at else None
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced, "reset": reset,
                                                             "next": _next_url(request),
                                                             "policy": policy.current()})


def _locked_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    """End the session of a locked account and show the lock-out page (the lock-out itself is audited)."""
    from axes.helpers import get_lockout_response

    auth.logout(request)
    return get_lockout_response(request, credentials=credentials)


@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: role, scope unit, second factor."""
    profile = _profile(request.user)
    return render(request, "accounts/account.html", {"profile": profile, "role": role_of(request.user)})


@never_cache
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show a new secret and its otpauth URI, confirm with one code."""
    profile = _profile(request.user)
    if profile is None:
        raise AppError("您的账号没有角色档案，不能启用动态口令：请联系系统管理员。", status=403, code="forbidden")
    if profile.totp_enabled:
        form = PasswordConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.disable_totp(request.user, form.cleaned_data["password"], request=request)
            messages.success(request, "已关闭动态口令。")
            return redirect("accounts:account")
        return render(request, "accounts/totp_disable.html", {"form": form})
    # The secret being enrolled waits in the (database) session encrypted, like the stored one.
    pending_token = request.session.get(PENDING_SECRET)
    secret = decrypt_secret(pending_token) if pending_token else services.new_totp_secret()
    request.session[PENDING_SECRET] = pending_token or encrypt_secret(secret)
    form_totp = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form_totp.is_valid():
        try:
            services.enable_totp(request.user, secret, form_totp.cleaned_code(), request=request)
        except AppError as exc:
            error = exc.message
        else:
            request.session.pop(PENDING_SECRET, None)
            messages.success(request, "已启用动态口令：以后登录时需要输入身份验证器显示的 6 位数字。")
            return redirect("accounts:account")
    return render(request, "accounts/totp_enrol.html", {
        "form": form_totp, "secret": secret, "uri": services.totp_uri(request.user, secret), "error": error})


@page_required(SESSIONS_PAGE)
@never_cache
def sessions_view(request: HttpRequest) -> HttpResponse:
    """安全管理员: every signed-in session still alive, with a button to end it."""
    live_keys = set(Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True))
    rows = [s for s in login_sessions_for(request.user).filter(ended_at__isnull=True).select_related("user", "user__profile")
            if s.session_key in live_keys]
    return render(request, "accounts/sessions.html", {"rows": rows,
                                                      "current_key": request.session.session_key})


@require_POST
@page_required(SESSIONS_PAGE)
def session_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    services.end_session(pk, user=request.user, request=request)
    messages.success(request, "已结束该会话：该用户下次操作时需要重新登录。")
    return redirect("accounts:sessions")


@page_required(SECURITY_PAGE)
@never_cache
def security_policy_view(request: HttpRequest) -> HttpResponse:
    """安全管理员: lock-out, idle timeout and password policy (audited, within bounds)."""
    current = policy.current()
    form = SecurityPolicyForm(request.POST or None, initial=current.as_dict())
    if request.method == "POST" and form.is_valid():
        services.save_policy(form.cleaned_data, user=request.user, request=request)
        messages.success(request, "安全策略已保存，并已记入审计日志。")
        return redirect("accounts:security")
    return render(request, "accounts/security.html", {"form": form, "defaults": policy.defaults()})


@page_required(ROLE_REQUESTS_PAGE)
@never_cache
def role_requests_view(request: HttpRequest) -> HttpResponse:
    """安全管理员: role changes waiting for confirmation (two-person rule), and the latest decisions."""
    related = ("user", "old_unit", "new_unit")
    requests = role_change_requests_for(request.user)
    pending = requests.filter(status=RoleChangeStatus.PENDING).select_related(*related)
    decided = requests.exclude(status=RoleChangeStatus.PENDING).select_related(*related)[:30]
    return render(request, "accounts/role_requests.html", {"pending": pending, "decided": decided})


@require_POST
@page_required(ROLE_REQUESTS_PAGE)
def role_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    rcr = services.confirm_role_change(pk, user=request.user, request=request)
    messages.success(request, f"已确认：用户「{rcr.user.get_username()}」的角色已改为{rcr.new_role_label}，并已记入审计日志。")
    return redirect("accounts:role_requests")


@require_POST
@page_required(ROLE_REQUESTS_PAGE)
def role_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    rcr = services.reject_role_change(pk, user=request.user, note=request.POST.get("note", ""), request=request)
    messages.success(request, f"已驳回：用户「{rcr.user.get_username()}」的角色保持为{rcr.old_role_label}。")
    return redirect("accounts:role_requests")
