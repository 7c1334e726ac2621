"""Users and their roles in the admin (系统管理员).

What the 系统管理员 sees is kept to users, names, active state and one role with its unit: no superuser or
staff switches and no raw permission or group lists (access goes by role, in `accounts.access`). Role
changes go through `accounts.services.change_role`: nobody changes their own role, and granting or removing
审计员, 安全管理员 or 市新型工业化办公室 becomes a request that a 安全管理员 confirms (two people).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse

from newind.accounts.models import SCOPED_ROLES, Profile, Role, RoleChangeRequest, RoleChangeStatus
from newind.accounts.services import unit_kind_problem
from newind.core.errors import Forbidden
from newind.core.redirects import safe_next_url

User = get_user_model()


class ProfileForm(forms.ModelForm):
    """One role and, for scoped roles, one unit; checked here so the admin shows the error beside the field."""

    class Meta:
        model = Profile
        fields = ("role", "unit", "must_change_password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].required = True
            self.fields["role"].error_messages["required"] = "请选择角色。"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.instance.must_change_password and not data.get("must_change_password"):
            # A password an administrator set (or reset) is changed by its owner: clearing the flag would let
            # the reset be used quietly.
            self.add_error("must_change_password", "不能取消：该用户当前的密码由管理员设置，须由本人登录后修改。")
        role, unit = data.get("role"), data.get("unit")
        if "role" in self.fields and role:
            if role in SCOPED_ROLES and unit is None:
                self.add_error("unit", f"角色「{Role(role).label}」必须指定所属单位。")
            if role not in SCOPED_ROLES and unit is not None:
                self.add_error("unit", f"角色「{Role(role).label}」不限定单位：请清空所属单位。")
            problem = unit_kind_problem(role, unit)
            if problem:
                self.add_error("unit", problem)
        return data


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    fields = ("role", "unit", "pending_change", "must_change_password", "totp_enabled")
    readonly_fields = ("pending_change", "totp_enabled")
    extra = 1
    max_num = 1
    verbose_name = verbose_name_plural = "角色与所属单位"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # No one changes their own role (not even to a role that needs no confirmation).
            fields += ["role", "unit"]
        return fields

    @admin.display(description="待确认的角色变更")
    def pending_change(self, profile: Profile) -> str:
        rcr = RoleChangeRequest.objects.filter(user_id=profile.user_id, status=RoleChangeStatus.PENDING).first()
        if rcr is None:
            return "无"
        return (f"{rcr.old_role_label} → {rcr.new_role_label}（{rcr.requested_by_name}于"
                f"{rcr.requested_at:%Y-%m-%d %H:%M}提交，待安全管理员确认，确认前不生效）")


class NewindUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "role_label", "unit_label", "is_active", "last_login")
    list_filter = ("is_active", "profile__role")
    search_fields = ("username", "first_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "email")}),
        ("账号状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "usable_password", "password1",
                                                  "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()

    @admin.display(description="角色")
    def role_label(self, obj: Any) -> str:
        profile = Profile.objects.filter(user=obj).first()
        if profile is None:
            return "—"
        pending = RoleChangeRequest.objects.filter(user=obj, status=RoleChangeStatus.PENDING).exists()
        return (profile.get_role_display() or "未分配") + ("（有待确认的变更）" if pending else "")

    @admin.display(description="所属单位")
    def unit_label(self, obj: Any) -> str:
        profile = Profile.objects.filter(user=obj).select_related("unit").first()
        return profile.unit.name if profile and profile.unit else "—"

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        # Deleting several users at once would bypass the per-user checks below; deactivate instead.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            from newind.accounts.access import role_of
            from newind.accounts.models import CONFIRMED_ROLES

            # Deleting the user would remove a confirmed role without the 安全管理员; and nobody deletes himself.
            if obj.pk == request.user.pk or role_of(obj) in CONFIRMED_ROLES:
                return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Profile:
            super().save_formset(request, form, formset, change)
            return
        from newind.accounts import services

        for profile in formset.save(commit=False):
            profile.user = form.instance
            wanted = (profile.role, profile.unit)
            old = Profile.objects.filter(pk=profile.pk).select_related("unit").first() if profile.pk else None
            current = (old.role, old.unit) if old is not None else ("", None)
            # The role itself is changed by the service (or waits for confirmation); other fields save now.
            profile.role, profile.unit = current
            if old is None:
                profile._audited = True  # type: ignore[attr-defined]  # the first role is audited as role.assign
            profile.save()
            if wanted == current:
                continue
            pending = services.change_role(form.instance, wanted[0], wanted[1], actor=request.user, request=request)
            if pending is not None:
                self.message_user(request, f"角色变更（{pending.old_role_label} → {pending.new_role_label}）须经安全管理员"
                                           "确认：已提交申请，确认前不生效。", messages.WARNING)
        formset.save_m2m()

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        from newind.accounts.access import role_of

        target = User.objects.filter(pk=id).first()
        if target is not None and target.pk != request.user.pk and role_of(target) == Role.SECADMIN:
            # The 安全管理员 confirms the 系统管理员's role changes: a reset would let one person act as both.
            raise Forbidden("安全管理员的密码不能由系统管理员重置（否则一个人就能同时提交和确认角色变更）："
                           "请安全管理员本人修改密码；忘记密码时，请按单位规定由运维人员在服务器上重置并登记。")
        return super().user_change_password(request, id, form_url)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, NewindUserAdmin)
# Groups carry raw Django permissions (English codenames); access here goes by role, so they are not shown.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


def admin_login_redirect(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin signs in through the platform's login (lock-out, second factor, forced password change)."""
    from django.contrib.auth.views import redirect_to_login

    if request.user.is_authenticated:
        # Signed in but not allowed in the admin: say so, instead of the admin's own login form.
        raise Forbidden("后台管理仅限系统管理员（用户与角色）和审计员（只读审计日志）使用：如需开通，请联系系统管理员。")
    return redirect_to_login(safe_next_url(request, "/admin/"))


admin.site.login = admin_login_redirect  # type: ignore[method-assign]
# Chinese titles instead of "Django 站点管理员"; no navigation sidebar (its screen-reader labels are English).
admin.site.site_header = admin.site.site_title = "新型工业化推进平台 后台管理"
admin.site.index_title = "后台管理"
admin.site.enable_nav_sidebar = False
