"""Forms of the accounts pages (login second factor, security policy)."""

from __future__ import annotations

from django import forms

from newind.accounts.policy import FIELDS


class TotpForm(forms.Form):
    code = forms.RegexField(label="动态口令", regex=r"^\s*\d{6}\s*$", max_length=8,
                            error_messages={"invalid": "动态口令是 6 位数字：请打开身份验证器应用，输入当前显示的 6 位数字。"},
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))

    def cleaned_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label="当前密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


# (min, max) of each policy field; the lower bounds keep the policy at or above the 等保 baseline.
POLICY_BOUNDS = {
    "failure_limit": (3, 10),
    "lockout_minutes": (5, 1440),
    "idle_timeout_minutes": (5, 120),
    "password_min_length": (8, 64),
    "password_min_classes": (2, 4),
    "password_max_age_days": (0, 365),
    "max_sessions_per_user": (0, 20),
}

POLICY_LABELS = {
    "failure_limit": "连续登录失败几次后锁定账号",
    "lockout_minutes": "锁定时长（分钟）",
    "idle_timeout_minutes": "空闲多久自动退出（分钟）",
    "password_min_length": "密码最小长度",
    "password_min_classes": "密码至少包含几类字符（大写、小写、数字、特殊字符）",
    "password_max_age_days": "密码有效期（天，0 表示不限）",
    "require_totp": "所有用户必须启用动态口令（双因素认证）",
    "max_sessions_per_user": "每个账号最多同时登录几个会话（0 表示不限，超过时结束最早的）",
}


class SecurityPolicyForm(forms.Form):
    """The five settings a 安全管理员 may change, each within bounds."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in FIELDS:
            if name == "require_totp":
                self.fields[name] = forms.BooleanField(label=POLICY_LABELS[name], required=False)
                continue
            low, high = POLICY_BOUNDS[name]
            self.fields[name] = forms.IntegerField(
                label=POLICY_LABELS[name], min_value=low, max_value=high,
                error_messages={"min_value": f"不能小于 {low}。", "max_value": f"不能大于 {high}。",
                                "invalid": "请填写整数。", "required": "此项必填。"})
