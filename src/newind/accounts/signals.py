"""Audit hooks: logins, failures, lock-outs, logouts, and every change to users, roles, groups and permissions."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from newind.accounts.middleware import SIGNED_IN_AT
from newind.accounts.models import LoginSession, Profile, SecurityPolicy
from newind.audit.context import current_request, current_user
from newind.audit.services import client_ip, record
from newind.core.errors import Forbidden

User = get_user_model()
# User fields whose change matters to security (the password hash itself is never written to the log).
USER_FIELDS = ("username", "first_name", "is_active", "is_staff", "is_superuser")
PROFILE_FIELDS = ("role", "unit_id", "must_change_password", "totp_enabled")


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    # The absolute session limit counts from here (accounts.middleware.IdleTimeoutMiddleware).
    request.session[SIGNED_IN_AT] = time.time()
    # force_login in tests and the admin also end here; only a real session gets a LoginSession row.
    key = request.session.session_key
    if key:
        LoginSession.objects.update_or_create(session_key=key, defaults={
            "user": user, "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]})
    record("login", user=user, request=request, summary="登录成功。")
    _end_sessions_over_the_limit(user, keep=key)


def _end_sessions_over_the_limit(user: Any, keep: str | None) -> None:
    """资源控制: beyond the policy's number of sessions per account, the oldest ones are ended (audited)."""
    from django.contrib.sessions.models import Session

    from newind.accounts import policy

    limit = policy.current().max_sessions_per_user
    if not limit:
        return
    live = set(Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True))
    mine = [s for s in LoginSession.objects.filter(user=user, ended_at__isnull=True).order_by("-started_at", "-id")
            if s.session_key in live and s.session_key != keep]
    for old in mine[max(limit - 1, 0):]:
        Session.objects.filter(session_key=old.session_key).delete()
        LoginSession.objects.filter(pk=old.pk).update(ended_at=timezone.now(), ended_reason="too_many_sessions")
        record("session.end", user=user, object_type="accounts.loginsession", object_id=old.pk,
               summary=f"同时登录超过 {limit} 个会话，结束最早的会话（{old.ip or '未知地址'}，"
                       f"{timezone.localtime(old.started_at):%Y-%m-%d %H:%M} 登录）。")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    if credentials.get("second_factor"):
        record("login.totp_failed", user=None, actor=username, request=request, summary="登录失败：动态口令错误。")
        return
    if credentials.get("password_change"):
        record("password.change_failed", user=None, actor=username, request=request,
               summary="修改密码失败：当前密码错误（计入连续登录失败次数）。")
        return
    record("login.failed", user=None, actor=username, request=request, summary="登录失败：用户名或密码错误，或账号已锁定。")


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    from newind.accounts import policy

    p = policy.current()
    record("login.lockout", user=None, actor=(username or "")[:150], request=request,
           summary=f"连续登录失败 {p.failure_limit} 次，账号锁定 {p.lockout_minutes} 分钟。",
           after={"username": username, "ip": ip_address})
    from newind.accounts.alerts import alert_lockout

    alert_lockout(username or "", ip_address or "", p.lockout_minutes)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        LoginSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_reason="logout")
    record("logout", user=user, request=request, summary="退出登录。")


def _snapshot(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(instance, f) for f in fields}


def _actor_record(action: str, **kwargs: Any) -> None:
    # A page names its user and a `newind` command its OS user (audit.context); what is left without either is
    # the platform itself (a background job, a migration), not the command line.
    record(action, user=current_user(), request=current_request(), actor="系统", **kwargs)


# Django's permission names are English ("Can add user"); the audit log says them in Chinese.
_PERMISSION_VERBS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}


def _label(obj: Any) -> str:
    """A group by its name; a permission as 「动作 + 对象」 in Chinese (its model's verbose name)."""
    if isinstance(obj, Group):
        return obj.name
    verb, _, model = obj.codename.partition("_")
    model_class = obj.content_type.model_class()
    if verb in _PERMISSION_VERBS and model_class is not None:
        return f"{_PERMISSION_VERBS[verb]}{model_class._meta.verbose_name}"
    return obj.name


@receiver(pre_save, sender=User)
@receiver(pre_save, sender=Profile)
def _remember_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    fields = USER_FIELDS if sender is User else PROFILE_FIELDS
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = _snapshot(old, fields) if old is not None else None
    if sender is User:
        instance._audit_password_changed = old is not None and old.password != instance.password
    else:
        _guard_role_change(instance, old.role if old is not None else "")


