"""Who may read and change which report, by every URL, form and Excel file of the workflow.

云溪区填报员 must not read or change 岳阳县's unpublished figures, however the IDs in URLs, POST bodies or
uploaded files are edited; leaders read and write nothing but boards; 三员 see no business data.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.audit.models import AuditEntry
from newind.indicators.models import Observation
from newind.submissions.models import ReportingTask, Submission, SubmissionEvent, SubmissionValue
from tests.submissions.conftest import GOOD, fill_template, form_post, upload

pytestmark = pytest.mark.django_db


def _snapshot(sub: Submission) -> tuple[str, list[tuple[str, Decimal | None]], int, int]:
    sub.refresh_from_db()
    values = sorted(SubmissionValue.objects.filter(submission=sub).values_list("indicator__code", "value"))
    return sub.state, values, SubmissionEvent.objects.filter(submission=sub).count(), Observation.objects.count()


@pytest.fixture
def yyx_draft(client_as, yyx_sub):
    """岳阳县 has a draft (unpublished) with every figure filled."""
    client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD))
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "draft"
    return yyx_sub


def test_yunxi_reporter_cannot_read_yueyang_county_unpublished_figures(client_as, yyx_draft):
    client = client_as("yx_rep")
    for url in (f"/submissions/{yyx_draft.pk}/", f"/submissions/{yyx_draft.pk}/template.xlsx"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "您没有权限查看「岳阳县」未发布的数据" in response.content.decode()
        assert "195.3" not in response.content.decode()
    # Their own list shows only 云溪区, and the office's board is not theirs to see.
    index = client.get("/submissions/").content.decode()
    assert "云溪区" in index and "岳阳县" not in index
    assert client.get(f"/submissions/tasks/{yyx_draft.task_id}/").status_code == 403
    assert client.get("/submissions/discipline/2017/").status_code == 403


def test_yunxi_reporter_cannot_change_yueyang_county_by_any_post(client_as, yyx_draft):
    before = _snapshot(yyx_draft)
    client = client_as("yx_rep")
    pk = yyx_draft.pk
    attempts = [
        (f"/submissions/{pk}/", form_post({"industrial_tax": "99"})),
        (f"/submissions/{pk}/", form_post({"industrial_tax": "4.4"}, "submit")),
        (f"/submissions/{pk}/review/", {"decision": "approve"}),
        (f"/submissions/{pk}/publish/", {"release": "flash"}),
        (f"/submissions/{pk}/correct/", {"v_industrial_tax": "1", "reason": "x"}),
    ]
    for url, body in attempts:
        response = client.post(url, body)
        assert response.status_code == 403, (url, response.status_code)
    assert _snapshot(yyx_draft) == before


def test_yunxi_reporter_cannot_smuggle_figures_through_their_own_form_or_file(client_as, yyx_draft, yx_sub):
    client = client_as("yx_rep")
    before = _snapshot(yyx_draft)
    # Extra fields naming another submission or unit in the POST body are ignored: the URL decides, and
    # access is checked on it.
    response = client.post(f"/submissions/{yx_sub.pk}/", {**form_post({"industrial_tax": "3.1"}),
                                                          "submission": yyx_draft.pk, "unit": yyx_draft.unit_id})
    assert response.status_code == 302
    assert SubmissionValue.objects.get(submission=yx_sub, indicator__code="industrial_tax").value == Decimal("3.1")
    assert _snapshot(yyx_draft) == before
    # Uploading 岳阳县's template (unit code 430621) into 云溪区's report is refused, naming the row.
    template = client_as("yyx_rep").get(f"/submissions/{yyx_draft.pk}/template.xlsx").content
    client = client_as("yx_rep")
    response = upload(client, yx_sub, fill_template(template, {"industrial_tax": "8.8"}))
    page = response.content.decode()
    assert response.status_code == 400
    assert "工作表「月报」第3行第E列：文件填写的单位代码为 430621（岳阳县），与本报表的填报单位 430603（云溪区）不符" in page
    assert SubmissionValue.objects.get(submission=yx_sub, indicator__code="industrial_tax").value == Decimal("3.1")
    # Editing the unit code in the file to 云溪区 while posting to 岳阳县's report is refused by scope.
    forged = fill_template(template, {"industrial_tax": "8.8"}, edits={"E3": "430603"})
    assert upload(client, yyx_draft, forged).status_code == 403
    assert _snapshot(yyx_draft) == before


def test_a_file_for_another_period_is_refused_naming_the_row(client_as, yyx_sub):
    client = client_as("yyx_rep")
    template = client.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content
    data = fill_template(template, GOOD, edits={"E4": "2017-02"})
    response = upload(client, yyx_sub, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "第4行第E列：文件的报告期为「2017-02」，与本任务的报告期 2017-03（2017年1—3月）不符" in page
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()


def test_an_upload_with_bad_cells_names_sheet_row_and_column_and_writes_nothing(client_as, yyx_sub):
    client = client_as("yyx_rep")
    template = client.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content
    data = fill_template(template, GOOD, edits={"F8": "约五十", "B9": "gdp"})
    response = upload(client, yyx_sub, data)
    page = response.content.decode()
    assert response.status_code == 400 and "未写入任何数据" in page
    assert "工作表「月报」第9行第B列：指标代码「gdp」不在本单位本期的报表中" in page
    data = fill_template(template, GOOD, edits={"F8": "约五十"})
    page = upload(client, yyx_sub, data).content.decode()
    assert "工作表「月报」第8行第F列：「规模工业增加值」填写的「约五十」不是数字" in page
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()
    yyx_sub.refresh_from_db()
    assert yyx_sub.state == "not_started"


def test_the_reviewer_reviews_but_does_not_fill_in(client_as, yyx_draft):
    before = _snapshot(yyx_draft)
    client = client_as("yyx_rev")
    assert client.get(f"/submissions/{yyx_draft.pk}/").status_code == 200  # reads the unit's draft
    assert client.post(f"/submissions/{yyx_draft.pk}/", form_post({"industrial_tax": "1"})).status_code == 409
    # A draft is not yet submitted: nothing to approve.
    assert client.post(f"/submissions/{yyx_draft.pk}/review/", {"decision": "approve"}).status_code == 409
    assert _snapshot(yyx_draft) == before


def test_the_leader_reads_boards_and_reports_but_changes_nothing(client_as, yyx_draft):
    before = _snapshot(yyx_draft)
    client = client_as("leader")
    assert client.get(f"/submissions/tasks/{yyx_draft.task_id}/").status_code == 200
    assert client.get(f"/submissions/{yyx_draft.pk}/").status_code == 200
    assert client.post(f"/submissions/{yyx_draft.pk}/", form_post({"industrial_tax": "1"})).status_code == 403
    assert client.post(f"/submissions/{yyx_draft.pk}/publish/", {"release": "flash"}).status_code == 403
    assert client.get("/submissions/tasks/new/").status_code == 403
    assert _snapshot(yyx_draft) == before


@pytest.mark.parametrize("who", ["auditor", "sysadmin", "secadmin"])
def test_the_three_administrators_see_no_reports(client_as, yyx_draft, who):
    client = client_as(who)
    assert client.get(f"/submissions/{yyx_draft.pk}/").status_code == 403
    assert client.get(f"/submissions/{yyx_draft.pk}/template.xlsx").status_code == 403
    assert client.get(f"/submissions/tasks/{yyx_draft.task_id}/").status_code == 403
    assert client.get("/submissions/").status_code == 403


def test_only_the_office_issues_tasks(client_as, last_year):
    for who in ("yyx_rep", "yyx_rev", "leader"):
        response = client_as(who).post("/submissions/tasks/new/", {"period": "2017-03",
                                                                   "form_code": "monthly-industry"})
        assert response.status_code == 403
    assert not ReportingTask.objects.exists()


def test_anonymous_users_go_to_the_login_page(client, yyx_draft):
    client.logout()
    for url in ("/submissions/", f"/submissions/{yyx_draft.pk}/", f"/submissions/{yyx_draft.pk}/template.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(f"/submissions/{yyx_draft.pk}/", form_post({"industrial_tax": "1"})).status_code in (302, 403)
    assert SubmissionValue.objects.get(submission=yyx_draft, indicator__code="industrial_tax").value == Decimal("4.4")


def test_published_figures_are_readable_by_other_units_but_not_changeable(client_as, yyx_draft):
    client_as("yyx_rep").post(f"/submissions/{yyx_draft.pk}/", form_post({}, "submit"))
    client_as("yyx_rev").post(f"/submissions/{yyx_draft.pk}/review/", {"decision": "approve"})
    client_as("office").post(f"/submissions/{yyx_draft.pk}/publish/", {"release": "official"})
    client = client_as("yx_rep")
    page = client.get(f"/submissions/{yyx_draft.pk}/")
    assert page.status_code == 200 and "195.3" in page.content.decode()
    assert client.post(f"/submissions/{yyx_draft.pk}/correct/", {"v_industrial_tax": "1", "reason": "x"}).status_code == 403
    assert Observation.objects.filter(unit=yyx_draft.unit, year=2017, release="official").count() == 9


def test_exports_are_audited(client_as, yyx_draft):
    client_as("yyx_rep").get(f"/submissions/{yyx_draft.pk}/template.xlsx")
    assert AuditEntry.objects.filter(action="submission.template_export", actor="yyx_rep").count() == 1


def test_yueyang_county_reviewer_cannot_review_yunxi(client_as, yx_sub):
    client_as("yx_rep").post(f"/submissions/{yx_sub.pk}/", form_post(GOOD, "submit"))
    yx_sub.refresh_from_db()
    assert yx_sub.state == "submitted"
    client = client_as("yyx_rev")
    assert client.get(f"/submissions/{yx_sub.pk}/").status_code == 403
    for decision in ("approve", "return"):
        response = client.post(f"/submissions/{yx_sub.pk}/review/", {"decision": decision, "reason": "x"})
        assert response.status_code == 403
    yx_sub.refresh_from_db()
    assert yx_sub.state == "submitted" and yx_sub.return_reason == ""
