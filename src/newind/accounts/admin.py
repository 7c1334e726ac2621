"""Users and their roles in the admin (系统管理员). Role changes are audited by signals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponse

from newind.accounts.models import Profile
from newind.core.errors import AppError
from newind.core.redirects import safe_next_url

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("role", "unit", "must_change_password", "totp_enabled")
    readonly_fields = ("totp_enabled",)
    autocomplete_fields = ()
    extra = 1
    max_num = 1


class NewindUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "role_label", "unit_label", "is_active", "last_login")
    list_filter = ("is_active", "profile__role")

    @admin.display(description="角色")
    def role_label(self, obj: Any) -> str:
        profile = Profile.objects.filter(user=obj).first()
        return profile.get_role_display() if profile else "—"

    @admin.display(description="所属单位")
    def unit_label(self, obj: Any) -> str:
        profile = Profile.objects.filter(user=obj).select_related("unit").first()
        return profile.unit.name if profile and profile.unit else "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, NewindUserAdmin)


def admin_login_redirect(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin signs in through the platform's login (lock-out, second factor, forced password change)."""
    from django.contrib.auth.views import redirect_to_login

    if request.user.is_authenticated:
        # Signed in but not allowed in the admin: say so, instead of the admin's own login form.
        raise AppError("后台管理仅限系统管理员（用户与角色）和审计员（只读审计日志）使用：如需开通，请联系系统管理员。",
                       status=403, code="forbidden")
    return redirect_to_login(safe_next_url(request, "/admin/"))


admin.site.login = admin_login_redirect  # type: ignore[method-assign]
