"""三员分立 in the admin: role changes need two people, no one changes their own role, resets are visible.

The permission matrix (test_permission_matrix.py) has a row per role change and cast member; here are the
stories behind it, page and database both.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from newind.accounts.models import Profile, RoleChangeRequest
from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from tests.accounts.test_permission_matrix import admin_change_post

pytestmark = pytest.mark.django_db


def test_the_office_role_given_by_the_system_admin_takes_effect_only_when_the_security_admin_confirms(
        client_as, cast) -> None:  # type: ignore[no-untyped-def]
    sysadmin = client_as("sysadmin")
    response = sysadmin.post(f"/admin/auth/user/{cast.yx_rep.pk}/change/", admin_change_post(cast.yx_rep, "office"),
                             follow=True)
    assert response.status_code == 200 and "须经安全管理员确认" in response.content.decode()
    rcr = RoleChangeRequest.objects.get()
    assert (rcr.old_role, rcr.new_role, rcr.status, rcr.requested_by_id) == ("reporter", "office", "pending",
                                                                            cast.sysadmin.pk)
    # Nothing has changed yet: 云溪区填报员 still cannot open another county's unpublished report.
    assert Profile.objects.get(user=cast.yx_rep).role == "reporter"
    page = sysadmin.get(f"/admin/auth/user/{cast.yx_rep.pk}/change/").content.decode()
    assert "待安全管理员确认" in page
    assert AuditEntry.objects.filter(action="role.request", actor="sysadmin").exists()

    secadmin = client_as("secadmin")
    page = secadmin.get("/accounts/roles/").content.decode()
    assert "yx_rep" in page and "市新型工业化办公室（全市）" in page and "系统管理员（sysadmin）" in page
    assert secadmin.post(f"/accounts/roles/{rcr.pk}/confirm/").status_code == 302
    assert Profile.objects.get(user=cast.yx_rep).role == "office"
    rcr.refresh_from_db()
    assert rcr.status == "confirmed" and rcr.decided_by_id == cast.secadmin.pk
    entry = AuditEntry.objects.filter(action="role.change", object_id=str(cast.yx_rep.profile.pk)).latest("id")
    assert entry.actor == "secadmin"
    assert entry.after["requested_by"] == "系统管理员（sysadmin）"
    assert entry.after["confirmed_by"] == "安全管理员（secadmin）"
    assert "系统管理员（sysadmin）提交" in entry.summary and "安全管理员（secadmin）确认" in entry.summary
    # Confirming twice is refused.
    assert secadmin.post(f"/accounts/roles/{rcr.pk}/confirm/").status_code == 409


def test_a_rejected_request_changes_nothing_and_keeps_the_reason(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client_as("sysadmin").post(f"/admin/auth/user/{cast.leader.pk}/change/", admin_change_post(cast.leader, "auditor"))
    rcr = RoleChangeRequest.objects.get()
    response = client_as("secadmin").post(f"/accounts/roles/{rcr.pk}/reject/", {"note": "未见书面审批"})
    assert response.status_code == 302
    rcr.refresh_from_db()
    assert rcr.status == "rejected" and rcr.note == "未见书面审批"
    assert Profile.objects.get(user=cast.leader).role == "leader"
    entry = AuditEntry.objects.filter(action="role.reject").latest("id")
    assert entry.actor == "secadmin" and "未见书面审批" in entry.summary and "系统管理员（sysadmin）提交" in entry.summary


def test_a_security_admin_cannot_confirm_a_change_of_his_own_role(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client_as("sysadmin").post(f"/admin/auth/user/{cast.secadmin.pk}/change/",
                               admin_change_post(cast.secadmin, "office"))
    rcr = RoleChangeRequest.objects.get()
    page = client_as("secadmin").get("/accounts/roles/").content.decode()
    assert "须由另一位安全管理员确认" in page
    response = client_as("secadmin").post(f"/accounts/roles/{rcr.pk}/confirm/")
    assert response.status_code == 403 and "另一位安全管理员" in response.content.decode()
    assert Profile.objects.get(user=cast.secadmin).role == "secadmin"
    assert RoleChangeRequest.objects.get().status == "pending"


def test_a_second_request_for_the_same_user_waits_for_the_first(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    sysadmin = client_as("sysadmin")
    sysadmin.post(f"/admin/auth/user/{cast.leader.pk}/change/", admin_change_post(cast.leader, "auditor"))
    response = sysadmin.post(f"/admin/auth/user/{cast.leader.pk}/change/", admin_change_post(cast.leader, "office"))
    assert response.status_code == 409 and "已有一项待安全管理员确认" in response.content.decode()
    assert list(RoleChangeRequest.objects.values_list("new_role", flat=True)) == ["auditor"]


def test_an_ordinary_role_change_takes_effect_at_once_and_is_audited(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    from newind.units.models import Unit

    unit = Unit.objects.get(code="430621")
    response = client_as("sysadmin").post(f"/admin/auth/user/{cast.yyx_rep.pk}/change/",
                                          admin_change_post(cast.yyx_rep, "reviewer", unit.pk))
    assert response.status_code == 302
    assert Profile.objects.get(user=cast.yyx_rep).role == "reviewer"
    entry = AuditEntry.objects.filter(action="role.change").latest("id")
    assert entry.actor == "sysadmin" and entry.before["role"] == "reporter" and entry.after["role"] == "reviewer"
    assert not RoleChangeRequest.objects.exists()
    # A scoped role without a unit is refused beside the field, in Chinese.
    response = client_as("sysadmin").post(f"/admin/auth/user/{cast.yyx_rep.pk}/change/",
                                          admin_change_post(cast.yyx_rep, "reporter", ""))
    assert response.status_code == 200 and "必须指定所属单位" in response.content.decode()
    assert Profile.objects.get(user=cast.yyx_rep).role == "reviewer"


def test_a_new_user_with_a_confirmed_role_has_no_role_until_confirmed(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    data = {"username": "newaudit", "first_name": "新审计员", "password1": "Matrix-Pass-2017",
            "password2": "Matrix-Pass-2017", "usable_password": "true", "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "0", "profile-MAX_NUM_FORMS": "1",
            "profile-0-role": "auditor", "profile-0-unit": "", "profile-0-must_change_password": "on"}
    assert client_as("sysadmin").post("/admin/auth/user/add/", data).status_code == 302
    new = get_user_model().objects.get(username="newaudit")
    assert new.profile.role == "" and not new.is_staff
    assert RoleChangeRequest.objects.get().new_role == "auditor"
    Profile.objects.filter(user=new).update(must_change_password=False)
    client = Client()
    client.force_login(new)
    assert client.get("/audit/").status_code == 403
    client_as("secadmin").post(f"/accounts/roles/{RoleChangeRequest.objects.get().pk}/confirm/")
    new.refresh_from_db()
    assert new.profile.role == "auditor" and new.is_staff
    assert AuditEntry.objects.filter(action="role.assign", object_id=str(new.profile.pk)).latest("id").after[
        "confirmed_by"] == "安全管理员（secadmin）"


def test_the_backstop_refuses_an_unconfirmed_grant_from_any_signed_in_path(cast, rf) -> None:  # type: ignore[no-untyped-def]
    """A page or API written later that saves a Profile directly still cannot skip the confirmation."""
    from newind.audit.context import _request

    request = rf.post("/somewhere/")
    request.user = cast.sysadmin
    token = _request.set(request)
    try:
        profile = Profile.objects.get(user=cast.leader)
        profile.role = "office"
        with pytest.raises(AppError, match="须经安全管理员确认"):
            profile.save()
        mine = Profile.objects.get(user=cast.sysadmin)
        mine.role = "leader"
        with pytest.raises(AppError, match="不能修改自己的角色"):
            mine.save()
    finally:
        _request.reset(token)
    assert Profile.objects.get(user=cast.leader).role == "leader"


def test_the_admin_shows_the_system_admin_no_superuser_staff_or_permission_switches(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client = client_as("sysadmin")
    for url in (f"/admin/auth/user/{cast.yx_rep.pk}/change/", "/admin/auth/user/add/", "/admin/"):
        page = client.get(url).content.decode()
        for hidden in ("超级用户状态", "工作人员状态", "用户权限", 'name="groups"', 'name="user_permissions"',
                       "is_superuser", "is_staff", "/admin/auth/group/", "Django 站点管理员"):
            assert hidden not in page, (url, hidden)
        # (no navigation sidebar, whose screen-reader labels Django leaves in English)
        assert 'id="nav-sidebar"' not in page, url
    assert "角色与所属单位" in client.get(f"/admin/auth/user/{cast.yx_rep.pk}/change/").content.decode()
    assert client.get("/admin/auth/group/").status_code == 404
    # Posting the switches anyway changes nothing.
    data = admin_change_post(cast.yx_rep, "reporter", cast.yx_rep.profile.unit_id)
    data.update({"is_superuser": "on", "is_staff": "on"})
    assert client.post(f"/admin/auth/user/{cast.yx_rep.pk}/change/", data).status_code == 302
    cast.yx_rep.refresh_from_db()
    assert not cast.yx_rep.is_superuser and not cast.yx_rep.is_staff


def test_the_system_admin_cannot_delete_a_user_holding_a_confirmed_role_or_himself(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    client = client_as("sysadmin")
    for who in ("auditor", "secadmin", "office", "sysadmin"):
        user = getattr(cast, who)
        assert client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"}).status_code == 403, who
        assert get_user_model().objects.filter(pk=user.pk).exists()


def test_a_password_reset_by_the_system_admin_is_shown_to_the_user_at_the_next_sign_in(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    response = client_as("sysadmin").post(f"/admin/auth/user/{cast.yx_rep.pk}/password/", {
        "password1": "Reset-Pass-2017", "password2": "Reset-Pass-2017", "usable_password": "true"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=cast.yx_rep)
    assert profile.must_change_password and profile.password_reset_by == "系统管理员 系统管理员（sysadmin）"
    assert AuditEntry.objects.filter(action="password.reset", actor="sysadmin",
                                     object_id=str(cast.yx_rep.pk)).exists()
    # The reset cannot be made quiet by clearing the forced change in the admin.
    data = admin_change_post(cast.yx_rep, "reporter", profile.unit_id)
    response = client_as("sysadmin").post(f"/admin/auth/user/{cast.yx_rep.pk}/change/", data)
    assert response.status_code == 200 and "须由本人登录后修改" in response.content.decode()
    assert Profile.objects.get(user=cast.yx_rep).must_change_password

    client = Client()
    client.post("/accounts/login/", {"username": "yx_rep", "password": "Reset-Pass-2017"})
    page = client.get("/accounts/password/").content.decode()
    when = f"{profile.password_reset_at.astimezone().strftime('%Y')}年"
    assert "您的密码已于" in page and when in page and "被系统管理员 系统管理员（sysadmin）重置" in page
    assert client.get("/benchmark/").status_code == 302  # must change it first
    client.post("/accounts/password/", {"old_password": "Reset-Pass-2017", "new_password1": "Yueyang#Good7",
                                        "new_password2": "Yueyang#Good7"})
    page = client.get("/accounts/me/").content.decode()
    assert "由系统管理员 系统管理员（sysadmin）重置" in page


def test_the_system_admin_cannot_reset_the_security_admins_password(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    before = get_user_model().objects.get(pk=cast.secadmin.pk).password
    response = client_as("sysadmin").post(f"/admin/auth/user/{cast.secadmin.pk}/password/", {
        "password1": "Reset-Pass-2017", "password2": "Reset-Pass-2017", "usable_password": "true"})
    assert response.status_code == 403 and "安全管理员的密码不能由系统管理员重置" in response.content.decode()
    assert get_user_model().objects.get(pk=cast.secadmin.pk).password == before


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_cannot_grant_a_confirmed_role_without_the_security_admin(cast) -> None:  # type: ignore[no-untyped-def]
    text = _cli("add", "clioffice", "--role", "office", "--name", "命令行办公室")
    assert "须经安全管理员确认" in text
    user = get_user_model().objects.get(username="clioffice")
    assert user.profile.role == ""
    rcr = RoleChangeRequest.objects.get(user=user)
    assert rcr.new_role == "office" and rcr.requested_by_name == "命令行" and rcr.requested_by_id is None
    # An ordinary role is given at once.
    _cli("add", "clileader", "--role", "leader")
    assert get_user_model().objects.get(username="clileader").profile.role == "leader"


def test_the_first_security_admin_is_created_directly_from_the_command_line(reference_data) -> None:  # type: ignore[no-untyped-def]
    _cli("add", "anquan1", "--role", "secadmin")
    assert get_user_model().objects.get(username="anquan1").profile.role == "secadmin"
    _cli("add", "anquan2", "--role", "secadmin")
    assert get_user_model().objects.get(username="anquan2").profile.role == ""
    assert RoleChangeRequest.objects.get().user.username == "anquan2"
