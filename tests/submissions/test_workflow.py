"""A full month through the test client: issue, fill (half by form, half by Excel), submit, send back,
fix, approve, publish, correct; the figures reach the observations and benchmarking with their history,
and the audit log shows each step."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.core.management import call_command

from newind.audit.models import AuditEntry
from newind.audit.services import verify_chain
from newind.indicators.models import Observation
from newind.indicators.periods import Period
from newind.indicators.queries import current_values, indicator_by_code, observation_history
from newind.submissions.models import ReportingTask, Submission, SubmissionEvent, SubmissionValue
from newind.units.models import Unit
from tests.submissions.conftest import EXCEL_HALF, FORM_HALF, GOOD, fill_template, form_post, upload

pytestmark = pytest.mark.django_db


def test_it_issues_a_task_to_the_13_units_with_the_default_deadline(client_as, last_year):
    client = client_as("office")
    page = client.get("/submissions/tasks/new/")
    assert page.status_code == 200 and "下达填报任务" in page.content.decode()
    # The 13 units of yueyang-counties-zones are ticked by default.
    default_ids = page.context["form"].initial["units"]
    assert len(default_ids) == 13
    response = client.post("/submissions/tasks/new/", {"period": "2017年1—3月", "form_code": "monthly-industry",
                                                       "units": default_ids, "deadline": ""})
    task = ReportingTask.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/submissions/tasks/{task.pk}/"
    assert task.period == Period.month(2017, 3)
    # 2017-04-08 is a Saturday: the deadline moves to Monday 2017-04-10.
    assert task.deadline == dt.date(2017, 4, 10)
    assert task.submissions.count() == 13 and set(task.submissions.values_list("state", flat=True)) == {"not_started"}
    board = client.get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert "岳阳县" in board and "应报 <b>13</b>" in board and "未填报 <b>13</b>" in board
    # Issuing the same period again is refused with a sentence saying what to do.
    again = client.post("/submissions/tasks/new/", {"period": "2017-03", "form_code": "monthly-industry",
                                                    "units": default_ids})
    assert again.status_code == 400 and "已经下达过" in again.content.decode()
    assert ReportingTask.objects.count() == 1
    assert AuditEntry.objects.filter(action="submission.task_issue").count() == 1


def test_it_refuses_a_task_for_units_without_an_indicator_set(client_as, last_year):
    dept = Unit.objects.get(code="D430600-GXJ")
    response = client_as("office").post("/submissions/tasks/new/", {
        "period": "2017-03", "form_code": "monthly-industry", "units": [dept.pk]})
    assert response.status_code == 400 and "没有为这些单位的类型规定指标" in response.content.decode()
    assert not ReportingTask.objects.exists()


def test_the_form_shows_name_unit_and_last_year_beside_each_field(client_as, yyx_sub):
    page = client_as("yyx_rep").get(f"/submissions/{yyx_sub.pk}/").content.decode()
    assert "规模工业总产值" in page and "亿元" in page and "180.5" in page  # last year's 1—3月 figure
    assert 'name="v_industrial_output_above_size"' in page and "提交审核" in page


def test_form_errors_are_inline_in_chinese_and_nothing_is_written(client_as, yyx_sub):
    client = client_as("yyx_rep")
    bad = dict(GOOD, industrial_output_above_size="一百", industrial_va_above_size="48.6")
    response = client.post(f"/submissions/{yyx_sub.pk}/", form_post(bad))
    page = response.content.decode()
    assert response.status_code == 400
    assert "「规模工业总产值」填写的「一百」不是数字：请填写数字，单位为亿元。" in page
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()
    # Out of range, a broken check relation, and a +60% change without explanation.
    bad = dict(GOOD, above_size_enterprises="99999", industrial_va_above_size="300",
               industrial_output_above_size="290")
    page = client.post(f"/submissions/{yyx_sub.pk}/", form_post(bad)).content.decode()
    assert "超出合理范围" in page
    assert "规模工业增加值不能大于规模工业总产值" in page
    assert "比上年同期变化 +60.7%，超过 ±30%：请在「说明」栏写明原因。" in page
    # Submitting with a required figure missing names it.
    partial = {k: v for k, v in GOOD.items() if k != "industrial_tax"}
    page = client.post(f"/submissions/{yyx_sub.pk}/", form_post(partial, "submit")).content.decode()
    assert "「规模工业税金」为必填项" in page or "为必填项" in page
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "not_started" and not SubmissionValue.objects.filter(submission=yyx_sub).exists()


def test_a_large_change_with_an_explanation_is_accepted(client_as, yyx_sub):
    client = client_as("yyx_rep")
    values = dict(GOOD, industrial_output_above_size="290")
    response = client.post(f"/submissions/{yyx_sub.pk}/", form_post(
        values, explanations={"industrial_output_above_size": "华能电厂二期投产"}))
    assert response.status_code == 302
    stored = SubmissionValue.objects.get(submission=yyx_sub, indicator__code="industrial_output_above_size")
    assert stored.value == Decimal("290") and stored.explanation == "华能电厂二期投产"


def _states(sub: Submission) -> list[tuple[str, str, str]]:
    return list(SubmissionEvent.objects.filter(submission=sub).values_list("action", "from_state", "to_state"))


def test_a_full_month(client_as, yyx_sub, cast):
    # 岳阳县填报员 fills half of the figures in the web form and saves a draft.
    rep = client_as("yyx_rep")
    response = rep.post(f"/submissions/{yyx_sub.pk}/", form_post({k: GOOD[k] for k in FORM_HALF}))
    assert response.status_code == 302
    assert "已保存草稿" in rep.get(response["Location"]).content.decode()
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "draft" and yyx_sub.filled_by_name == "张填报"

    # …downloads the Excel template: it carries the unit, the period and the figures so far.
    download = rep.get(f"/submissions/{yyx_sub.pk}/template.xlsx")
    assert download.status_code == 200 and "430621_2017-03" in download["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(download.content))
    ws = wb["月报"]
    assert ws["C2"].value == "岳新工办统1表" and ws["C3"].value == "岳阳县" and ws["E3"].value == "430621"
    assert ws["E3"].number_format == "@" and ws["C4"].value == "2017年1—3月" and ws.protection.sheet
    assert ws["F7"].value == pytest.approx(195.3) and ws["F7"].protection.locked is False
    assert ws["B7"].protection.locked is True  # headers and codes are locked
    assert ws.data_validations.dataValidation and "填表人：" in [c.value for c in ws["A"]]

    # …fills the other half in Excel and uploads it.
    response = upload(rep, yyx_sub, fill_template(download.content, {k: GOOD[k] for k in EXCEL_HALF}))
    assert response.status_code == 302
    values = dict(SubmissionValue.objects.filter(submission=yyx_sub).values_list("indicator__code", "value"))
    assert values == {k: Decimal(v) for k, v in GOOD.items()}

    # …and submits.
    response = rep.post(f"/submissions/{yyx_sub.pk}/", form_post({}, "submit"))
    assert response.status_code == 302
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "submitted" and yyx_sub.first_submitted_at is not None
    # Once submitted the reporter can no longer change it.
    locked = rep.post(f"/submissions/{yyx_sub.pk}/", form_post({"industrial_tax": "5"}))
    assert locked.status_code == 409 and "不能执行「保存」" in locked.content.decode()

    # 岳阳县审核员 sends it back with a reason; a return without a reason is refused.
    rev = client_as("yyx_rev")
    page = rev.get(f"/submissions/{yyx_sub.pk}/").content.decode()
    assert "审核" in page and 'name="v_industrial_tax"' not in page  # the reviewer does not fill in
    no_reason = rev.post(f"/submissions/{yyx_sub.pk}/review/", {"decision": "return", "reason": " "})
    assert no_reason.status_code == 400 and "必须填写退回原因" in no_reason.content.decode()
    rev.post(f"/submissions/{yyx_sub.pk}/review/", {"decision": "return", "reason": "税金与税务局口径不一致，请核对"})
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "returned" and yyx_sub.return_reason == "税金与税务局口径不一致，请核对"
    board = client_as("office").get(f"/submissions/tasks/{yyx_sub.task_id}/").content.decode()
    assert "税金与税务局口径不一致" in board and "退回 <b class=\"light-red\">1</b>" in board

    # The reporter fixes the figure and submits again; the reviewer approves.
    rep = client_as("yyx_rep")
    assert "已退回：税金与税务局口径不一致" in rep.get(f"/submissions/{yyx_sub.pk}/").content.decode()
    assert rep.post(f"/submissions/{yyx_sub.pk}/", form_post({"industrial_tax": "4.6"}, "submit")).status_code == 302
    rev = client_as("yyx_rev")
    rev.post(f"/submissions/{yyx_sub.pk}/review/", {"decision": "approve", "reason": ""})
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "approved" and yyx_sub.reviewer_name == "岳阳县审核员"
    # The reviewer cannot publish.
    assert rev.post(f"/submissions/{yyx_sub.pk}/publish/", {"release": "flash"}).status_code == 403

    # The office publishes as 快报.
    office = client_as("office")
    response = office.post(f"/submissions/{yyx_sub.pk}/publish/", {"release": "flash", "next": "board"})
    assert response.status_code == 302 and response["Location"] == f"/submissions/tasks/{yyx_sub.task_id}/"
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "published" and yyx_sub.release == "flash"
    tax = indicator_by_code("industrial_tax")
    current = current_values(tax, unit_ids=[yyx_sub.unit_id], years=[2017])
    assert current["value"].tolist() == [4.6] and current["release"].tolist() == ["flash"]
    assert current["source"].tolist() == ["岳阳县 2017年1—3月 报表（审核人 岳阳县审核员）"]
    assert Observation.objects.filter(unit=yyx_sub.unit, year=2017, batch__source_kind="submission").count() == 9

    # The published figure appears in benchmarking among the 13 units — alone, so not "第1位 among 1".
    from newind.benchmark.queries import benchmark

    result = benchmark("430621", "yueyang-counties-zones", "industrial_va_above_size", 2017, 2017, period="2017-03")
    row = result.by_year.iloc[0]
    assert float(row["value"]) == pytest.approx(48.6) and pd.isna(row["rank"]) and int(row["reported"]) == 1
    assert "13个县市区和功能区中其他成员暂无数据（仅岳阳县1个有数据），不排位次" in result.narrative[0]

    # A correction after publishing is a new version with its reason; the first version stays.
    seen = office.get(f"/submissions/{yyx_sub.pk}/").context["seen"]  # the form's hidden field
    bad = office.post(f"/submissions/{yyx_sub.pk}/correct/", {"v_industrial_tax": "4.7", "reason": "", "seen": seen})
    assert bad.status_code == 400 and "必须填写更正原因" in bad.content.decode()
    office.post(f"/submissions/{yyx_sub.pk}/correct/", {"v_industrial_tax": "4.7", "reason": "税务局复核后更正",
                                                        "seen": seen})
    history = observation_history(tax, yyx_sub.unit_id, Period.month(2017, 3))
    assert [(h.value, h.release, h.is_current, h.reason) for h in history] == [
        (Decimal("4.6"), "flash", False, ""), (Decimal("4.7"), "revised", True, "税务局复核后更正")]
    assert history[1].supersedes_id == history[0].id

    # Every step is in the submission's history and in the audit log, and the chain verifies.
    assert _states(yyx_sub) == [
        ("save", "not_started", "draft"), ("save", "draft", "draft"), ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"), ("save", "returned", "returned"), ("submit", "returned", "submitted"),
        ("approve", "submitted", "approved"), ("publish", "approved", "published"),
        ("correct", "published", "published"),
    ]
    actions = list(AuditEntry.objects.filter(object_type="submissions.submission", object_id=str(yyx_sub.pk))
                   .order_by("id").values_list("action", "actor"))
    steps = [a for a, _ in actions if a != "submission.value_edit"]
    assert steps == ["submission.save", "submission.template_export", "submission.save", "submission.submit",
                     "submission.return", "submission.save", "submission.submit", "submission.approve",
                     "submission.publish", "submission.correct"]
    assert ("submission.return", "yyx_rev") in actions and ("submission.publish", "office") in actions
    edits = AuditEntry.objects.filter(action="submission.value_edit", object_id=str(yyx_sub.pk))
    assert edits.count() == 9 + 1 + 1  # nine first entries, the fix, the correction
    fix = edits.filter(after__indicator="industrial_tax", after__via="form").last()
    assert fix.before["value"] == "4.4" and fix.after["value"] == "4.6"
    assert verify_chain().ok
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    # The auditor finds the steps by unit and action, with a Chinese summary of each.
    audit_page = client_as("auditor").get("/audit/", {"unit": "430621", "action": "submission.return"})
    text = audit_page.content.decode()
    assert audit_page.status_code == 200
    assert "岳阳县 2017年1—3月 报表退回：已提交 → 退回（税金与税务局口径不一致，请核对）" in text
    page = client_as("office").get(f"/submissions/{yyx_sub.pk}/").content.decode()
    assert "税务局复核后更正" in page and "已发布" in page


def test_reminders_and_discipline_on_the_board(client_as, task, yyx_sub):
    rep = client_as("yyx_rep")
    rep.post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit"))
    # Pretend the submission came in after the deadline, on 2017-04-11.
    late = dt.datetime(2017, 4, 11, 9, 0, tzinfo=dt.UTC)
    Submission.objects.filter(pk=yyx_sub.pk).update(first_submitted_at=late)
    office = client_as("office")
    board = office.get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert "迟报 <b class=\"light-yellow\">1</b>" in board and "缺报 <b class=\"light-red\">12</b>" in board
    record = office.get("/submissions/discipline/2017/")
    rows = {r["unit"].code: r for r in record.context["rows"]}
    assert rows["430621"]["late"] == 1 and rows["430603"]["missing"] == 1 and rows["430603"]["on_time"] == 0


def test_the_excel_template_shows_chinese_names_and_keeps_the_codes_hidden_for_the_upload(client_as, yyx_sub):
    import re

    from newind.indicators.models import Indicator

    rep = client_as("yyx_rep")
    ws = openpyxl.load_workbook(io.BytesIO(rep.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content))["月报"]
    # The codes are in column B, hidden and locked on a protected sheet (the columns cannot be unhidden).
    assert ws.column_dimensions["B"].hidden and ws.protection.sheet and ws.protection.formatColumns
    names = dict(Indicator.objects.values_list("code", "name"))
    rows = [r for r in ws.iter_rows(min_row=7) if r[1].value in names]
    assert len(rows) == len(GOOD)
    assert all(r[1].protection.locked and r[2].value == names[r[1].value] for r in rows)
    # Nothing a reporter sees is an English code.
    visible = [str(c.value) for r in ws.iter_rows() for c in r if c.value is not None and c.column_letter != "B"]
    assert not [v for v in visible if re.fullmatch(r"[a-z_]+", v)], visible
    assert "工业经济主要指标月报" in visible[0] and "岳阳县" in visible and "2017年1—3月" in visible

    # The reporter fills the figures by the names they read; the upload reads the hidden codes.
    by_name = {names[code]: value for code, value in GOOD.items()}
    for r in rows:
        r[5].value = float(by_name[r[2].value])
    ws["C" + str(max(c.row for c in ws["A"] if c.value == "填表人："))] = "李填报"
    buf = io.BytesIO()
    ws.parent.save(buf)
    assert upload(rep, yyx_sub, buf.getvalue()).status_code == 302
    stored = dict(SubmissionValue.objects.filter(submission=yyx_sub).values_list("indicator__code", "value"))
    assert stored == {k: Decimal(v) for k, v in GOOD.items()}
    yyx_sub.refresh_from_db()
    assert yyx_sub.filled_by_name == "李填报"


def test_the_new_task_form_names_the_reporting_form_in_chinese(client_as, last_year):
    from tests.page_helpers import visible_text

    html = client_as("office").get("/submissions/tasks/new/").content.decode()
    text = visible_text(html)
    assert "工业经济主要指标月报（岳新工办统1表）" in text
    assert "monthly-industry" not in text  # the code stays the option's value only
    assert 'value="monthly-industry"' in html
