"""`newind remind`: reminders before the deadline and the day after it, recorded and pushed to a webhook."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command

from newind.core.errors import AppError
from newind.submissions.models import Reminder
from tests.submissions.conftest import GOOD, form_post

pytestmark = pytest.mark.django_db


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        type(self).received.append({"body": json.loads(self.rfile.read(length)),
                                    "content_type": self.headers["Content-Type"]})
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Hook]]]:
    """A local webhook receiver on 127.0.0.1 in a thread (the outside world, mocked by a real server)."""
    handler = type("Hook", (_Hook,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?key=test", handler
    finally:
        server.shutdown()
        server.server_close()


def _remind(date: str) -> str:
    out = io.StringIO()
    call_command("remind", date=date, stdout=out)
    return out.getvalue()


def test_reminders_before_and_after_the_deadline_are_recorded_and_pushed(client_as, task, yyx_sub, webhook, settings):
    url, hook = webhook
    settings.NEWIND_WEBHOOK_URL = url
    client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit"))
    # Deadline Monday 2017-04-10; two working days before is Thursday 2017-04-06.
    assert "记录催报提醒 0 条" in _remind("2017-04-05")
    output = _remind("2017-04-06")
    assert "记录催报提醒 12 条" in output  # 岳阳县 has submitted and is not reminded
    assert Reminder.objects.filter(kind="before").count() == 12
    assert not Reminder.objects.filter(submission=yyx_sub).exists()
    assert len(hook.received) == 12
    body = hook.received[0]["body"]
    assert body["msgtype"] == "text" and "【催报提醒】" in body["text"]["content"]
    assert "2017年04月10日截止" in body["text"]["content"]
    assert hook.received[0]["content_type"].startswith("application/json")
    assert set(Reminder.objects.values_list("webhook_status", flat=True)) == {"sent"}
    # Running again the same day records and sends nothing new.
    assert "记录催报提醒 0 条" in _remind("2017-04-06")
    assert len(hook.received) == 12
    # The day after the deadline: overdue reminders.
    assert "记录催报提醒 12 条" in _remind("2017-04-11")
    assert Reminder.objects.filter(kind="overdue").count() == 12
    assert "【逾期催报】" in hook.received[-1]["body"]["text"]["content"]
    # The unit sees its reminders on its list.
    client = client_as("yx_rep")
    assert "【逾期催报】云溪区" in client.get("/submissions/").content.decode()


def test_a_failing_webhook_is_recorded_and_does_not_crash(task, webhook, settings):
    url, hook = webhook
    hook.status = 500
    settings.NEWIND_WEBHOOK_URL = url
    output = _remind("2017-04-11")
    assert "推送失败 13 条" in output
    assert set(Reminder.objects.values_list("webhook_error", flat=True)) == {"HTTP 500"}


def test_an_unreachable_webhook_is_recorded(task, settings):
    settings.NEWIND_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"  # the discard port: nothing listens
    _remind("2017-04-11")
    reminder = Reminder.objects.first()
    assert reminder is not None and reminder.webhook_status == "failed" and reminder.webhook_error


def test_without_a_webhook_reminders_are_only_recorded(task, settings):
    settings.NEWIND_WEBHOOK_URL = ""
    _remind("2017-04-11")
    assert set(Reminder.objects.values_list("webhook_status", flat=True)) == {"not_configured"}


def test_a_bad_date_is_a_clear_error(task):
    with pytest.raises(AppError, match="格式不对"):
        _remind("2017/04/11")


def test_every_reminder_is_in_the_audit_log(task, settings):
    from newind.audit.models import AuditEntry

    settings.NEWIND_WEBHOOK_URL = ""
    _remind("2017-04-11")
    entries = AuditEntry.objects.filter(action="submission.remind")
    assert entries.count() == Reminder.objects.count() > 0
    assert set(entries.values_list("unit_code", flat=True)) == set(
        Reminder.objects.values_list("submission__unit__code", flat=True))
    assert all("催报" in e.summary for e in entries)
