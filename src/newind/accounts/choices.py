"""The platform's roles and the groups of them, written once: models, access and the calc tables share them."""

from __future__ import annotations

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
    # A city department (市直部门) handling the cases assigned to it; its unit is a department unit.
    DEPARTMENT = "department", "市直部门用户"


# Roles whose scope is one unit and its descendants in the admin hierarchy.
# (Built from the values so type checkers, which see no Django stubs here, know these hold Role members.)
SCOPED_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("reporter", "reviewer", "enterprise", "department"))
# Roles that manage the system itself and do not read business figures (三员分立).
ADMIN_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("sysadmin", "secadmin", "auditor"))
# Roles that work with figures. (Not 市直部门用户: a department sees the cases assigned to it and nothing else,
# issue 11 §2 — no figures, no registry, no reports; see accounts.access, 「cases」.)
BUSINESS_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("office", "leader", "reporter", "reviewer",
                                                               "enterprise"))
# Roles whose grant or removal needs a second person, the 安全管理员, to confirm it (two-person rule): the
# auditor reads the whole log, the security admin confirms role changes, the office reads every figure.
CONFIRMED_ROLES: frozenset[Role] = frozenset(Role(v) for v in ("auditor", "secadmin", "office"))


# Roles whose unit must be of one kind: a department user's unit is a city department (市直部门).
ROLE_UNIT_KINDS: dict[str, str] = {"department": "department"}


class RoleChangeStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已驳回"
