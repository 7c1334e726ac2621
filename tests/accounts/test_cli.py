"""`newind user add|list|disable-inactive`: initial passwords, scope checks, and stopping idle accounts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from newind.accounts.models import Profile
from newind.audit.models import AuditEntry
from newind.core.errors import AppError

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def test_user_add_creates_a_scoped_reporter_with_a_random_initial_password(reference_data) -> None:  # type: ignore[no-untyped-def]
    text = run("add", "zhangsan", "--role", "reporter", "--unit", "430621", "--name", "张三")
    assert "已新建用户「zhangsan」（单位填报员，单位 430621）" in text
    password = text.split("初始密码（只显示这一次）：")[1].split()[0]
    user = get_user_model().objects.get(username="zhangsan")
    assert user.check_password(password) and user.first_name == "张三"
    assert user.profile.unit.code == "430621" and user.profile.must_change_password
    assert AuditEntry.objects.filter(action="user.add.cli", object_id=str(user.pk)).exists()
    assert "zhangsan\t张三\t单位填报员\t岳阳县\t启用\t从未登录" in run("list")


@pytest.mark.parametrize(("args", "message"), [
    (["add", "x1", "--role", "reporter"], "必须指定所属单位"),
    (["add", "x2", "--role", "leader", "--unit", "430621"], "不限定单位"),
    (["add", "x3", "--role", "office", "--password", "abc"], "密码不符合安全策略"),
    (["add", "x4", "--role", "reviewer", "--unit", "999999"], "未找到单位「999999」"),
])
def test_user_add_refuses_bad_input_in_chinese(reference_data, args, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError) as exc:
        run(*args)
    assert message in exc.value.full_text()
    assert not get_user_model().objects.filter(username=args[1]).exists()


def test_disable_inactive_stops_accounts_unused_for_90_days(cast) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - dt.timedelta(days=120)
    get_user_model().objects.filter(username="yx_rep").update(last_login=old)
    get_user_model().objects.filter(username="leader").update(last_login=timezone.now())
    get_user_model().objects.exclude(username__in=["yx_rep", "leader"]).update(date_joined=timezone.now())
    assert "共 1 个账号" in run("disable-inactive", "--days", "90", "--dry-run")
    assert get_user_model().objects.get(username="yx_rep").is_active
    assert "已停用 1 个" in run("disable-inactive", "--days", "90")
    assert not get_user_model().objects.get(username="yx_rep").is_active
    entry = AuditEntry.objects.filter(action="user.change", object_id=str(cast.yx_rep.pk)).latest("id")
    # Audited as the command line and the OS account running it (tests/audit/test_cli_actor.py).
    assert entry.after == {"is_active": False} and entry.actor.startswith("cli:") and entry.actor_name == "命令行"
    assert Profile.objects.filter(user__username="yx_rep").exists()
