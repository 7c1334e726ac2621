"""The 催报 button on the task board: the office reminds one unit or every unit not yet submitted; each
reminder is recorded, audited and pushed to the webhook, and the board's 提醒次数 counts it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from newind.audit.models import AuditEntry
from newind.submissions.models import Reminder
from tests.submissions.conftest import GOOD, form_post
from tests.submissions.test_remind import webhook  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def reminder_count(page: str, unit_name: str) -> int:
    """The 提醒次数 cell of the unit's row on the board."""
    row = re.search(rf">{unit_name}</a></td>.*?</tr>", page, re.S)
    assert row is not None, unit_name
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return int(re.match(r"\d+", cells[5].strip()).group(0))  # type: ignore[union-attr]


def test_the_office_reminds_one_unit_from_the_board(client_as, task, yx_sub, webhook, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, hook = webhook
    settings.NEWIND_WEBHOOK_URL = url
    office = client_as("office")
    board = office.get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert reminder_count(board, "云溪区") == 0 and 'aria-label="催报云溪区"' in board
    response = office.post(f"/submissions/tasks/{task.pk}/remind/", {"submission": yx_sub.pk}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已向1个单位发出催报：云溪区。已推送到工作群。" in page
    assert reminder_count(page, "云溪区") == 1 and reminder_count(page, "岳阳县") == 0
    reminder = Reminder.objects.get(submission=yx_sub)
    assert reminder.kind == "manual" and reminder.webhook_status == "sent"
    assert reminder.message.startswith("【催报】云溪区：") and "未填报" in reminder.message
    assert len(hook.received) == 1 and hook.received[0]["body"]["text"]["content"] == reminder.message
    entry = AuditEntry.objects.get(action="submission.remind")
    assert entry.actor == "office" and entry.unit_code == "430603" and entry.object_id == str(reminder.pk)
    # The unit sees the reminder on its own list.
    assert "【催报】云溪区" in client_as("yx_rep").get("/submissions/").content.decode()


def test_remind_all_units_not_yet_submitted_once_a_day(client_as, task, yyx_sub, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_WEBHOOK_URL = ""
    client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit"))
    office = client_as("office")
    assert "催报全部未报单位（12个）" in office.get(f"/submissions/tasks/{task.pk}/").content.decode()
    page = office.post(f"/submissions/tasks/{task.pk}/remind/", {"all": "1"}, follow=True).content.decode()
    assert "已向12个单位发出催报" in page and "未配置工作群推送" in page
    assert Reminder.objects.filter(kind="manual").count() == 12
    assert not Reminder.objects.filter(submission=yyx_sub).exists()  # submitted: not reminded
    assert set(Reminder.objects.values_list("webhook_status", flat=True)) == {"not_configured"}
    assert AuditEntry.objects.filter(action="submission.remind", actor="office").count() == 12
    assert reminder_count(page, "云溪区") == 1
    # The same day again: nothing new is sent, and the page says why.
    page = office.post(f"/submissions/tasks/{task.pk}/remind/", {"all": "1"}, follow=True).content.decode()
    assert "今天已催报过，未重复发送" in page and "发出催报" not in page
    assert Reminder.objects.filter(kind="manual").count() == 12
    assert reminder_count(page, "云溪区") == 1


def test_a_failed_push_is_said_and_kept(client_as, task, yx_sub, webhook, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, hook = webhook
    hook.status = 500
    settings.NEWIND_WEBHOOK_URL = url
    page = client_as("office").post(f"/submissions/tasks/{task.pk}/remind/", {"submission": yx_sub.pk},
                                    follow=True).content.decode()
    assert "1条推送到工作群失败（HTTP 500）" in page and "请电话通知" in page
    assert Reminder.objects.get(submission=yx_sub).webhook_status == "failed"


def test_remind_is_refused_for_a_submitted_unit_and_to_other_roles(client_as, task, yyx_sub, yx_sub) -> None:  # type: ignore[no-untyped-def]
    client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit"))
    url = f"/submissions/tasks/{task.pk}/remind/"
    response = client_as("office").post(url, {"submission": yyx_sub.pk})
    assert response.status_code == 409 and "岳阳县已提交报表，无需催报" in response.content.decode()
    for who in ("leader", "yx_rep", "yyx_rev", "auditor"):
        assert client_as(who).post(url, {"all": "1"}).status_code == 403, who
    assert f'action="{url}"' not in client_as("leader").get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert f'action="{url}"' in client_as("office").get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert not Reminder.objects.exists()
    assert not AuditEntry.objects.filter(action="submission.remind").exists()


def test_the_message_says_overdue_after_the_deadline(client_as, task, yx_sub, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_WEBHOOK_URL = ""
    from newind.submissions import views

    monkeypatch.setattr(views, "_today", lambda: task.deadline + dt.timedelta(days=3))
    client_as("office").post(f"/submissions/tasks/{task.pk}/remind/", {"submission": yx_sub.pk})
    reminder = Reminder.objects.get(submission=yx_sub)
    assert "已逾期" in reminder.message and reminder.for_date == task.deadline + dt.timedelta(days=3)
