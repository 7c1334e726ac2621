"""Reform task lists through the client: the office imports a list (good file; a bad one names sheet, row and
column and writes nothing), the owner county reports a milestone on its page, another county and the leader
cannot report, the list shows lights, the history keeps who/when/before/after."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from newind.accounts import access
from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.reform import services
from newind.reform.models import Milestone, ReformTask, TaskSet

pytestmark = pytest.mark.django_db

TODAY = dt.date(2017, 7, 1)
HEADER = ["任务编号", "任务名称", "牵头单位", "配合单位", "任务权重", "节点序号", "节点内容", "计划完成日期", "节点权重"]
GOOD = [
    HEADER,
    ["YQ-01", "园区标准化厂房建设", "430621", "D430600-GXJ", 2, 1, "完成规划选址", "2017-03-31", 1],
    ["YQ-01", "", "", "", "", 2, "厂房主体完工", "2017-06-30", 1],
    ["YQ-01", "", "", "", "", 3, "企业入驻", "2017-12-31", 2],
    ["YQ-02", "园区污水处理设施", "云溪区", "", 1, 1, "设施建成", "2017-05-31", 1],
]
SET = {"code": "yqsj-2017", "name": "2017年「园区十条」任务清单", "year": 2017, "source_document": "岳办发〔2017〕示例号"}


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr("newind.reform.views.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def _xlsx(rows: list[list[object]], title: str = "任务清单") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(client, rows, **extra):  # type: ignore[no-untyped-def]
    data = {**SET, **extra, "file": SimpleUploadedFile("清单.xlsx", _xlsx(rows))}
    return client.post("/reform/import/", data)


def _confirm(client, page: str):  # type: ignore[no-untyped-def]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.split('action="/reform/import/confirm/"')[1]))
    return client.post("/reform/import/confirm/", fields)


def test_the_office_imports_a_list_previews_then_writes_it_once(client_as, today):
    office = client_as("office")
    page = _import(office, GOOD).content.decode()
    assert "新增任务 2 项、节点 4 个" in page and not TaskSet.objects.exists()  # the preview writes nothing
    done = _confirm(office, page)
    assert done.status_code == 200 and "已写入任务清单" in done.content.decode()
    task = ReformTask.objects.get(code="YQ-01")
    assert (task.owner_unit.code, task.weight, [u.code for u in task.co_units.all()]) == ("430621", 2, ["D430600-GXJ"])
    assert list(task.milestones.values_list("seq", "planned_on")) == [
        (1, dt.date(2017, 3, 31)), (2, dt.date(2017, 6, 30)), (3, dt.date(2017, 12, 31))]
    assert ReformTask.objects.get(code="YQ-02").owner_unit.code == "430603"  # recorded by name
    assert AuditEntry.objects.filter(action="reform.import").count() == 1
    # The same file again: nothing to write.
    page = _import(office, GOOD).content.decode()
    assert "任务清单没有变化" in page and "confirm-import" not in page
    # A changed date is shown old → new, and a plan that changed after the preview is refused (409).
    moved = [r[:] for r in GOOD]
    moved[2][7] = "2017-07-31"
    page = _import(office, moved).content.decode()
    assert "变更 1 处" in page and "2017-06-30" in page and "2017-07-31" in page
    Milestone.objects.filter(task=task, seq=2).update(title="他人刚改过")
    assert _confirm(office, page).status_code == 409
    assert Milestone.objects.get(task=task, seq=2).planned_on == dt.date(2017, 6, 30)


def test_a_bad_file_names_sheet_row_and_column_and_writes_nothing(client_as):
    bad = [r[:] for r in GOOD]
    bad[1][2] = "不存在的局"     # row 2, column C
    bad[3][7] = "明年"           # row 4, column H
    bad[4][8] = -1               # row 5, column I
    response = _import(client_as("office"), bad)
    text = response.content.decode()
    assert response.status_code == 400 and "有3处问题，未导入任何任务" in text
    assert "工作表「任务清单」第2行第C列" in text and "不存在的局" in text
    assert "工作表「任务清单」第4行第H列" in text and "第5行第I列" in text
    assert not TaskSet.objects.exists() and not ReformTask.objects.exists()


def test_a_missing_column_and_a_duplicate_milestone_are_named():
    with pytest.raises(AppError) as err:
        services.prepare_import(_xlsx([h for h in HEADER if h != "计划完成日期"] and
                                      [[h for h in HEADER if h != "计划完成日期"]]), "x.xlsx", SET)
    assert "没有找到任务清单" in err.value.message or "缺少「计划完成日期」列" in str(err.value.problems)
    dup = [r[:] for r in GOOD] + [["YQ-02", "", "", "", "", 1, "重复", "2017-06-01", 1]]
    with pytest.raises(AppError) as err:
        services.prepare_import(_xlsx(dup), "x.xlsx", SET)
    assert any(p.row == 6 and p.column == "F" and "节点序号1重复" in p.message for p in err.value.problems)


def test_the_template_downloads_and_imports(client_as, cast):
    response = client_as("office").get("/reform/import/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["任务清单"][1]] == HEADER
    # The template's own example rows are a valid file (its departments exist in the demo, FGW is added here).
    from newind.units.models import Unit

    Unit.objects.get_or_create(code="D430600-FGW", defaults={"name": "岳阳市发展和改革委员会", "kind": "department"})
    plan = services.prepare_import(response.content, "模板.xlsx", SET)
    assert plan.added_tasks == ["QY-01"] and plan.added_milestones == ["QY-01-1", "QY-01-2"]


def _imported(cast) -> TaskSet:  # type: ignore[no-untyped-def]
    """The GOOD list, with YQ-01's first milestone (weight 1 of 4) reported done on 30 March."""
    plan = services.prepare_import(_xlsx(GOOD), "清单.xlsx", SET)
    task_set = services.apply_import(plan, cast.office)
    assert task_set is not None
    first = Milestone.objects.get(task__code="YQ-01", seq=1)
    services.report_milestone(cast.yyx_rep, first, done_on=dt.date(2017, 3, 30), evidence="选址批复", today=TODAY)
    return task_set


