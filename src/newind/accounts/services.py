"""Writes for accounts: creating users with a role, changing roles and passwords, TOTP enrolment."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newind.accounts.crypto import decrypt_secret, encrypt_secret
from newind.accounts.models import (
    CONFIRMED_ROLES,
    ROLE_UNIT_KINDS,
    SCOPED_ROLES,
    Profile,
    Role,
    RoleChangeRequest,
    RoleChangeStatus,
    role_label,
)
from newind.core.errors import AppError, Conflict, Forbidden, NotFound, Problem


def _unit_for(role: Role, unit_code: str | None) -> Any:
    from newind.units.queries import unit_by_code

    if role in SCOPED_ROLES:
        if not unit_code:
            raise AppError(f"角色「{role.label}」必须指定所属单位：请用 --unit 填写单位代码，例如 430621。")
        unit = unit_by_code(unit_code)
        _check_unit_kind(role, unit)
        return unit
    if unit_code:
        raise AppError(f"角色「{role.label}」不限定单位：请去掉 --unit，或改用填报员、审核员、企业用户角色。")
    return None


def check_password_policy(password: str, user: Any = None) -> None:
    """Raise AppError listing every rule of the password policy the password breaks."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        problems = [Problem(str(m)) for m in exc.messages]
        raise AppError("密码不符合安全策略：请按以下要求重新设置。", problems=problems) from None


SYSADMIN_GROUP = "系统管理员"
# What the 系统管理员 may do in the admin: manage users, groups and roles — not the audit log (only the
# 审计员 sees it), not the security policy (安全管理员's page), not business figures.
SYSADMIN_PERMISSIONS = [("auth", "user"), ("auth", "group"), ("accounts", "profile")]


def sysadmin_group() -> Any:
    """The group carrying the 系统管理员's admin permissions (created on first use)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=SYSADMIN_GROUP)
    if created:
        perms = Permission.objects.none()
        for app_label, model in SYSADMIN_PERMISSIONS:
            perms = perms | Permission.objects.filter(content_type__app_label=app_label, content_type__model=model)
        group.permissions.set(list(perms))
    return group


def _admin_site_access(user: Any, role: str) -> None:
    """The admin site is for the 系统管理员 (users and roles) and the 审计员 (read-only audit log) only."""
    staff = role in {Role.SYSADMIN, Role.AUDITOR}
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if role == Role.SYSADMIN:
        user.groups.add(sysadmin_group())
    else:
        user.groups.remove(*user.groups.filter(name=SYSADMIN_GROUP))


@transaction.atomic
def create_user(username: str, role: Role | str, *, password: str, unit_code: str | None = None,
                name: str = "", must_change_password: bool = True, requested_by: str | None = None) -> Any:
    """Create a user with a role (and scope unit); the initial password must be changed at first login.

    With `requested_by` (the command line), a role in CONFIRMED_ROLES is not given at once: the user is
    created without a role and a request waits for a 安全管理员 — except the very first 安全管理员, whom
    nobody could confirm.
    """
    role = Role(role)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise AppError(f"用户名「{username}」已存在：请换一个用户名。")
    unit = _unit_for(role, unit_code)
    user = user_model(username=username, first_name=name)
    check_password_policy(password, user)
    user.set_password(password)
    user.save()
    pending = requested_by is not None and needs_confirmation("", role) and not _bootstrap(role)
    profile = Profile.objects.create(user=user, role="" if pending else role, unit=None if pending else unit,
                                     must_change_password=must_change_password,
                                     password_changed_at=None if must_change_password else timezone.now())
    if pending:
        _open_request(profile, role, unit, actor=None, actor_name=str(requested_by))
    else:
        _admin_site_access(user, role)
    return user


def _bootstrap(role: Role) -> bool:
    """The first 安全管理员 of an installation is created directly (there is no one to confirm it)."""
    return role == Role.SECADMIN and not Profile.objects.filter(role=Role.SECADMIN, user__is_active=True).exists()


def needs_confirmation(old_role: str, new_role: str) -> bool:
    """Granting or removing 审计员, 安全管理员 or 市新型工业化办公室 needs a 安全管理员's confirmation."""
    return old_role != new_role and bool({old_role, new_role} & {r.value for r in CONFIRMED_ROLES})


def person_label(user: Any) -> str:
    """「张三（zhangsan）」: how a person is named in requests, notices and the audit log."""
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else str(user.get_username())


