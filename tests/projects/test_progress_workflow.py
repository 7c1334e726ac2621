"""A month of project progress through the test client: the office issues 岳新工办统2表, 岳阳县's reporter
fills the form (and, separately, the Excel template), the reviewer sends back and approves, the office
publishes; the rows become current and versioned, a correction appends a version, the signal fires; other
units get 403; month 1 does not exist (1—2月)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.template.loader import render_to_string

from newind.audit.models import AuditEntry
from newind.projects.models import ProjectProgress
from newind.projects.progress import progress_block, unit_projects
from newind.projects.signals import progress_published
from newind.submissions.models import ReportingTask, SubmissionEvent
from newind.units.models import Unit
from tests.projects.progress_helpers import fields, fill_template, progress_task, projects, xlsx_file  # noqa: F401

pytestmark = pytest.mark.django_db

A_MARCH = {"month_investment": "1500", "ytd_investment": "3500", "since_start_investment": "11500",
           "funds_in_place": "9000", "image_progress": "主体厂房封顶", "problems": "", "explanation": ""}
B_MARCH = {"month_investment": "1000", "ytd_investment": "1000", "since_start_investment": "5000"}
E_MARCH = {"month_investment": "0", "ytd_investment": "0", "since_start_investment": "6000"}


@pytest.fixture
def signals() -> Any:
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    progress_published.connect(receiver, dispatch_uid="test-progress")
    yield received
    progress_published.disconnect(dispatch_uid="test-progress")


def _sub(task: Any, code: str = "430621") -> Any:
    return task.submissions.get(unit__code=code)


def test_the_office_issues_the_form_and_month_1_does_not_exist(client_as, projects) -> None:  # noqa: F811
    client = client_as("office")
    units = [Unit.objects.get(code="430621").pk, Unit.objects.get(code="P430609").pk]
    refused = client.post("/submissions/tasks/new/", {"period": "2017-01", "form_code": "monthly-projects",
                                                      "units": units})
    assert refused.status_code == 400 and "1月与2月合并" in refused.content.decode()
    dept = Unit.objects.get(code="D430600-GXJ").pk
    wrong = client.post("/submissions/tasks/new/", {"period": "2017-02", "form_code": "monthly-projects",
                                                    "units": [dept]})
    assert wrong.status_code == 400 and "只能下达给县市区、功能区和园区" in wrong.content.decode()
    ok = client.post("/submissions/tasks/new/", {"period": "2017-02", "form_code": "monthly-projects",
                                                 "units": units})
    task = ReportingTask.objects.get()
    assert ok.status_code == 302 and task.form_number == "岳新工办统2表" and task.period_n == 2
    # The park was issued the task too: it reports project B, the county the projects outside the park.
    assert [p.code for p in unit_projects(_sub(task))] == ["XM001", "XM005"]
    assert [p.code for p in unit_projects(_sub(task, "P430609"))] == ["XM002"]
    # 1—2月 is the first report: its ytd must equal the month (A has a published 1—2月 already: a new one
    # is checked the same way).
    sub = _sub(task)
    client = client_as("yyx_rep")
    bad = client.post(f"/projects/progress/{sub.pk}/", {
        **fields(projects.a, month_investment="2000", ytd_investment="2100", since_start_investment="10000")})
    assert bad.status_code == 400 and "1—2月为全年第一期" in bad.content.decode()
    assert not ProjectProgress.objects.filter(submission=sub).exists()


def test_a_month_through_form_review_and_publication(client_as, cast, projects, progress_task,  # noqa: F811
                                                     signals) -> None:
    sub = _sub(progress_task)
    rep = client_as("yyx_rep")
    # The workflow's page forwards to the projects' form.
    assert rep.get(f"/submissions/{sub.pk}/")["Location"] == f"/projects/progress/{sub.pk}/"
    page = rep.get(f"/projects/progress/{sub.pk}/").content.decode()
    # A, B (the park was not issued the task) and E (达产 in 2017) are listed; C (储备), D (达产 2016), F (云溪区) not.
    for shown in ("XM001", "XM002", "XM005"):
        assert shown in page
    for hidden in ("XM003", "XM004", "XM101"):
        assert hidden not in page
    assert "已发布1—2月：年初至今 2000.00" in page
    # A cumulative figure below the published 1—2月 writes nothing.
    falls = rep.post(f"/projects/progress/{sub.pk}/", {**fields(projects.a, **{**A_MARCH, "ytd_investment": "1900"}),
                                                       "action": "save"})
    assert falls.status_code == 400 and "低于已发布的1—2月累计 2,000.00万元" in falls.content.decode()
    assert not ProjectProgress.objects.filter(submission=sub).exists()
    # Save a draft of A: a draft row, never current, not published.
    saved = rep.post(f"/projects/progress/{sub.pk}/", {**fields(projects.a, **A_MARCH), "action": "save",
                                                       "filled_by": "张填报"})
    assert saved.status_code == 302
    draft = ProjectProgress.objects.get(submission=sub)
    assert (draft.is_current, draft.published_at, draft.ytd_investment) == (False, None, Decimal("3500.00"))
    sub.refresh_from_db()
    assert sub.state == "draft" and sub.filled_by_name == "张填报"
    # Submitting with B and E missing is refused, naming them.
    missing = rep.post(f"/projects/progress/{sub.pk}/", {"action": "submit"})
    assert missing.status_code == 400 and "「岳阳县园区电子项目（XM002）」的「当月完成投资」未填写" in missing.content.decode()
    # B's March is 1,000 of a 3,000 plan: 33.3 % > 30 % needs an explanation before submitting.
    over = rep.post(f"/projects/progress/{sub.pk}/", {**fields(projects.b, **B_MARCH), **fields(projects.e, **E_MARCH),
                                                      "action": "submit"})
    text = over.content.decode()
    assert over.status_code == 400 and "占年度计划投资 3,000.00万元 的 33.3%，超过30%" in text
    sub.refresh_from_db()
    assert sub.state == "draft"
    done = rep.post(f"/projects/progress/{sub.pk}/", {
        **fields(projects.b, **B_MARCH, explanation="一季度设备集中采购"), **fields(projects.e, **E_MARCH),
        "action": "submit"})
    sub.refresh_from_db()
    assert done.status_code == 302 and sub.state == "submitted"
    assert ProjectProgress.objects.filter(submission=sub, is_current=False, published_at=None).count() == 3

    # Another unit's people get 403, reading and writing.
    other = client_as("yx_rep")
    assert other.get(f"/projects/progress/{sub.pk}/").status_code == 403
    assert other.post(f"/projects/progress/{sub.pk}/", {"action": "save"}).status_code == 403
    assert other.get(f"/projects/progress/{sub.pk}/template.xlsx").status_code == 403
    assert other.post(f"/projects/progress/{sub.pk}/review/", {"decision": "approve"}).status_code == 403
    # The reporter cannot approve (the transition table: 409), nor edit a submitted report.
    assert client_as("yyx_rep").post(f"/projects/progress/{sub.pk}/review/", {"decision": "approve"}).status_code == 409

    # The reviewer sends it back with a reason, the reporter fixes and resubmits, the reviewer approves.
    rev = client_as("yyx_rev")
    assert rev.post(f"/projects/progress/{sub.pk}/review/", {"decision": "return", "reason": ""}).status_code == 400
    rev.post(f"/projects/progress/{sub.pk}/review/", {"decision": "return", "reason": "E项目开工至今累计请核对"})
    sub.refresh_from_db()
    assert sub.state == "returned" and sub.return_reason == "E项目开工至今累计请核对"
    rep = client_as("yyx_rep")
    assert "已退回：E项目开工至今累计请核对" in rep.get(f"/projects/progress/{sub.pk}/").content.decode()
    rep.post(f"/projects/progress/{sub.pk}/", {**fields(projects.e, since_start_investment="5900"), "action": "submit"})
    rev = client_as("yyx_rev")
    assert rev.post(f"/projects/progress/{sub.pk}/review/", {"decision": "approve"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "approved"
    # The reviewer cannot publish; the office does.
    assert rev.post(f"/projects/progress/{sub.pk}/publish/", {"release": "official"}).status_code == 403
    assert signals == []
    office = client_as("office")
    assert office.post(f"/projects/progress/{sub.pk}/publish/", {"release": "official"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "published"
    current = {r.project.code: r for r in ProjectProgress.objects.filter(year=2017, month=3, is_current=True)
               .select_related("project")}
    assert set(current) == {"XM001", "XM002", "XM005"}
    assert current["XM005"].since_start_investment == Decimal("5900.00")
    assert all(r.submission_id == sub.pk and r.published_at is not None for r in current.values())
    assert signals == [{"signal": progress_published, "year": 2017, "month": 3, "unit_ids": [sub.unit_id],
                        "user": cast.office}]

    # The project page's block: 1—2月 and 1—3月 with the computed shares (hand calculation).
    block = progress_block(projects.a, cast.office)["progress"]
    assert block["year"] == 2017 and [m["label"] for m in block["months"]] == ["1—2月", "1—3月"]
    march = block["months"][1]
    # 3,500 ÷ 12,000 = 29.2 %; 11,500 ÷ 50,000 = 23.0 %.
    assert (march["pct_of_year_plan"], march["pct_of_total"]) == ("29.2%", "23.0%")
    assert march["versions"][0]["recorded_by"] == "岳阳县填报员" and march["versions"][0]["reviewed_by"] == "岳阳县审核员"
    html = render_to_string("projects/_detail_progress.html", {"progress": block})
    assert "2017年1—3月" in html and "29.2%" in html and "现行" in html

    # The office corrects A's March: a new current version; the first stays in the history.
    office = client_as("office")
    blank = office.post(f"/projects/progress/{sub.pk}/correct/", {**fields(projects.a, ytd_investment="3600"),
                                                                  "reason": ""})
    assert blank.status_code == 400
    fixed = office.post(f"/projects/progress/{sub.pk}/correct/", {
        **fields(projects.a, month_investment="1600", ytd_investment="3600", since_start_investment="11600"),
        "reason": "县统计局核定数"})
    assert fixed.status_code == 302
    versions = list(ProjectProgress.objects.filter(project=projects.a, year=2017, month=3).order_by("id"))
    assert [(v.ytd_investment, v.is_current) for v in versions] == [(Decimal("3500.00"), False),
                                                                    (Decimal("3600.00"), True)]
    assert versions[1].recorded_by == cast.office and versions[1].published_at >= versions[0].published_at
    block = progress_block(projects.a, cast.office)["progress"]
    assert len(block["months"][1]["versions"]) == 2 and block["months"][1]["pct_of_year_plan"] == "30.0%"
    assert len(signals) == 2 and signals[1]["month"] == 3
    # The reporter cannot correct.
    assert client_as("yyx_rep").post(f"/projects/progress/{sub.pk}/correct/", {
        **fields(projects.a, ytd_investment="3700"), "reason": "x"}).status_code == 403

    # The history and the audit log show each step.
    actions = list(SubmissionEvent.objects.filter(submission=sub).values_list("action", flat=True))
    assert actions == ["save", "save", "submit", "return", "save", "submit", "approve", "publish", "correct"]
    assert AuditEntry.objects.filter(action="projects.progress_edit").count() == 3
    assert AuditEntry.objects.filter(action="submission.correct").count() == 1
    # Other units cannot read the block of a project outside their scope.
    with pytest.raises(Exception) as refused:
        progress_block(projects.a, cast.yx_rep)
    assert getattr(refused.value, "status", None) == 403


def test_the_excel_template_round_trip(client_as, cast, projects, progress_task) -> None:  # noqa: F811
    sub = _sub(progress_task)
    rep = client_as("yyx_rep")
    download = rep.get(f"/projects/progress/{sub.pk}/template.xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    data = download.content
    a = {"当月完成投资（万元）": 1500, "年初至报告期累计（万元）": 3500, "开工至报告期累计（万元）": 11500,
         "形象进度": "主体厂房封顶"}
    # One bad cell: nothing is written and the cell is named.
    bad = fill_template(data, {"XM001": a, "XM002": {"当月完成投资（万元）": "一千", "年初至报告期累计（万元）": 1000,
                                                     "开工至报告期累计（万元）": 5000}})
    response = rep.post(f"/projects/progress/{sub.pk}/upload/", {"file": xlsx_file(bad)})
    text = response.content.decode()
    assert response.status_code == 400 and "「岳阳县园区电子项目（XM002）」的「当月完成投资」填写的「一千」不是数字" in text
    assert "工作表「项目进度」第8行第G列" in text
    assert not ProjectProgress.objects.filter(submission=sub).exists()
    # A project of another unit (or an unknown code) is refused by its cell.
    alien = fill_template(data, {}, edits={"B9": "XM101"})
    response = rep.post(f"/projects/progress/{sub.pk}/upload/", {"file": xlsx_file(alien)})
    assert response.status_code == 400 and "项目编号「XM101」不在本单位本期的填报项目中" in response.content.decode()
    assert "第9行第B列" in response.content.decode()
    # Another unit's template is refused.
    other = fill_template(data, {"XM001": a}, edits={"E3": "430603"})
    response = rep.post(f"/projects/progress/{sub.pk}/upload/", {"file": xlsx_file(other)})
    assert response.status_code == 400 and "只能上传本单位的报表" in response.content.decode()
    # A good file becomes the draft.
    good = fill_template(data, {"XM001": a, "XM002": {**B_MARCH_XLSX, "说明": "设备采购"},
                                "XM005": {"当月完成投资（万元）": 0, "年初至报告期累计（万元）": 0,
                                          "开工至报告期累计（万元）": 6000}})
    response = rep.post(f"/projects/progress/{sub.pk}/upload/", {"file": xlsx_file(good)})
    assert response.status_code == 302
    rows = {r.project.code: r for r in ProjectProgress.objects.filter(submission=sub).select_related("project")}
    assert set(rows) == {"XM001", "XM002", "XM005"} and not any(r.is_current for r in rows.values())
    assert rows["XM001"].image_progress == "主体厂房封顶" and rows["XM002"].explanation == "设备采购"
    # The template now comes prefilled, and submitting works from the uploaded draft.
    again = openpyxl.load_workbook(io.BytesIO(rep.get(f"/projects/progress/{sub.pk}/template.xlsx").content))["项目进度"]
    prefilled = {row[1]: row for row in again.iter_rows(min_row=7, values_only=True) if row[1]}
    assert prefilled["XM001"][6:9] == (1500, 3500, 11500) and prefilled["XM002"][12] == "设备采购"
    assert rep.post(f"/projects/progress/{sub.pk}/", {"action": "submit"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "submitted"
    assert AuditEntry.objects.filter(action="projects.progress_template_export").count() == 2


B_MARCH_XLSX = {"当月完成投资（万元）": 1000, "年初至报告期累计（万元）": 1000, "开工至报告期累计（万元）": 5000}


def test_the_form_renders_as_cards_on_a_phone(client_as, projects, progress_task) -> None:  # noqa: F811
    """Phone width (390 px): the form is a table.data that core/tables.js turns into one card per project
    (see the browser test); every input carries the project and field in its label, so a card reads alone."""
    sub = _sub(progress_task)
    html = client_as("yyx_rep").get(f"/projects/progress/{sub.pk}/").content.decode()
    assert 'class="data progress-rows" id="progress-table"' in html and 'class="table-wrap"' in html
    assert 'aria-label="岳阳县新材料项目（XM001）当月完成投资"' in html
    assert 'inputmode="decimal"' in html and 'id="progress-submit"' in html
