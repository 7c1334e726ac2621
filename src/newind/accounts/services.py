"""Writes for accounts: creating users with a role, changing roles and passwords, TOTP enrolment."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newind.accounts.models import SCOPED_ROLES, Profile, Role
from newind.core.errors import AppError, Problem


def _unit_for(role: Role, unit_code: str | None) -> Any:
    from newind.units.queries import unit_by_code

    if role in SCOPED_ROLES:
        if not unit_code:
            raise AppError(f"角色「{role.label}」必须指定所属单位：请用 --unit 填写单位代码，例如 430621。")
        return unit_by_code(unit_code)
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


@transaction.atomic
def create_user(username: str, role: Role | str, *, password: str, unit_code: str | None = None,
                name: str = "", must_change_password: bool = True, actor: Any = None) -> Any:
    """Create a user with a role (and scope unit); the initial password must be changed at first login."""
    role = Role(role)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise AppError(f"用户名「{username}」已存在：请换一个用户名。")
    unit = _unit_for(role, unit_code)
    user = user_model(username=username, first_name=name, is_staff=role in {Role.SYSADMIN, Role.SECADMIN})
    check_password_policy(password, user)
    user.set_password(password)
    user.save()
    Profile.objects.create(user=user, role=role, unit=unit, must_change_password=must_change_password,
                           password_changed_at=None if must_change_password else timezone.now())
    return user


@transaction.atomic
def change_password(user: Any, new_password: str) -> None:
    """Set a new password that satisfies the policy and clear the forced-change flag."""
    check_password_policy(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # A superuser made by `createsuperuser` has no profile; there is no flag to clear then.
    Profile.objects.filter(user=user).update(must_change_password=False, password_changed_at=timezone.now())
