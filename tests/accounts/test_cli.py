"""`newind user add|list|disable-inactive`: initial passwords, scope checks, and stopping idle accounts."""

from __future__ import annotations

import datetime as dt
import getpass
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from newind.accounts.models import Profile
from newind.audit.models import AuditEntry
from newind.core.errors import AppError

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    call_command("user", *args, stdout=out, **({"stdin": io.StringIO(stdin)} if stdin is not None else {}))
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
    (["add", "x3", "--role", "office", "--password", "Yueyang#Good7"], "不能把密码写在命令行参数里"),
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


def test_a_password_is_read_from_stdin_and_checked_against_the_policy(reference_data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError) as exc:
        run("add", "weak", "--role", "leader", "--password-stdin", stdin="abc\n")
    assert "密码不符合安全策略" in exc.value.full_text()
    assert not get_user_model().objects.filter(username="weak").exists()
    text = run("add", "lisi", "--role", "leader", "--password-stdin", stdin="Yueyang#Good7\n")
    user = get_user_model().objects.get(username="lisi")
    assert user.check_password("Yueyang#Good7") and "Yueyang#Good7" not in text  # not echoed
    assert user.profile.must_change_password


def test_a_password_is_typed_twice_at_a_prompt(reference_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.management.commands import user as command

    typed = iter(["Yueyang#Good7", "Yueyang#Good8"])
    monkeypatch.setattr(command.getpass, "getpass", lambda prompt="": next(typed))
    with pytest.raises(AppError, match="两次输入的密码不一致"):
        run("add", "wangwu", "--role", "leader", "--ask-password")
    assert not get_user_model().objects.filter(username="wangwu").exists()
    typed = iter(["Yueyang#Good7", "Yueyang#Good7"])
    run("add", "wangwu", "--role", "leader", "--ask-password")
    assert get_user_model().objects.get(username="wangwu").check_password("Yueyang#Good7")


def test_reset_password_from_the_command_line_is_shown_to_the_user(cast) -> None:  # type: ignore[no-untyped-def]
    """The way to reset a 安全管理员's password (the admin refuses it): on the server, audited, visible."""
    with pytest.raises(AppError, match="不能把密码写在命令行参数里"):
        run("reset-password", "secadmin", "--password", "Yueyang#Good7")
    text = run("reset-password", "secadmin", "--password-stdin", stdin="Yueyang#Good7\n")
    assert "已重置用户「secadmin」的密码" in text
    user = get_user_model().objects.get(username="secadmin")
    assert user.check_password("Yueyang#Good7")
    profile = Profile.objects.get(user=user)
    assert profile.must_change_password and profile.password_reset_by == "命令行（服务器运维）"
    entry = AuditEntry.objects.filter(action="password.reset", object_id=str(user.pk)).latest("id")
    # The command line's own actor (the OS user, role cli) is who did it; the password never reaches the log.
    assert entry.actor == f"cli:{getpass.getuser()}" and entry.actor_role == "cli"
    assert "Yueyang" not in str(entry.after)
    with pytest.raises(AppError, match="未找到用户"):
        run("reset-password", "nobody")
