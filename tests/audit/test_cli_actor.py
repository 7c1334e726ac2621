"""What a `newind` command writes is audited as the command line and the OS account (`cli:<user>`, role cli).

Before, an import from the command line (and a reminder run, a user added, a purge) left the actor empty
or a fixed word: the auditor could not tell who at the server had done it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pwd

import pytest
from django.core.management import call_command
from django.utils import timezone

from newind.audit.context import command_line, current_command_line
from newind.audit.models import AuditAnchor, AuditEntry
from newind.audit.services import record
from newind.indicators.models import ImportBatch
from newind.indicators.periods import Period

pytestmark = pytest.mark.django_db

OS_USER = pwd.getpwuid(os.geteuid()).pw_name  # the account running the tests, from the uid


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def entries_since(last_id: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=last_id).order_by("id"))


def _last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_command_line_import_names_the_os_user(cast, client_as, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gdp.csv"
    path.write_text("地区,代码,年份,指标,数值,计量单位\n岳阳市,430600,2016,gdp,3100.87,亿元\n"
                    "长沙市,430100,2016,gdp,9323.7,亿元\n", encoding="utf-8")
    start = _last_id()
    assert "已写入：导入批次" in run("import", str(path))
    written = entries_since(start)
    assert ImportBatch.objects.count() == 1
    assert {e.action for e in written} >= {"observations.write"} and len(written) >= 2  # one per unit
    assert {(e.actor, e.actor_name, e.actor_role) for e in written} == {(f"cli:{OS_USER}", "命令行", "cli")}
    # The auditor finds them by person, and sees who it was.
    page = client_as("auditor").get("/audit/", {"person": "命令行", "action": "observations"}).content.decode()
    assert f"cli:{OS_USER} 命令行" in page and "写入数据：新增 1 条" in page


def test_remind_user_add_anchor_and_purge_from_the_command_line_name_the_os_user(cast) -> None:  # type: ignore[no-untyped-def]
    from newind.submissions.services import issue_task
    from newind.units.queries import peer_group_by_code, peer_group_units

    units = peer_group_units(peer_group_by_code("yueyang-counties-zones"))
    issue_task(cast.office, period=Period.month(2017, 3), unit_ids=[u.pk for u in units])
    start = _last_id()
    assert "记录催报提醒 13 条" in run("remind", date="2017-04-06")
    run("user", "add", "zhangsan", "--role", "reporter", "--unit", "430621", "--name", "张三")
    run("audit", "anchor")
    run("audit", "purge", "--before", (timezone.localdate() - dt.timedelta(days=400)).isoformat())
    written = entries_since(start)
    actions = {e.action for e in written}
    assert {"submission.remind", "user.create", "user.add.cli", "audit.anchor", "audit.purge"} <= actions
    assert {e.actor for e in written} == {f"cli:{OS_USER}"} and {e.actor_role for e in written} == {"cli"}
    assert not AuditAnchor.objects.exists()  # nothing was old enough to purge; the purge is still audited


def test_a_signed_in_user_still_wins_and_sudo_names_the_caller(office_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SUDO_USER", "alice")
    with command_line():
        by_office = record("test.write", user=office_user, summary="有登录用户")
        by_cli = record("test.write", user=None, summary="命令行")
    assert (by_office.actor, by_office.actor_role) == ("office", "office")
    expected_name = "命令行" if OS_USER == "alice" else "命令行（经 sudo，原用户 alice）"
    assert (by_cli.actor, by_cli.actor_name, by_cli.actor_role) == (f"cli:{OS_USER}", expected_name, "cli")
    outside = record("test.write", user=None, summary="不在命令行里")  # e.g. a service called from code
    assert outside.actor == "" and outside.actor_role == ""


def test_the_console_script_runs_every_command_as_the_command_line(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Django's own commands (createsuperuser, changepassword, shell) are covered by newind.cli.main.
    import django.core.management

    from newind.cli import main

    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line",
                        lambda argv: seen.append((argv, current_command_line())))
    assert main(["check"]) == 0
    [(argv, actor)] = seen
    assert argv == ["newind", "check"] and actor is not None and actor.actor == f"cli:{OS_USER}"
    assert current_command_line() is None  # only while the command runs