def _check_unit(role: str, unit: Any) -> None:
    if role in SCOPED_ROLES and unit is None:
        raise AppError(f"角色「{Role(role).label}」必须指定所属单位：请选择单位后再保存。")
    if role not in SCOPED_ROLES and unit is not None:
        raise AppError(f"角色「{Role(role).label}」不限定单位：请清空所属单位后再保存。")
    _check_unit_kind(role, unit)


def unit_kind_problem(role: str, unit: Any) -> str:
    """Why this unit cannot be the role's unit (a 市直部门用户 needs a 市直部门 unit), or "" when it can."""
    from newind.units.choices import UnitKind

    wanted = ROLE_UNIT_KINDS.get(str(role))
    if wanted is None or unit is None or unit.kind == wanted:
        return ""
    return (f"角色「{Role(role).label}」的所属单位必须是{UnitKind(wanted).label}，「{unit.name}」是"
            f"{UnitKind(unit.kind).label}：请选择一个{UnitKind(wanted).label}。")


def _check_unit_kind(role: str, unit: Any) -> None:
    problem = unit_kind_problem(role, unit)
    if problem:
        raise AppError(problem)


@transaction.atomic
def change_role(target: Any, role: str, unit: Any = None, *, actor: Any, request: Any = None
                ) -> RoleChangeRequest | None:
    """A 系统管理员 changes another user's role: ordinary roles at once; CONFIRMED_ROLES become a request.

    Returns the pending request, or None when the change took effect (or there was nothing to change).
    No one changes their own role.
    """
    from newind.accounts.access import USERS_PAGE

    USERS_PAGE.require(actor)
    if actor.pk == target.pk:
        raise Forbidden("不能修改自己的角色：请由另一位系统管理员办理（涉及审计员、安全管理员、办公室角色的还须安全管理员确认）。")
    role = Role(role)
    _check_unit(role, unit)
    profile, _ = Profile.objects.select_for_update().get_or_create(user=target, defaults={"role": ""})
    if profile.role == role and profile.unit_id == (unit.pk if unit is not None else None):
        return None
    if needs_confirmation(profile.role, role):
        return _open_request(profile, role, unit, actor=actor, actor_name=person_label(actor), request=request)
    before = {"role": profile.role, "unit": profile.unit.code if profile.unit else None}
    _apply_role(profile, role, unit)
    from newind.audit.services import record

    record("role.assign" if not before["role"] else "role.change", user=actor, request=request, obj=profile,
           unit=profile.unit_id, before=before,
           after={"role": role.value, "unit": unit.code if unit is not None else None},
           summary=f"修改用户「{target.get_username()}」的角色：{role_label(before['role'] or '', _unit_or_none(before['unit']))}"
                   f" → {role_label(role, unit)}。")
    return None


def _unit_or_none(code: str | None) -> Any:
    if not code:
        return None
    from newind.units.models import Unit

    return Unit.objects.filter(code=code).first()


def _open_request(profile: Profile, role: str, unit: Any, *, actor: Any, actor_name: str,
                  request: Any = None) -> RoleChangeRequest:
    from newind.audit.services import record

    if RoleChangeRequest.objects.filter(user=profile.user, status=RoleChangeStatus.PENDING).exists():
        raise Conflict(f"用户「{profile.user.get_username()}」已有一项待安全管理员确认的角色变更：请等确认或驳回后再提交。")
    rcr = RoleChangeRequest.objects.create(user=profile.user, old_role=profile.role, old_unit=profile.unit,
                                           new_role=role, new_unit=unit, requested_by=actor,
                                           requested_by_name=actor_name)
    record("role.request", user=actor, actor=actor_name, request=request, obj=rcr,
           before={"role": profile.role, "unit": profile.unit.code if profile.unit else None},
           after={"role": str(role), "unit": unit.code if unit is not None else None, "requested_by": actor_name},
           summary=f"提交角色变更申请（待安全管理员确认）：用户「{profile.user.get_username()}」"
                   f"{rcr.old_role_label} → {rcr.new_role_label}。")
    return rcr


def _apply_role(profile: Profile, role: str, unit: Any) -> None:
    profile.role = role
    profile.unit = unit
    # The service audits the change itself (naming both people when it was confirmed).
    profile._role_change_approved = True  # type: ignore[attr-defined]
    profile._audited = True  # type: ignore[attr-defined]
    profile.save(update_fields=["role", "unit"])
    _admin_site_access(profile.user, role)


