"""The current security policy: the 安全管理员's settings row, or the NEWIND_* defaults when none is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Policy:
    failure_limit: int
    lockout_minutes: int
    idle_timeout_minutes: int
    password_min_length: int
    password_min_classes: int
    password_max_age_days: int
    require_totp: bool
    max_sessions_per_user: int

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


FIELDS = ("failure_limit", "lockout_minutes", "idle_timeout_minutes", "password_min_length",
          "password_min_classes", "password_max_age_days", "require_totp", "max_sessions_per_user")


def defaults() -> Policy:
    """The policy from settings (env NEWIND_LOGIN_FAILURE_LIMIT, NEWIND_LOCKOUT_MINUTES, …)."""
    return Policy(
        failure_limit=settings.NEWIND_LOGIN_FAILURE_LIMIT,
        lockout_minutes=settings.NEWIND_LOCKOUT_MINUTES,
        idle_timeout_minutes=settings.NEWIND_IDLE_TIMEOUT_MINUTES,
        password_min_length=settings.NEWIND_PASSWORD_MIN_LENGTH,
        password_min_classes=settings.NEWIND_PASSWORD_MIN_CLASSES,
        password_max_age_days=settings.NEWIND_PASSWORD_MAX_AGE_DAYS,
        require_totp=settings.NEWIND_REQUIRE_TOTP,
        max_sessions_per_user=settings.NEWIND_MAX_SESSIONS_PER_USER,
    )


def current() -> Policy:
    """The policy in force: the saved row if a 安全管理员 has saved one, else the defaults."""
    from newind.accounts.models import SecurityPolicy

    row = SecurityPolicy.objects.filter(pk=1).values(*FIELDS).first()
    if row is None:
        return defaults()
    return Policy(**row)


def for_request(request: Any) -> Policy:
    """The policy, read once per request (the middlewares each need it on every signed-in request)."""
    cached = getattr(request, "_newind_policy", None)
    if cached is None:
        cached = current()
        request._newind_policy = cached
    return cached


# Callables named in settings for django-axes (AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME).
def axes_failure_limit(request: Any, credentials: Any) -> int:
    return current().failure_limit


def axes_cooloff(request: Any) -> dt.timedelta:
    return dt.timedelta(minutes=current().lockout_minutes)


def idle_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=current().idle_timeout_minutes)
