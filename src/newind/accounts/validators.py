"""Password validators driven by the security policy (length, character classes)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError

from newind.accounts import policy

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("特殊字符", lambda c: not c.isalnum() or not c.isascii()),
)


def character_classes(password: str) -> set[str]:
    """Which of the four classes (upper, lower, digit, other) the password uses."""
    return {name for name, test in CLASSES if any(test(c) for c in password)}


class PolicyLengthValidator:
    """At least `password_min_length` characters (from the security policy)."""

    def validate(self, password: str, user: Any = None) -> None:
        n = policy.current().password_min_length
        if len(password) < n:
            raise ValidationError(f"密码太短：至少需要 {n} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {policy.current().password_min_length} 个字符。"


class CharacterClassesValidator:
    """Uses at least `password_min_classes` of upper case, lower case, digits and other characters."""

    def validate(self, password: str, user: Any = None) -> None:
        need = policy.current().password_min_classes
        used = character_classes(password)
        if len(used) < need:
            missing = "、".join(name for name, _ in CLASSES if name not in used)
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、特殊字符中至少 {need} 类，目前只有 {len(used)} 类：请加入{missing}中的字符。",
                code="password_too_simple")

    def get_help_text(self) -> str:
        need = policy.current().password_min_classes
        return f"密码须包含大写字母、小写字母、数字、特殊字符中至少 {need} 类。"


class PasswordHistoryValidator:
    """Not one of the user's last NEWIND_PASSWORD_HISTORY passwords (the current one included).

    Django calls `validate` before a password is set and `password_changed` after it is saved (the user's
    own change, an administrator's reset, a new user); hash upgrades at login are not password changes.
    """

    @staticmethod
    def keep() -> int:
        from django.conf import settings

        return int(getattr(settings, "NEWIND_PASSWORD_HISTORY", 5))

    def validate(self, password: str, user: Any = None) -> None:
        from django.contrib.auth.hashers import check_password

        from newind.accounts.models import PasswordHistory

        n = self.keep()
        if user is None or user.pk is None or n <= 0:
            return
        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:n])
        current = user.__class__.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        for encoded in dict.fromkeys([h for h in (current, *hashes) if h]):
            if check_password(password, encoded):
                raise ValidationError(f"新密码不能与最近 {n} 次使用过的密码相同：请换一个没有用过的密码。",
                                      code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        from newind.accounts.models import PasswordHistory

        n = self.keep()
        if user is None or user.pk is None or n <= 0:
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[n:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return f"不能与最近 {self.keep()} 次使用过的密码相同。"
