"""The nightly job that disables accounts unused for 90 days (等保: 及时停用过期账户), seen by the 安全管理员."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newind.audit.models import AuditEntry
from newind.jobs.models import JobRun
from newind.jobs.registry import enqueue

pytestmark = pytest.mark.django_db


def test_the_job_disables_accounts_unused_for_90_days_once(cast, client_as, settings,
                                                          django_capture_on_commit_callbacks):
    settings.NEWIND_INACTIVE_DAYS = 90
    users = get_user_model().objects
    users.filter(username="yx_rep").update(last_login=timezone.now() - dt.timedelta(days=91))
    users.filter(username="leader").update(last_login=timezone.now() - dt.timedelta(days=89))
    users.exclude(username__in=["yx_rep", "leader"]).update(date_joined=timezone.now())
    for _ in range(2):  # a second run changes nothing (idempotent)
        with django_capture_on_commit_callbacks(execute=True):
            enqueue("accounts.disable_inactive")
    first, second = JobRun.objects.filter(job="accounts.disable_inactive").order_by("id")
    assert first.summary == "停用超过 90 天未登录的账号 1 个：yx_rep。" and first.state == "succeeded"
    assert second.summary == "停用超过 90 天未登录的账号 0 个。"
    assert not users.get(username="yx_rep").is_active and users.get(username="leader").is_active
    change = AuditEntry.objects.filter(action="user.change", object_id=str(cast.yx_rep.pk)).latest("id")
    assert change.after == {"is_active": False}
    assert AuditEntry.objects.filter(action="job.succeeded", object_id=str(first.pk)).exists()
    # The security admin sees the run on the jobs page (it is a security job); so does the office.
    for name in ("secadmin", "office"):
        page = client_as(name).get("/jobs/").content.decode()
        assert "停用长期未登录的账号" in page and "yx_rep" in page, name


def test_a_change_made_by_the_platform_itself_names_the_system_and_permissions_in_chinese(cast):
    # Outside a page and a `newind` command (a background job, a migration) the actor is the system.
    from django.contrib.auth.models import Group, Permission

    user = get_user_model().objects.get(username="leader")
    user.user_permissions.add(Permission.objects.get(codename="view_user"),
                              Permission.objects.get(codename="change_group"))
    entry = AuditEntry.objects.filter(action="permission.change", object_id=str(user.pk)).latest("id")
    assert (entry.actor, entry.actor_role) == ("系统", "")
    assert entry.after == {"action": "增加", "items": ["修改组", "查看用户"]}
    assert entry.summary == f"为「{user}」增加权限：修改组、查看用户。"
    group = Group.objects.create(name="数据核查组")
    user.groups.add(group)
    assert AuditEntry.objects.filter(action="permission.change").latest("id").after["items"] == ["数据核查组"]
