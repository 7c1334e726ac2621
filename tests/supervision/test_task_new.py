"""A leader's instruction (批示) or a document (文件) filed as a supervision task on /supervision/tasks/new/:
the office only; the task is a `supervision` case assigned to the owner unit, timed by its class.

Hand calculation from Fri 2017-09-29 10:00 (the 2017 calendar: Saturday 09-30 a working day, 10-01…10-08 off):
  一般事项 15 working days: 09-30 (1), 10-09…10-13 (6), 10-16…10-20 (11), 10-23…10-26 (15) → 10-26 24:00.
  文件督办 30 working days: … 10-23…10-27 (16), 10-30, 10-31 (18), 11-01…11-03 (21), 11-06…11-10 (26),
  11-13…11-16 (30) → 11-16 24:00.
"""

from __future__ import annotations

import pytest

from newind.audit.models import AuditEntry
from newind.cases.models import Case
from newind.supervision.models import SupervisionTask
from tests.cases.conftest import at

pytestmark = pytest.mark.django_db

URL = "/supervision/tasks/new/"


def test_a_leaders_instruction_becomes_a_task_assigned_as_the_leader(login, people, units, heads, clock) -> None:  # type: ignore[no-untyped-def]
    office = login("office")
    assert office.get(URL).status_code == 200
    r = office.post(URL, {"source_kind": "instruction", "source_ref": "市长批示〔2017〕12号", "title": "协调解决园区供电问题",
                          "description": "请市发改委牵头协调园区双回路供电。", "owner_unit": units.fgw.pk,
                          "instructing_head": heads.mayor.pk, "urgency": "normal"})
    assert r.status_code == 302, r.content.decode()[-2000:]
    task = SupervisionTask.objects.get()
    assert r["Location"] == f"/cases/{task.case_id}/"
    assert task.source_kind == "instruction" and task.source_ref == "市长批示〔2017〕12号"
    assert task.instructing_head == heads.mayor and task.instructing_leader == people.leader
    case = Case.objects.get(pk=task.case_id)
    assert case.kind == "supervision" and case.channel == "leader_instruction" and case.lead_unit == units.fgw
    assert case.state == "assigned" and case.time_class == "normal"
    assert case.close_deadline == at("2017-10-27T00:00")
    assignment = case.events.get(kind="assign")
    assert assignment.role == "leader" and "领导批示：市长批示〔2017〕12号" in assignment.note
    assert AuditEntry.objects.filter(action="supervision.task.create", object_id=str(task.pk)).exists()
    # The new task is on the office's list.
    assert "协调解决园区供电问题" in office.get("/supervision/tasks/").content.decode()


def test_a_document_becomes_a_task_in_the_document_class(login, units, clock) -> None:  # type: ignore[no-untyped-def]
    r = login("office").post(URL, {"source_kind": "document", "source_ref": "岳政发〔2017〕5号", "title": "落实园区十条",
                                   "description": "按文件要求制定实施细则。", "owner_unit": units.zrzy.pk,
                                   "urgency": "document"})
    assert r.status_code == 302
    task = SupervisionTask.objects.get()
    assert task.source_kind == "document" and task.instructing_head is None
    case = task.case
    assert case.channel == "platform" and case.time_class == "document"
    assert case.close_deadline == at("2017-11-17T00:00")
    assert case.events.get(kind="assign").role == "office"


@pytest.mark.parametrize(("change", "message"), [
    ({"instructing_head": ""}, "领导批示须选择作出批示的领导。"),
    ({"source_ref": ""}, "请填写批示或文件的编号"),
    ({"source_kind": "decision"}, "任务来源只能是领导批示或文件。"),
    ({"urgency": "urgent", "urgent_days": ""}, "紧急事项须填写办结工作日（1—5）。"),
    ({"urgency": "urgent", "urgent_days": "9"}, "紧急事项的办结时限为1—5个工作日。"),
])
def test_a_wrong_form_is_refused_with_the_reason(login, units, heads, clock, change, message) -> None:  # type: ignore[no-untyped-def]
    data = {"source_kind": "instruction", "source_ref": "市长批示〔2017〕12号", "title": "协调解决园区供电问题",
            "description": "请协调。", "owner_unit": units.fgw.pk, "instructing_head": heads.mayor.pk,
            "urgency": "normal", **change}
    r = login("office").post(URL, data)
    assert r.status_code == 400 and message in r.content.decode()
    assert not SupervisionTask.objects.exists()


@pytest.mark.parametrize("who", ["leader", "fgw", "yyx_rep"])
def test_only_the_office_files_tasks(login, units, heads, clock, who) -> None:  # type: ignore[no-untyped-def]
    client = login(who)
    assert client.get(URL).status_code == 403
    r = client.post(URL, {"source_kind": "document", "source_ref": "x", "title": "x", "description": "x",
                          "owner_unit": units.fgw.pk, "urgency": "document"})
    assert r.status_code == 403 and not SupervisionTask.objects.exists()
