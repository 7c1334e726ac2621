"""The 督办通报 as Word (opened with python-docx: the right units praised and criticised, with their counts),
and the meeting page's pickers: an overdue case or a project problem becomes an agenda item or a task in one
click, once; a red light that is not (or no longer) red is refused with a sentence saying what to do.

Hand calculation of the bulletin of September 2017 (judged at 09-30 24:00), every task due 09-15 24:00:
  市发展和改革委员会 closed 09-12 (before the deadline's day)          → 提前办结 → 表扬, rate 100.0
  市自然资源和规划局 closed 09-20 (after the deadline)                 → 逾期办结 → 批评, rate 0.0
  市人力资源和社会保障局 still in progress at the end of the month    → 逾期未办结 → 批评, no rate
  岳阳县（测试） due 10-20: not a September task, not in the bulletin.
"""

from __future__ import annotations

import io

import pytest
from docx import Document

from newind.audit.models import AuditEntry
from newind.cases.models import Case
from newind.supervision import services
from newind.supervision.bulletin import bulletin_content, bulletin_docx
from newind.supervision.models import AgendaItem, SupervisionTask
from newind.units.models import Unit
from tests.cases.conftest import at

pytestmark = pytest.mark.django_db


def _task(people, unit: Unit, title: str, *, state: str, closed_at: str | None, deadline: str) -> SupervisionTask:  # type: ignore[no-untyped-def]
    task = services.create_task(title=title, description=f"{title}（测试）", owner_unit=unit, source_kind="instruction",
                                source_ref="市长批示〔2017〕1号", urgency="normal", user=people.office,
                                received_at=at("2017-08-25T10:00"))
    # The outcome of each task is what this test is about, not how the case got there (the walkthrough and
    # the case tests drive the transitions): set the state, the closure moment and the deadline directly.
    Case.objects.filter(pk=task.case_id).update(state=state, closed_at=at(closed_at) if closed_at else None,
                                                close_deadline=at(deadline))
    return task


@pytest.fixture
def september(people, units, clock):  # type: ignore[no-untyped-def]
    county = Unit.objects.get(code="C-YYX")
    _task(people, units.fgw, "完成标准厂房报建", state="closed", closed_at="2017-09-12T10:00", deadline="2017-09-16T00:00")
    _task(people, units.zrzy, "落实用地指标", state="closed", closed_at="2017-09-20T10:00", deadline="2017-09-16T00:00")
    _task(people, units.rsj, "解决用工缺口", state="in_progress", closed_at=None, deadline="2017-09-16T00:00")
    _task(people, county, "推进园区扩区", state="in_progress", closed_at=None, deadline="2017-10-21T00:00")
    return units


def _cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text.strip() for c in row.cells] for row in table.rows]


def test_the_bulletin_opens_as_word_and_lists_the_right_units(september) -> None:  # type: ignore[no-untyped-def]
    data = bulletin_docx("2017-09")
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2017年9月" in text
    assert "市发展和改革委员会按期完成全部到期督办事项，予以通报表扬。" in text
    # Both criticised units have one bad task and no good one: by unit code, D-RSJ before D-ZRZY.
    assert "市人力资源和社会保障局、市自然资源和规划局有督办事项逾期，予以通报批评" in text
    # 3 due, 1 on time (early), 1 late, 1 overdue open
    assert "到期督办事项3件，按期（含提前）办结1件，逾期办结1件，逾期未办结1件。" in text
    tables = [_cells(t) for t in doc.tables]
    praise = [t for t in tables if any(r[0] == "市发展和改革委员会" for r in t)]
    criticism = [t for t in tables if any(r[0] == "市自然资源和规划局" for r in t)]
    assert len(praise) == 1 and len(criticism) == 1 and praise[0] is not criticism[0]
    assert tables.index(praise[0]) < tables.index(criticism[0])  # 表扬 before 批评
    praised = {r[0]: r[1:] for r in praise[0] if r[0] in {"市发展和改革委员会", "市自然资源和规划局", "市人力资源和社会保障局"}}
    assert list(praised) == ["市发展和改革委员会"]
    # columns: 到期、提前、按期、逾期办结、逾期未办结、按期办结率
    assert praised["市发展和改革委员会"][:5] == ["1", "1", "0", "0", "0"]
    assert praised["市发展和改革委员会"][5].startswith("100")
    criticised = {r[0]: r[1:] for r in criticism[0] if r[0].startswith("市")}
    assert set(criticised) == {"市自然资源和规划局", "市人力资源和社会保障局"}
    assert criticised["市自然资源和规划局"][:5] == ["1", "0", "0", "1", "0"]
    assert criticised["市人力资源和社会保障局"][:5] == ["1", "0", "0", "0", "1"]
    assert "岳阳县（测试）" not in "\n".join("".join(r) for t in tables for r in t)


