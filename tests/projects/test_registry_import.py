"""Importing the project workbook (项目库): all-or-nothing with every problem named by sheet, row and column;
matching by code (then name within county) so a re-import updates and never duplicates; re-importing the same
file is a no-op; every changed field and every stage change keeps its history; the CLI previews and applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from newind.audit.models import AuditEntry
from newind.core.errors import AppError, Conflict
from newind.projects.models import Project, ProjectChange, ProjectImportBatch, ProjectStage, ProjectYearPlan
from newind.projects.registry import apply_project_import, prepare_project_import
from newind.units.models import Unit

from .registry_helpers import HEADER, ROWS, SHEET, column, rows_with, workbook

pytestmark = pytest.mark.django_db
D = dt.date


def _import(data: bytes, name: str = "项目库.xlsx", user=None):  # type: ignore[no-untyped-def]
    return apply_project_import(prepare_project_import(data, name, user), user)


def _nothing_written() -> bool:
    return not (Project.objects.exists() or ProjectStage.objects.exists() or ProjectChange.objects.exists()
                or ProjectImportBatch.objects.exists() or ProjectYearPlan.objects.exists())


def test_a_good_workbook_creates_each_project_with_its_fields_stages_plan_and_history(reference_data) -> None:
    batch = _import(workbook())
    assert batch is not None and (batch.added, batch.changed, batch.unchanged) == (2, 0, 0)
    p = Project.objects.select_related("county", "park", "responsible_unit").get(code="XM001")
    assert (p.name, p.county.code, p.park.code, p.industry_code) == ("岳阳县高端装备产业园项目", "430621", "P430609", "3411")
    assert p.investor_flags == ["fortune500", "foreign"] and p.lists == ["city_major", "industrial"]
    assert (p.total_investment, p.out_of_province_investment, p.contract_amount) == (120000, 20000, 110000)
    assert (p.land_area, p.expected_annual_tax, p.expected_annual_output) == (400, 12000, 200000)
    assert (p.leader_name, p.responsible_unit.code, p.responsible_person, p.has_task_force) == (
        "张市长", "D430600-GXJ", "李四", True)
    # The current stage is 开工, entered on its actual date.
    assert (p.stage, p.stage_since) == ("started", D(2017, 4, 20))
    stages = {s.stage: (s.planned_on, s.actual_on) for s in p.stages.all()}
    assert stages == {"signed": (None, D(2017, 3, 10)), "started": (D(2017, 4, 1), D(2017, 4, 20)),
                      "producing": (D(2017, 12, 1), None)}
    assert ProjectYearPlan.objects.get(project=p, year=2017).planned_investment == Decimal(40000)
    q = Project.objects.get(code="XM002")
    assert (q.out_of_province_investment, q.contract_amount, q.has_task_force, q.stage) == (None, None, False, "signed")
    assert list(ProjectChange.objects.filter(kind="created").values_list("project__code", "new_value", "batch")
                .order_by("project__code")) == [("XM001", "岳阳县高端装备产业园项目", batch.pk),
                                               ("XM002", "云溪区新材料项目", batch.pk)]
    entry = AuditEntry.objects.get(action="projects.import")
    assert entry.after["added"] == ["XM001", "XM002"] and entry.after["sha256"] == batch.sha256


def test_one_bad_cell_writes_nothing_and_names_sheet_row_and_column(reference_data) -> None:
    rows = rows_with("XM002", **{"总投资（万元）": "五万"})
    with pytest.raises(AppError) as err:
        _import(workbook(rows))
    assert "未导入任何项目" in err.value.message and err.value.code == "import_problems"
    [problem] = err.value.problems
    # Title on row 1, header on row 2: XM002 is on row 4; 总投资 is column H.
    assert (problem.sheet, problem.row, problem.column) == (SHEET, 4, column("总投资（万元）")) == (SHEET, 4, "H")
    assert str(problem).startswith("工作表「项目库」第4行第H列：") and "五万" in problem.message
    assert _nothing_written()


def test_every_problem_is_listed_in_reading_order_and_nothing_is_written(reference_data) -> None:
    rows = rows_with("XM001", **{"所在县市区": "火星县", "实际开工日期": "2017-13-40", "投资方类型": "世界500强、神秘资本"})
    rows = [*rows, ["XM001", "重复的项目", "岳阳县", "", "", "", "", 100, None, None, None, None, None, "", "", "", "",
                    "", "", None, None, None, None, None]]
    with pytest.raises(AppError) as err:
        _import(workbook(rows))
    where = [(p.row, p.column) for p in err.value.problems]
    assert where == [(3, "C"), (3, "G"), (3, "V")]
    assert "火星县" in err.value.problems[0].message and "神秘资本" in err.value.problems[1].message
    assert _nothing_written()
    # With the cells fixed, the repeated code is the one problem left (found when matching, still nothing written).
    rows[0] = list(ROWS[0])
    with pytest.raises(AppError) as err:
        _import(workbook(rows))
    [dup] = err.value.problems
    assert (dup.row, dup.column) == (5, "A") and "与第3行是同一个项目" in dup.message
    assert _nothing_written()


def test_a_missing_required_column_names_the_header_row(reference_data) -> None:
    header = [h for h in HEADER if h != "总投资（万元）"]
    rows = [[c for h, c in zip(HEADER, r, strict=True) if h != "总投资（万元）"] for r in ROWS]
    with pytest.raises(AppError) as err:
        _import(workbook(rows, header))
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (2, None) and "缺少「总投资（万元）」列" in problem.message
    assert _nothing_written()


def test_the_current_stage_cannot_be_before_a_dated_stage(reference_data) -> None:
    with pytest.raises(AppError) as err:
        _import(workbook(rows_with("XM002", **{"实际开工日期": "2017-06-20"})))
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (4, column("当前阶段")) and "实际开工日期" in problem.message


def test_re_importing_the_same_file_is_a_no_op(reference_data) -> None:
    _import(workbook())
    changes, audits = ProjectChange.objects.count(), AuditEntry.objects.filter(action="projects.import").count()
    preview = prepare_project_import(workbook(), "项目库.xlsx")
    assert preview.is_noop and preview.counts == {"added": 0, "changed": 0, "unchanged": 2}
    assert "不会写入任何内容" in preview.notes[0]
    assert apply_project_import(preview) is None
    assert ProjectChange.objects.count() == changes and Project.objects.count() == 2
    assert ProjectImportBatch.objects.count() == 1
    assert AuditEntry.objects.filter(action="projects.import").count() == audits


def test_a_changed_field_updates_the_project_and_writes_its_history(reference_data, office_user) -> None:
    _import(workbook())
    rows = rows_with("XM002", **{"总投资（万元）": 60000, "联点市领导": "刘市长", "所在园区": None,
                                 "2017年计划投资（万元）": 12000})
    batch = _import(workbook(rows), "项目库（6月）.xlsx", office_user)
    assert batch is not None and (batch.added, batch.changed, batch.unchanged) == (0, 1, 1)
    p = Project.objects.get(code="XM002")
    assert (p.total_investment, p.leader_name, p.park_id) == (60000, "刘市长", None)
    assert ProjectYearPlan.objects.get(project=p, year=2017).planned_investment == 12000
    history = {c.field: (c.kind, c.old_value, c.new_value, c.changed_by_id, c.batch_id)
               for c in ProjectChange.objects.filter(project=p, kind__in=["changed", "stage"])}
    assert history == {
        "park_id": ("changed", "岳阳绿色化工产业园", "（空）", office_user.pk, batch.pk),
        "total_investment": ("changed", "50000", "60000", office_user.pk, batch.pk),
        "leader_name": ("changed", "王市长", "刘市长", office_user.pk, batch.pk),
        "plan:2017": ("changed", "10000", "12000", office_user.pk, batch.pk),
    }
    assert Unit.objects.get(code="P430603").name == "岳阳绿色化工产业园"
    entry = AuditEntry.objects.filter(action="projects.import").latest("id")
    assert entry.actor == "office" and {c["field"] for c in entry.after["changes"]} == set(history)


def test_a_stage_change_is_its_own_kind_and_keeps_the_earlier_stage_dates(reference_data) -> None:
    _import(workbook())
    rows = rows_with("XM002", **{"当前阶段": "开工", "实际开工日期": "2017-06-25"})
    # The 实际签约日期 cell is left blank this time: a blank stage date never erases the date on file.
    rows = [r if r[0] != "XM002" else [*r[:19], None, *r[20:]] for r in rows]
    _import(workbook(rows))
    p = Project.objects.get(code="XM002")
    assert (p.stage, p.stage_since) == ("started", D(2017, 6, 25))
    stages = {s.stage: (s.planned_on, s.actual_on) for s in p.stages.all()}
    assert stages == {"signed": (None, D(2017, 5, 5)), "started": (D(2017, 6, 10), D(2017, 6, 25))}
    stage = ProjectChange.objects.get(project=p, kind="stage")
    assert (stage.field, stage.old_value, stage.new_value) == ("stage", "签约", "开工")
    dated = ProjectChange.objects.get(project=p, field="actual:started")
    assert (dated.kind, dated.old_value, dated.new_value) == ("changed", "（空）", "2017-06-25")
    # A later stage again: the history holds both stage changes, newest first.
    _import(workbook(rows_with("XM002", **{"当前阶段": "投产", "实际开工日期": "2017-06-25",
                                           "计划投产日期": "2018-03-01"})))
    assert list(ProjectChange.objects.filter(project=p, kind="stage").values_list("old_value", "new_value")) == [
        ("开工", "投产"), ("签约", "开工")]
    assert ProjectStage.objects.get(project=p, stage="started").actual_on == D(2017, 6, 25)


def test_a_project_without_a_code_is_matched_by_name_within_its_county(reference_data) -> None:
    _import(workbook())
    rows = [[None, *r[1:]] for r in rows_with("XM001", **{"联点市领导": "陈市长"})]
    batch = _import(workbook(rows))
    assert batch is not None and (batch.added, batch.changed, batch.unchanged) == (0, 1, 1)
    assert Project.objects.count() == 2 and Project.objects.get(code="XM001").leader_name == "陈市长"
    # A new code for a project found by name changes its code (kept in the history), no duplicate.
    rows = [["XM001-A", *ROWS[0][1:]], ROWS[1]]
    _import(workbook(rows))
    assert Project.objects.count() == 2 and Project.objects.filter(code="XM001-A").exists()
    assert ProjectChange.objects.get(field="code").old_value == "XM001"


def test_a_new_project_without_a_code_is_refused(reference_data) -> None:
    with pytest.raises(AppError) as err:
        _import(workbook([[None, *ROWS[0][1:]]]))
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (3, "A") and "没有填写项目编号" in problem.message
    assert _nothing_written()


def test_confirming_a_stale_preview_writes_nothing(reference_data) -> None:
    _import(workbook())
    preview = prepare_project_import(workbook(rows_with("XM001", **{"联点市领导": "陈市长"})), "项目库.xlsx")
    seen = preview.fingerprint()
    Project.objects.filter(code="XM001").update(leader_name="别人改过")
    before = ProjectChange.objects.count()
    with pytest.raises(Conflict) as err:
        apply_project_import(preview, expected=seen)
    assert err.value.status == 409 and ProjectChange.objects.count() == before
    assert ProjectImportBatch.objects.count() == 1


def test_the_import_is_the_offices(reference_data, cast) -> None:
    from newind.core.errors import Forbidden

    with pytest.raises(Forbidden):
        prepare_project_import(workbook(), "项目库.xlsx", cast.yyx_rep)
    assert _nothing_written()


def test_the_cli_previews_then_applies(reference_data, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "项目库.xlsx"
    path.write_bytes(workbook())
    call_command("projects", "import", str(path))
    out = capsys.readouterr().out
    assert "新增项目 2 个，变更 0 个（0 项），未变 0 个" in out and "XM001" in out and "加 --apply 写入" in out
    assert _nothing_written()
    call_command("projects", "import", str(path), "--apply")
    out = capsys.readouterr().out
    assert "已写入：项目导入批次" in out and "新增 2 个" in out and Project.objects.count() == 2
    path.write_bytes(workbook(rows_with("XM001", **{"当前阶段": "入库纳统"})))
    call_command("projects", "import", str(path))
    out = capsys.readouterr().out
    assert "变更\tXM001\t岳阳县高端装备产业园项目\t当前阶段\t开工 → 入库纳统" in out
    call_command("projects", "import", str(path), "--apply")
    capsys.readouterr()
    call_command("projects", "import", str(path), "--apply")
    assert "项目档案均未变化" in capsys.readouterr().out
    assert ProjectImportBatch.objects.count() == 2 and Project.objects.get(code="XM001").stage == "in_stats"


def test_the_cli_names_the_bad_cell(reference_data, tmp_path: Path) -> None:
    path = tmp_path / "项目库.xlsx"
    path.write_bytes(workbook(rows_with("XM001", **{"用地面积（亩）": "-5"})))
    with pytest.raises(AppError) as err:
        call_command("projects", "import", str(path), "--apply")
    assert str(err.value.problems[0]).startswith("工作表「项目库」第3行第K列：")
    assert _nothing_written()


def test_a_stages_evidence_is_imported_changed_and_never_erased_by_a_blank_cell(reference_data, client_as) -> None:  # type: ignore[no-untyped-def]
    header = [*HEADER, "开工佐证材料"]
    first = [[*ROWS[0], "施工许可证 岳建〔2017〕12号"], [*ROWS[1], None]]
    _import(workbook(first, header))
    started = ProjectStage.objects.get(project__code="XM001", stage="started")
    assert (started.actual_on, started.evidence) == (D(2017, 4, 20), "施工许可证 岳建〔2017〕12号")
    # A new evidence text is a change with its history; a blank evidence cell afterwards keeps it.
    second = [[*ROWS[0], "施工许可证 岳建〔2017〕12号；开工现场照片"], [*ROWS[1], None]]
    _import(workbook(second, header))
    change = ProjectChange.objects.get(field="evidence:started")
    assert (change.old_value, change.new_value) == ("施工许可证 岳建〔2017〕12号", "施工许可证 岳建〔2017〕12号；开工现场照片")
    assert _import(workbook([[*ROWS[0], None], [*ROWS[1], None]], header)) is None
    assert ProjectStage.objects.get(pk=started.pk).evidence == "施工许可证 岳建〔2017〕12号；开工现场照片"
    # The project page shows it in the stage timeline and names the field in the history.
    html = client_as("office").get(f"/projects/{started.project_id}/").content.decode()
    assert "开工现场照片" in html and "开工佐证材料" in html