def _guard_role_change(profile: Any, old_role: str) -> None:
    """Backstop for every path a signed-in person could take (admin, a future page or API): no one changes
    their own role, and CONFIRMED_ROLES change only through a 安全管理员's confirmation (services)."""
    from newind.accounts.services import needs_confirmation

    if profile.role == old_role or getattr(profile, "_role_change_approved", False):
        return
    actor = current_user()
    if actor is None or not actor.is_authenticated:
        return  # the command line and code paths (demo, tests) have no signed-in person
    if actor.pk == profile.user_id:
        raise Forbidden("不能修改自己的角色：请由另一位系统管理员办理。")
    if needs_confirmation(old_role, profile.role):
        raise Forbidden("授予或取消审计员、安全管理员、市新型工业化办公室角色须经安全管理员确认：请通过用户管理页面提交申请。")


@receiver(post_save, sender=User)
def _user_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    after = _snapshot(instance, USER_FIELDS)
    if before == after and not getattr(instance, "_audit_password_changed", False):
        return  # e.g. last_login updated at each login: not a security change
    if not created and update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    changes = {k: after[k] for k in after if before is None or before.get(k) != after[k]}
    reset_by = None
    if getattr(instance, "_audit_password_changed", False):
        changes["password"] = "（已修改，不记录内容）"
        actor = current_user()
        if actor is not None and actor.is_authenticated and actor.pk != instance.pk:
            reset_by = actor
            # A password set by an administrator is an initial password: its owner must change it, and is
            # told who reset it and when (at the next sign-in and on the account page).
            Profile.objects.filter(user=instance).update(
                must_change_password=True, password_reset_by=_person(actor), password_reset_at=timezone.now())
    _actor_record("user.create" if created else "user.change", obj=instance, before=before, after=changes,
                  summary=f"{'新建' if created else '修改'}用户「{instance.get_username()}」。")
    if reset_by is not None:
        _actor_record("password.reset", obj=instance, after={"reset_by": _person(reset_by)},
                      summary=f"重置用户「{instance.get_username()}」的密码：该用户下次登录时会看到重置人和时间，并须修改密码。")


def _person(user: Any) -> str:
    from newind.accounts.access import role_of
    from newind.accounts.services import person_label

    role = role_of(user)
    return f"{role.label if role else '管理员'} {person_label(user)}"


@receiver(post_delete, sender=User)
def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _actor_record("user.delete", object_type="auth.user", object_id=instance.pk,
                  before=_snapshot(instance, USER_FIELDS), summary=f"删除用户「{instance.get_username()}」。")


@receiver(post_save, sender=Profile)
def _profile_saved(sender: Any, instance: Profile, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    after = _snapshot(instance, PROFILE_FIELDS)
    if before == after or getattr(instance, "_audited", False):
        return  # (role changes made by accounts.services audit themselves, naming requester and confirmer)
    _actor_record("role.assign" if created else "role.change", obj=instance, unit=instance.unit_id,
                  before=before, after=after,
                  summary=f"{'分配' if created else '修改'}用户「{instance.user.get_username()}」的角色为"
                          f"「{instance.get_role_display() or '未分配（待确认）'}」。")


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=Group.permissions.through)
def _permissions_changed(sender: Any, instance: Any, action: str, pk_set: Any, model: Any, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    names = sorted(_label(o) for o in model.objects.filter(pk__in=pk_set or []).select_related(
        *(["content_type"] if model is not Group else []))) if pk_set else []
    what = "组" if model is Group else "权限"
    verb = {"post_add": "增加", "post_remove": "移除", "post_clear": "清空"}[action]
    _actor_record("permission.change", obj=instance, after={"action": verb, "items": names},
                  summary=f"为「{instance}」{verb}{what}：{'、'.join(names) or '全部'}。")


@receiver(post_save, sender=Group)
def _group_saved(sender: Any, instance: Group, created: bool, **kwargs: Any) -> None:
    _actor_record("group.create" if created else "group.change", obj=instance,
                  after={"name": instance.name}, summary=f"{'新建' if created else '修改'}用户组「{instance.name}」。")


@receiver(post_save, sender=SecurityPolicy)
def _policy_saved(sender: Any, instance: SecurityPolicy, **kwargs: Any) -> None:
    # Saved through services.save_policy, which records before → after itself; saves from elsewhere
    # (the admin, a shell) are recorded here so no change goes unaudited.
    if current_request() is not None and current_request().path.startswith("/accounts/security"):  # type: ignore[union-attr]
        return
    from newind.accounts.policy import FIELDS

    _actor_record("settings.change", obj=instance, summary="安全策略被修改（非安全策略页面）。",
                  after={f: getattr(instance, f) for f in FIELDS})


@receiver(post_save, sender="admin.LogEntry")
def _admin_action(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every add, change or delete made in the admin (reference data, users, …) is audited."""
    if not created:
        return
    verb = {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, "other")
    label = instance.content_type.model_class()._meta.label_lower if instance.content_type_id else ""
    _actor_record(f"admin.{verb}", object_type=label, object_id=instance.object_id or "",
                  summary=f"后台{VERBS.get(verb, '操作')}「{instance.object_repr}」：{instance.get_change_message() or '—'}")


VERBS = {"add": "新增", "change": "修改", "delete": "删除"}
