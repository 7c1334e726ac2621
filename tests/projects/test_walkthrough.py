"""A month of project progress walked through the client, end to end: 岳阳县's reporter fills 岳新工办统2表 for
1—3月, the reviewer approves, the office publishes; then the project's page, the county 赛马 and the monthly
report's 重大项目 section show the published month. A problem handed to a department on the way is closed
through the case engine's pages and leaves the project page's open list.

Hand calculation (fixtures in progress_helpers: plans A 12,000, B 3,000, E 500 万元 for 岳阳县; F 5,000 for
云溪区, which reports nothing):
- A: 1—3月 3,500 of 12,000 = 29.2 % of the year plan; since start 11,500 of 50,000 = 23.0 %.
- 岳阳县 投资完成率 = (3,500 + 1,000 + 0) ÷ (12,000 + 3,000 + 500) = 4,500 ÷ 15,500 = 29.03 %.
- 云溪区 has a plan and no progress: 0 ÷ 5,000 = 0.0 %.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from newind.accounts.services import create_user
from newind.cases.choices import State
from newind.cases.models import Case
from newind.projects.models import ProjectProblem
from newind.units.models import Unit
from tests.projects.progress_helpers import fields, progress_task, projects  # noqa: F401

pytestmark = pytest.mark.django_db

A_MARCH = {"month_investment": "1500", "ytd_investment": "3500", "since_start_investment": "11500",
           "image_progress": "主体厂房封顶", "problems": "用地报批未完成"}
B_MARCH = {"month_investment": "1000", "ytd_investment": "1000", "since_start_investment": "5000",
           "explanation": "一季度设备集中采购"}
E_MARCH = {"month_investment": "0", "ytd_investment": "0", "since_start_investment": "6000"}


def _report_rows(content: bytes) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


@pytest.fixture
def client_as_user(client: Any) -> Any:
    """A fresh test client logged in as any user by name (the cast's fixture knows only the cast)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def login(username: str) -> Any:
        c = Client()
        c.force_login(get_user_model().objects.get(username=username))
        return c

    return login


def test_a_month_from_the_units_form_to_the_report(client_as, client_as_user, cast, projects,  # noqa: F811
                                                    progress_task, monkeypatch) -> None:  # noqa: F811
    import datetime as dt

    from newind.cases import services as case_services
    from newind.cases.sla import TZ

    # The month is 2017年3月: the problem handed over below is filed on the case clock, set to April 2017.
    monkeypatch.setattr(case_services, "clock", lambda: dt.datetime(2017, 4, 12, 9, 0, tzinfo=TZ))
    sub = progress_task.submissions.get(unit__code="430621")
    # 1. The unit's form: the reporter fills all three projects and submits.
    rep = client_as("yyx_rep")
    assert rep.get("/projects/progress/").status_code == 200
    done = rep.post(f"/projects/progress/{sub.pk}/", {
        **fields(projects.a, **A_MARCH), **fields(projects.b, **B_MARCH), **fields(projects.e, **E_MARCH),
        "action": "submit", "filled_by": "张填报"})
    assert done.status_code == 302
    # 2. Review and 3. publication.
    assert client_as("yyx_rev").post(f"/projects/progress/{sub.pk}/review/",
                                     {"decision": "approve"}).status_code == 302
    office = client_as("office")
    assert office.post(f"/projects/progress/{sub.pk}/publish/", {"release": "official"}).status_code == 302
    sub.refresh_from_db()
    assert sub.state == "published"

    # 4. The project's page shows the published month with its shares, and the county reporter sees it too.
    page = office.get(f"/projects/{projects.a.pk}/").content.decode()
    assert "岳阳县新材料项目" in page and "2017年1—3月" in page
    assert "29.2%" in page and "23.0%" in page and "主体厂房封顶" in page
    assert client_as("yyx_rep").get(f"/projects/{projects.a.pk}/").status_code == 200
    assert client_as("yx_rep").get(f"/projects/{projects.a.pk}/").status_code == 403

    # The office hands A's land problem to the natural-resources department; it shows as open on the page.
    dept = Unit.objects.get(code="D430600-GXJ")
    office = client_as("office")  # one test client: log the office in again after the others
    handed = office.post(f"/projects/{projects.a.pk}/problems/new/", {
        "title": "用地报批", "description": "项目二期用地报批未完成，请协调。", "department": dept.pk,
        "categories": ["land"]})
    assert handed.status_code == 302, handed.content.decode()[:2000]
    link = ProjectProblem.objects.get(project=projects.a)
    page = office.get(f"/projects/{projects.a.pk}/").content.decode()
    assert link.case.code in page and "problem-open" in page

    # 5. The league table and the portfolio of 1—3月.
    league = office.get("/api/projects/league?period=2017-03").json()
    units = {u["code"]: u for u in league["units"]}
    completion = {u["code"]: next(i["value"] for i in u["items"] if i["code"] == "investment_completion_pct")
                  for u in league["units"]}
    assert round(completion["430621"], 1) == 29.0 and completion["430603"] == 0.0
    assert units["430621"]["rank"] < units["430603"]["rank"]
    html = office.get("/projects/league/?period=2017-03").content.decode()
    assert "岳阳县" in html and "云溪区" in html

    # 6. The monthly report's 重大项目 section (Excel download) has the county's completion against plan.
    report = office.get("/reports/monthly?period=2017-03&format=xlsx")
    assert report.status_code == 200
    rows = _report_rows(report.content)
    texts = [str(v) for row in rows for v in row if v is not None]
    assert any("重大项目" in t for t in texts)
    yyx = next(row for row in rows if "岳阳县" in [str(v) for v in row] and 15500 in row)
    assert 4500 in yyx and 29.03 in yyx  # 4,500 ÷ 15,500 = 29.032 %, two decimals in the workbook

    # 7. The department closes the problem through the case pages; the office's call-back (销号) rates it,
    # and the project page no longer lists it as open.
    create_user("gxj", "department", password=cast.PASSWORD, unit_code=dept.code, name="市工信局承办人",
                must_change_password=False)
    handler = client_as_user("gxj")
    assert handler.post(f"/cases/{link.case_id}/act/", {"action": "accept"}).status_code == 302
    assert handler.post(f"/cases/{link.case_id}/act/", {"action": "close", "note": "已协调用地指标"}).status_code == 302
    assert client_as("office").post(f"/cases/{link.case_id}/act/",
                                    {"action": "rate", "rating": "satisfied"}).status_code == 302
    assert Case.objects.get(pk=link.case_id).state == State.EVALUATED
    page = client_as("office").get(f"/projects/{projects.a.pk}/").content.decode()
    assert link.case.code in page and "problem-open" not in page and "problem-closed" in page