def _pending_request(request_id: int, user: Any) -> RoleChangeRequest:
    from newind.accounts.access import role_change_requests_for

    rcr = (role_change_requests_for(user, write=True).select_for_update(of=("self",)).select_related("user", "old_unit", "new_unit")
           .filter(pk=request_id).first())
    if rcr is None:
        raise NotFound("该角色变更申请不存在：请刷新页面。")
    if rcr.status != RoleChangeStatus.PENDING:
        raise Conflict(f"该申请已{rcr.get_status_display()}（{rcr.decided_by_name}），不能重复处理：请刷新页面。")
    if rcr.requested_by_id == user.pk:
        raise Forbidden("提交人和确认人不能是同一人：请由另一位安全管理员确认。")
    if rcr.user_id == user.pk:
        raise Forbidden("不能确认涉及自己角色的变更：请由另一位安全管理员确认。")
    return rcr


@transaction.atomic
def confirm_role_change(request_id: int, *, user: Any, request: Any = None) -> RoleChangeRequest:
    """A 安全管理员 (not the requester, not the user concerned) confirms a request: the role changes now."""
    from newind.audit.services import record

    rcr = _pending_request(request_id, user)
    profile, _ = Profile.objects.select_for_update().get_or_create(user=rcr.user, defaults={"role": ""})
    if profile.role != rcr.old_role or profile.unit_id != rcr.old_unit_id:
        raise Conflict(f"用户「{rcr.user.get_username()}」的角色在提交申请后已改变（现为{role_label(profile.role, profile.unit)}）："
                       "请驳回这项申请，由系统管理员重新提交。")
    _apply_role(profile, rcr.new_role, rcr.new_unit)
    rcr.status = RoleChangeStatus.CONFIRMED
    rcr.decided_by = user
    rcr.decided_by_name = person_label(user)
    rcr.decided_at = timezone.now()
    rcr.save(update_fields=["status", "decided_by", "decided_by_name", "decided_at"])
    record("role.assign" if not rcr.old_role else "role.change", user=user, request=request, obj=profile,
           unit=profile.unit_id, before={"role": rcr.old_role, "unit": rcr.old_unit.code if rcr.old_unit else None},
           after={"role": rcr.new_role, "unit": rcr.new_unit.code if rcr.new_unit else None,
                  "requested_by": rcr.requested_by_name, "confirmed_by": rcr.decided_by_name,
                  "request_id": rcr.pk},
           summary=f"用户「{rcr.user.get_username()}」的角色由{rcr.old_role_label}改为{rcr.new_role_label}："
                   f"{rcr.requested_by_name}提交，安全管理员{rcr.decided_by_name}确认。")
    return rcr


@transaction.atomic
def reject_role_change(request_id: int, *, user: Any, note: str = "", request: Any = None) -> RoleChangeRequest:
    """A 安全管理员 rejects a request: nothing changes; the reason is kept and audited."""
    from newind.audit.services import record

    rcr = _pending_request(request_id, user)
    rcr.status = RoleChangeStatus.REJECTED
    rcr.decided_by = user
    rcr.decided_by_name = person_label(user)
    rcr.decided_at = timezone.now()
    rcr.note = note.strip()[:200]
    rcr.save(update_fields=["status", "decided_by", "decided_by_name", "decided_at", "note"])
    record("role.reject", user=user, request=request, obj=rcr,
           after={"requested_by": rcr.requested_by_name, "rejected_by": rcr.decided_by_name, "note": rcr.note},
           summary=f"驳回角色变更申请：用户「{rcr.user.get_username()}」{rcr.old_role_label} → {rcr.new_role_label}"
                   f"（{rcr.requested_by_name}提交，安全管理员{rcr.decided_by_name}驳回"
                   f"{'：' + rcr.note if rcr.note else ''}）。")
    return rcr