def test_the_bulletin_page_and_its_download_are_audited(september, login) -> None:  # type: ignore[no-untyped-def]
    office = login("office")
    page = office.get("/supervision/bulletin/?period=2017-09").content.decode()
    assert "市发展和改革委员会" in page and "市人力资源和社会保障局" in page
    r = office.get("/supervision/bulletin/?period=2017-09&format=docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action="export", object_type="supervision.bulletin", object_id="2017-09").exists()
    bad = office.get("/supervision/bulletin/?period=2017-9x")
    assert bad.status_code == 400 and "YYYY-MM" in bad.content.decode()
    # A department may not read the bulletin page (office and leaders only).
    assert login("fgw").get("/supervision/bulletin/?period=2017-09").status_code == 403


def test_a_month_without_tasks_due_says_so(people, clock) -> None:  # type: ignore[no-untyped-def]
    content = bulletin_content("2017-03")
    assert content.sections[0].paragraphs == ["2017年3月没有到期的督办事项。"]


# --- the pickers ---------------------------------------------------------------------------------------------


@pytest.fixture
def problem(people, units, clock):  # type: ignore[no-untyped-def]
    """A project problem handed to 市自然资源和规划局 on Fri 2017-09-29 10:00: 10 working days (09-30 调休,
    10-09…10-13, 10-16…10-19) → due 2017-10-19 24:00, so overdue on 10-20 (see tests/projects/test_problems.py)."""
    from decimal import Decimal

    from newind.projects.models import Project
    from newind.projects.problems import hand_over

    county = Unit.objects.get(code="C-YYX")
    project = Project.objects.create(code="XM-001", name="示例新材料产业园项目", county=county,
                                     total_investment=Decimal(120000), is_synthetic=True)
    link = hand_over(project, title="用地指标未落实", description="用地指标未落实，请协调解决。", department=units.zrzy,
                     category_codes=["land"], user=people.office, now=at("2017-09-29T10:00"))
    clock.set("2017-10-20T10:00")
    return link


@pytest.fixture
def meeting(people, units):  # type: ignore[no-untyped-def]
    from newind.supervision.models import UnitHead

    city = Unit.objects.create(code="430600-T", name="岳阳市（测试）", kind="city", is_synthetic=True)
    mayor = UnitHead.objects.create(unit=city, name="示例市长", post="市长", user=people.leader, is_principal=True)
    return services.record_meeting(kind="monthly", held_on=at("2017-10-20T09:00").date(), title="2017年10月月调度会",
                                   chair=mayor, user=people.office)


def test_the_meeting_page_offers_the_overdue_case_and_the_project_problem(problem, meeting, login) -> None:  # type: ignore[no-untyped-def]
    page = login("office").get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert f"{problem.case.code}「用地指标未落实」" in page  # overdue since 10-19 24:00
    assert "示例新材料产业园项目：用地指标未落实" in page
    # Leaders read the meeting but are not offered the pickers (they do not manage).
    leader_page = login("leader").get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert "示例新材料产业园项目：用地指标未落实" not in leader_page


def test_an_overdue_case_goes_on_the_agenda_once(problem, meeting, login) -> None:  # type: ignore[no-untyped-def]
    office = login("office")
    url = f"/supervision/meetings/{meeting.pk}/agenda/"
    r = office.post(url, {"kind": "overdue_case", "ref": str(problem.case_id)})
    assert r.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.source_kind == "overdue_case" and item.case_id == problem.case_id
    assert item.unit.name == "市自然资源和规划局" and item.title == f"逾期事项 {problem.case.code}「用地指标未落实」"
    assert AuditEntry.objects.filter(action="supervision.agenda.add", object_id=str(item.pk)).exists()
    again = office.post(url, {"kind": "overdue_case", "ref": str(problem.case_id)})
    assert again.status_code == 409 and "已列入本次会议议题" in again.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    # A department may not change the meeting.
    assert login("zrzy").post(url, {"kind": "other", "title": "x"}).status_code == 403


def test_a_case_not_yet_overdue_is_refused(problem, meeting, login, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set("2017-10-19T10:00")  # still before 10-19 24:00
    r = login("office").post(f"/supervision/meetings/{meeting.pk}/agenda/",
                             {"kind": "overdue_case", "ref": str(problem.case_id)})
    assert r.status_code == 404 and "不是逾期未办结事项" in r.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_project_problem_becomes_a_task_in_one_click_once(problem, meeting, login) -> None:  # type: ignore[no-untyped-def]
    office = login("office")
    url = f"/supervision/meetings/{meeting.pk}/sources/task/"
    r = office.post(url, {"kind": "project_problem", "ref": str(problem.pk)})
    assert r.status_code == 302
    task = SupervisionTask.objects.get()
    assert r["Location"] == f"/cases/{task.case_id}/"
    case = task.case
    assert task.source_kind == "project_problem" and task.source_ref == str(problem.pk)
    assert case.kind == "supervision" and case.lead_unit.name == "市自然资源和规划局" and case.state == "assigned"
    assert case.title == "督办：重大项目「示例新材料产业园项目」问题：用地指标未落实"
    # 紧急, 5 working days from Fri 10-20: 10-23, 24, 25, 26, 27 → 10-27 24:00
    assert case.time_class == "urgent" and case.close_deadline == at("2017-10-28T00:00")
    assert AuditEntry.objects.filter(action="supervision.task.create", object_id=str(task.pk)).exists()
    again = office.post(url, {"kind": "project_problem", "ref": str(problem.pk)})
    assert again.status_code == 409 and "已有办理中的督办任务" in again.content.decode()
    assert SupervisionTask.objects.count() == 1


def test_an_overdue_case_becomes_a_task_for_its_lead_unit(problem, meeting, login) -> None:  # type: ignore[no-untyped-def]
    r = login("office").post(f"/supervision/meetings/{meeting.pk}/sources/task/",
                             {"kind": "overdue_case", "ref": str(problem.case_id)})
    assert r.status_code == 302
    task = SupervisionTask.objects.get()
    assert task.source_kind == "overdue_case" and task.case.lead_unit.name == "市自然资源和规划局"


def test_a_red_light_that_is_not_red_is_refused(meeting, login, clock) -> None:  # type: ignore[no-untyped-def]
    r = login("office").post(f"/supervision/meetings/{meeting.pk}/sources/task/",
                             {"kind": "red_light", "ref": "999999|2017-09"})
    assert r.status_code == 404 and "没有该红灯预警" in r.content.decode()
    assert not SupervisionTask.objects.exists()
