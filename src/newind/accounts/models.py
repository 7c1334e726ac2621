"""People and roles: one profile per Django user carrying its role, its scope unit and login state."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """The platform's roles. The first three are kept separate (三员分立) and see no business data."""

    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计员"
    OFFICE = "office", "市新型工业化办公室（全市）"
    LEADER = "leader", "市领导"
    REPORTER = "reporter", "单位填报员"
    REVIEWER = "reviewer", "单位审核员"
    ENTERPRISE = "enterprise", "企业用户"


# Roles whose scope is one unit and its descendants in the admin hierarchy.
# (Built from the values so type checkers, which see no Django stubs here, know these hold Role members.)
SCOPED_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("reporter", "reviewer", "enterprise"))
# Roles that manage the system itself and do not read business figures (三员分立).
ADMIN_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("sysadmin", "secadmin", "auditor"))
# Roles that work with figures.
BUSINESS_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("office", "leader", "reporter", "reviewer",
                                                               "enterprise"))


class Profile(models.Model):
    """A user's role and scope, plus the login state the security rules need."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
                                verbose_name="用户")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="所属单位",
                             help_text="填报员、审核员和企业用户必填：可访问该单位及其下级单位。")
    must_change_password = models.BooleanField("首次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    totp_secret = models.CharField("动态口令密钥", max_length=64, blank=True, default="")
    totp_enabled = models.BooleanField("已启用动态口令", default=False)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"