@transaction.atomic
def change_password(user: Any, new_password: str) -> None:
    """Set a new password that satisfies the policy and clear the forced-change flag."""
    check_password_policy(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # A superuser made by `createsuperuser` has no profile; there is no flag to clear then.
    Profile.objects.filter(user=user).update(must_change_password=False, password_changed_at=timezone.now())


@transaction.atomic
def reset_password(user: Any, new_password: str, *, by: str) -> None:
    """Reset a password outside the admin (the server's command line): its owner must change it at the next
    sign-in and is shown who reset it and when, like a reset in the admin."""
    from newind.audit.services import record

    check_password_policy(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Profile.objects.filter(user=user).update(must_change_password=True, password_reset_by=by,
                                             password_reset_at=timezone.now())
    record("password.reset", user=None, actor=by, obj=user, after={"reset_by": by},
           summary=f"重置用户「{user.get_username()}」的密码：该用户下次登录时会看到重置人和时间，并须修改密码。")


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    import pyotp

    return str(pyotp.random_base32())


def totp_uri(user: Any, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (type it in, or turn it into a QR code)."""
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name="岳阳新型工业化推进平台"))


def totp_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code this is (now, or one step either side for clock drift), else None."""
    import time

    import pyotp

    if not secret:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if pyotp.utils.strings_equal(code.strip(), totp.at(step * totp.interval)):
            return step
    return None


def totp_matches(secret: str, code: str) -> bool:
    """Does the 6-digit code match the secret now (allowing one 30-second step of clock drift)?"""
    return totp_step(secret, code) is not None


@transaction.atomic
def use_totp_code(user: Any, code: str) -> bool:
    """Accept a login code once: it must match and be newer than the last accepted one (no replay)."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None or not profile.totp_enabled:
        return False
    step = totp_step(decrypt_secret(profile.totp_secret), code)
    if step is None or (profile.totp_last_step is not None and step <= profile.totp_last_step):
        return False
    profile.totp_last_step = step
    profile.save(update_fields=["totp_last_step"])
    return True


@transaction.atomic
def enable_totp(user: Any, secret: str, code: str, *, request: Any = None) -> None:
    """Turn on the second factor once the user proves their app shows the right code."""
    from newind.audit.services import record

    step = totp_step(secret, code)
    if step is None:
        raise AppError("动态口令不正确：请确认手机时间准确，并输入身份验证器当前显示的 6 位数字。")
    # Stored encrypted with a key kept outside the database (accounts.crypto).
    Profile.objects.filter(user=user).update(totp_secret=encrypt_secret(secret), totp_enabled=True,
                                             totp_last_step=step)
    record("totp.enable", user=user, request=request, obj=user, summary="启用动态口令（双因素认证）。")


@transaction.atomic
def disable_totp(user: Any, password: str, *, request: Any = None) -> None:
    """Turn off the second factor after re-entering the password."""
    from newind.audit.services import record

    if not user.check_password(password):
        raise AppError("当前密码不正确：关闭动态口令需要再次输入登录密码。")
    Profile.objects.filter(user=user).update(totp_secret="", totp_enabled=False, totp_last_step=None)
    record("totp.disable", user=user, request=request, obj=user, summary="关闭动态口令（双因素认证）。")


@transaction.atomic
def save_policy(values: dict[str, int], *, user: Any, request: Any = None) -> None:
    """Save the security policy (安全管理员 only) and audit before → after."""
    from newind.accounts import policy
    from newind.accounts.access import SECURITY_PAGE
    from newind.accounts.models import SecurityPolicy
    from newind.audit.services import record

    SECURITY_PAGE.require(user)
    before = policy.current().as_dict()
    after = {name: (bool(values.get(name)) if name == "require_totp" else int(values[name]))
             for name in policy.FIELDS}
    SecurityPolicy.objects.update_or_create(pk=1, defaults={**after, "updated_by": user.get_username()})
    changed = {k: after[k] for k in after if after[k] != before[k]}
    record("settings.change", user=user, request=request, object_type="accounts.securitypolicy", object_id=1,
           before=before, after=after,
           summary=f"修改安全策略：{'、'.join(changed) if changed else '无变化'}。")


@transaction.atomic
def end_session(login_session_id: int, *, user: Any, request: Any = None) -> None:
    """End one signed-in session at once (安全管理员 only): its server-side session row is deleted."""
    from django.contrib.sessions.models import Session

    from newind.accounts.access import login_sessions_for
    from newind.audit.services import record

    ls = login_sessions_for(user, write=True).select_related("user").filter(pk=login_session_id).first()
    if ls is None or ls.ended_at is not None:
        raise NotFound("该会话不存在或已经结束：请刷新会话列表。")
    Session.objects.filter(session_key=ls.session_key).delete()
    ls.ended_at = timezone.now()
    ls.ended_reason = "ended_by_admin"
    ls.ended_by = user.get_username()
    ls.save(update_fields=["ended_at", "ended_reason", "ended_by"])
    record("session.end", user=user, request=request, obj=ls,
           summary=f"结束用户「{ls.user.get_username()}」的登录会话（{ls.ip or '未知地址'}）。",
           before={"user": ls.user.get_username(), "started_at": ls.started_at.isoformat()})


def inactive_users(days: int) -> list[Any]:
    """Active users who have not logged in for `days` days (never-used accounts count from their creation)."""
    import datetime as dt

    from django.db.models import Q

    if days < 1:
        raise AppError("天数必须是正整数：例如 --days 90。")
    cutoff = timezone.now() - dt.timedelta(days=days)
    return list(get_user_model().objects.filter(is_active=True).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)).order_by("username"))