def test_the_owner_county_reports_a_milestone_and_the_history_keeps_it(client_as, cast, today):
    _imported(cast)
    task = ReformTask.objects.get(code="YQ-01")
    ms = task.milestones.get(seq=2)
    client = client_as("yyx_rep")
    page = client.get(f"/reform/task/{task.pk}/?date=2017-07-01").content.decode()
    # 1 of 4 weight done, 2 of 4 planned by 1 July: 25 points behind, yellow, in a sentence.
    assert "按计划应完成50.0%" in page and "实际完成25.0%" in page and "亮黄灯" in page and "报告完成" in page
    response = client.post(f"/reform/task/{task.pk}/", {"milestone": ms.pk, "done_on": "2017-06-28",
                                                       "evidence": "主体结构验收意见（示例）"})
    assert response.status_code == 302
    ms.refresh_from_db()
    assert ms.done_on == dt.date(2017, 6, 28) and ms.reported_by == cast.yyx_rep
    entry = AuditEntry.objects.filter(action="reform.milestone.report").latest("id")
    assert entry.before["done_on"] is None and entry.after["done_on"] == "2017-06-28"
    page = client.get(f"/reform/task/{task.pk}/?date=2017-07-01").content.decode()
    assert "实际完成50.0%" in page and "亮绿灯" in page and "报告完成（2017-06-28）" in page
    # A future date and a report without evidence are refused, nothing changes.
    for data in ({"done_on": "2017-07-02", "evidence": "x"}, {"done_on": "2017-06-01", "evidence": ""}):
        response = client.post(f"/reform/task/{task.pk}/", {"milestone": ms.pk, **data})
        assert response.status_code == 400
    ms.refresh_from_db()
    assert ms.done_on == dt.date(2017, 6, 28)


def test_who_may_read_and_report(client_as, cast, today):
    _imported(cast)
    yyx_task = ReformTask.objects.get(code="YQ-01")  # 岳阳县 leads, 市工信局 co-handles
    ms = yyx_task.milestones.get(seq=1)
    report = {"milestone": ms.pk, "done_on": "", "evidence": ""}  # withdrawing the report made in _imported
    # 云溪区 does not see 岳阳县's task (404) and cannot report it (403); the leader reads but cannot report (403).
    assert client_as("yx_rep").get(f"/reform/task/{yyx_task.pk}/").status_code == 404
    assert client_as("yx_rep").post(f"/reform/task/{yyx_task.pk}/", report).status_code == 403
    leader = client_as("leader")
    assert leader.get(f"/reform/task/{yyx_task.pk}/").status_code == 200
    assert "report-form" not in leader.get(f"/reform/task/{yyx_task.pk}/").content.decode()
    assert leader.post(f"/reform/task/{yyx_task.pk}/", report).status_code == 403
    for name in ("auditor", "sysadmin", "secadmin"):
        assert client_as(name).get("/reform/").status_code == 403
    assert client_as("yyx_rep").get("/reform/import/").status_code == 403
    assert client_as("leader").get("/reform/import/").status_code == 403
    # The scope of each: the office and leader all, a county its own.
    codes = lambda u: sorted(access.reform_tasks_in_scope(u).values_list("code", flat=True))  # noqa: E731
    assert codes(cast.office) == codes(cast.leader) == ["YQ-01", "YQ-02"]
    assert codes(cast.yyx_rep) == ["YQ-01"] and codes(cast.yx_rep) == ["YQ-02"] and codes(cast.auditor) == []
    assert access.reform_task_for(cast.yyx_rev, yyx_task, write=True) == yyx_task
    assert Milestone.objects.get(pk=ms.pk).done_on == dt.date(2017, 3, 30)


def test_the_list_shows_sets_tasks_and_owners_with_lights(client_as, cast):
    _imported(cast)
    page = client_as("office").get("/reform/?date=2017-07-01").content.decode()
    # Set: YQ-01 (weight 2) 25% done, expected 50%; YQ-02 (weight 1) 0% done, expected 100% →
    # progress (2×25 + 0)/3 = 16.7%, expected (2×50 + 100)/3 = 66.7%: 50 points behind, red.
    assert "2017年「园区十条」任务清单" in page and "16.7%" in page and "66.7%" in page
    assert "落后进度50.0个百分点（超过30个百分点）" in page
    assert page.index("园区污水处理设施") < page.index("园区标准化厂房建设")  # red before yellow
    county = client_as("yx_rep").get("/reform/").content.decode()
    assert "园区污水处理设施" in county and "园区标准化厂房建设" not in county
