"""People and roles: one profile per Django user carrying its role, its scope unit and login state."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The roles and their groups are written once, in choices.py (access, calc tables and models share them);
# imported here under their own names because access and older callers read them from models.
from newind.accounts.choices import ADMIN_ROLES as ADMIN_ROLES
from newind.accounts.choices import BUSINESS_ROLES as BUSINESS_ROLES
from newind.accounts.choices import CONFIRMED_ROLES as CONFIRMED_ROLES
from newind.accounts.choices import ROLE_UNIT_KINDS as ROLE_UNIT_KINDS
from newind.accounts.choices import SCOPED_ROLES as SCOPED_ROLES
from newind.accounts.choices import Role as Role
from newind.accounts.choices import RoleChangeStatus as RoleChangeStatus


class Profile(models.Model):
    """A user's role and scope, plus the login state the security rules need."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
                                verbose_name="用户")
    # Blank only while a new user's first role waits for the 安全管理员's confirmation (no access meanwhile).
    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="所属单位",
                             help_text="填报员、审核员和企业用户必填：可访问该单位及其下级单位。")
    must_change_password = models.BooleanField("首次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Encrypted (accounts.crypto, a Fernet token); the key is outside the database.
    totp_secret = models.CharField("动态口令密钥（加密）", max_length=255, blank=True, default="")
    totp_enabled = models.BooleanField("已启用动态口令", default=False)
    # The 30-second step of the last accepted code: the same code cannot be used twice (replay).
    totp_last_step = models.BigIntegerField("最近使用的动态口令时段", null=True, blank=True)
    # Who last reset this user's password (an administrator), and when: shown to the user at the next
    # sign-in and on their account page, so a reset cannot be used quietly.
    password_reset_by = models.CharField("密码重置人", max_length=200, blank=True)
    password_reset_at = models.DateTimeField("密码重置时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display() or '未分配角色'}）"


class SecurityPolicy(models.Model):
    """The security settings a 安全管理员 may change (one row). Defaults come from NEWIND_* settings."""

    failure_limit = models.PositiveSmallIntegerField("连续登录失败锁定次数")
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）")
    idle_timeout_minutes = models.PositiveSmallIntegerField("空闲超时（分钟）")
    password_min_length = models.PositiveSmallIntegerField("密码最小长度")
    password_min_classes = models.PositiveSmallIntegerField(
        "密码至少包含的字符类别数", help_text="大写字母、小写字母、数字、特殊字符四类中至少几类（1–4）。")
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）", default=90, help_text="超过天数须修改密码；0 表示不限。")
    require_totp = models.BooleanField("所有用户必须启用动态口令", default=False)
    max_sessions_per_user = models.PositiveSmallIntegerField(
        "每个账号最多同时登录的会话数", default=0, help_text="超过时结束最早的会话；0 表示不限。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.CharField("修改人", max_length=150, blank=True)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self) -> str:
        return "安全策略"


class LoginSession(models.Model):
    """One signed-in session (the server-side session row is Django's); lets a 安全管理员 list and end it."""

    session_key = models.CharField("会话标识", max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions",
                             verbose_name="用户")
    ip = models.CharField("来源地址", max_length=64, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    started_at = models.DateTimeField("登录时间", auto_now_add=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    ended_reason = models.CharField("结束原因", max_length=32, blank=True)
    ended_by = models.CharField("结束人", max_length=150, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class RoleChangeRequest(models.Model):
    """A role change that needs the 安全管理员's confirmation (CONFIRMED_ROLES); nothing changes before it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_requests",
                             verbose_name="用户")
    old_role = models.CharField("原角色", max_length=16, choices=Role.choices, blank=True)
    old_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="原所属单位")
    new_role = models.CharField("新角色", max_length=16, choices=Role.choices)
    new_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="新所属单位")
    status = models.CharField("状态", max_length=16, choices=RoleChangeStatus.choices,
                              default=RoleChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="提交人")
    # The requester as shown (username and name, or 命令行 for the server's command line).
    requested_by_name = models.CharField("提交人", max_length=200)
    requested_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="确认人")
    decided_by_name = models.CharField("确认人", max_length=200, blank=True)
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("驳回理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "角色变更申请"
        verbose_name_plural = "角色变更申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one pending request per user: a second one would race the first.
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                    name="one_pending_role_request_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}：{self.old_role_label} → {self.new_role_label}"

    @property
    def old_role_label(self) -> str:
        return role_label(self.old_role, self.old_unit)

    @property
    def new_role_label(self) -> str:
        return role_label(self.new_role, self.new_unit)


def role_label(role: str, unit: object = None) -> str:
    """「单位填报员（岳阳县）」, 「市领导」, or 「未分配」 for a blank role."""
    if not role:
        return "未分配"
    label = str(Role(role).label)
    name = getattr(unit, "name", None)
    return f"{label}（{name}）" if name else label


class RateCounter(models.Model):
    """Requests from one client address in one time window (accounts.throttle). Kept in the database so
    every server process (gunicorn workers) counts against the same limit."""

    scope = models.CharField("类别", max_length=16)
    key = models.CharField("来源地址", max_length=64)
    window = models.BigIntegerField("时间窗编号")  # unix time // window length
    count = models.PositiveIntegerField("已处理次数", default=0)
    refused = models.PositiveIntegerField("已拒绝次数", default=0)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"
        constraints = [models.UniqueConstraint(fields=["scope", "key", "window"], name="one_rate_counter_per_window")]
        indexes = [models.Index(fields=["scope", "window"], name="rate_counter_scope_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} {self.window}: {self.count}"


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords (NEWIND_PASSWORD_HISTORY, default 5): none may be used again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history",
                             verbose_name="用户")
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-id"]  # newest first

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
