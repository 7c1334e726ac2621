"""Project problems handed to departments (projects.problems): each a `project_problem` case that runs through
the case engine (交办 → 签收 → 答复 → 办结 → 回访销号) under definitions/sla/project_problem.yaml
(2 working days to accept, 10 to close, the reminder from 3 working days before the deadline's day).

The hand calculations, in working days (the 2017 calendar: 10-01…10-08 National Day off, Saturday 09-30 a
working day):
  A received Fri 2017-09-29 10:00 → 1: 09-30 (Sat, 调休), 2: 10-09, 3: 10-10, 4: 10-11, 5: 10-12, 6: 10-13,
    7: 10-16, 8: 10-17, 9: 10-18, 10: 10-19 → deadline 2017-10-19 24:00; reminder 10-17 08:30
  B received Mon 2017-10-09 → 10-10…10-13 (4), 10-16…10-20 (9), 10-23 (10) → 2017-10-23 24:00; reminder 10-19 08:30
  C received Mon 2017-10-16 → 10-17…10-20 (4), 10-23…10-27 (9), 10-30 (10) → 2017-10-30 24:00; reminder 10-26 08:30
  D received 2017-09-29 like A, closed 2017-10-12 (on time)
Lights on 2017-10-20 (a day is judged at its end): A red (past 10-19 24:00), B yellow (past its reminder,
before its deadline), C green; D closed, listed last.
Working days overdue: on 10-20, A 1 (10-20); on 10-31 (period 2017-10), A 8 (10-20, 23–27, 30, 31),
B 6 (10-24…10-27, 10-30, 10-31), C 1 (10-31).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newind.audit.models import AuditEntry
from newind.cases.choices import Action, CaseKind, CaseRole, State
from newind.cases.models import Case, CaseEvent
from newind.cases.services import apply_action, rate
from newind.cases.sla import TZ, format_deadline
from newind.core.errors import AppError
from newind.projects.models import Project, ProjectProblem
from newind.projects.problems import hand_over, overdue_problems, problem_rows
from newind.units.models import Unit
from tests.cases.conftest import clock, login, people, units  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def project(people) -> Project:  # type: ignore[no-untyped-def]  # noqa: F811
    county = Unit.objects.get(code="C-YYX")
    return Project.objects.create(code="XM-001", name="示例新材料产业园项目", county=county,
                                  total_investment=Decimal(120000), is_synthetic=True)


def _hand(project: Project, office, department: Unit, title: str, when: str) -> ProjectProblem:  # type: ignore[no-untyped-def]
    return hand_over(project, title=title, description=f"{title}，请协调解决。", department=department,
                     category_codes=["land"], user=office, now=at(when))


def test_hand_over_files_a_project_problem_case_assigned_to_the_department(people, units, project) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    link = _hand(project, people.office, units.zrzy, "用地指标未落实", "2017-09-29T10:00")
    case = Case.objects.get(pk=link.case_id)
    assert case.kind == CaseKind.PROJECT_PROBLEM and case.sla_profile == "project_problem"
    assert case.state == State.ASSIGNED and case.lead_unit == units.zrzy
    assert case.code.startswith("XM2017") and case.concerned_name == "示例新材料产业园项目（XM-001）"
    # 10 working days after Fri 09-29 (hand count in the module docstring): 2017-10-19 24:00.
    assert format_deadline(case.close_deadline) == "2017-10-19 24:00"
    assert case.close_deadline == at("2017-10-20T00:00")
    # the 签收 stage: 2 working days → 09-30 (Sat, a working day), 10-09 → 2017-10-09 24:00
    assert case.deadlines["accept"] == at("2017-10-10T00:00").isoformat()
    # through the engine: a 受理 then a 交办 event, and the audit has both and the hand-over
    assert list(case.events.values_list("kind", flat=True)) == ["created", "assign"]
    assert CaseEvent.objects.get(case=case, kind="assign").role == CaseRole.OFFICE
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"case.file", "case.assign", "projects.problem.hand_over"} <= actions
    assert ProjectProblem.objects.get(case=case).project == project


def test_a_problem_closes_through_the_case_engine(people, units, project, login, clock) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    link = _hand(project, people.office, units.zrzy, "施工许可审批慢", "2017-09-29T10:00")
    dept = login("zrzy")
    clock.set("2017-10-09T09:00")
    # the department answers on the existing case pages (/cases/…), as the case's lead unit
    assert dept.post(f"/cases/{link.case_id}/act/", {"action": "accept"}).status_code == 302
    clock.set("2017-10-10T09:00")
    assert dept.post(f"/cases/{link.case_id}/act/", {"action": "reply", "note": "已会商，下周出具意见"}).status_code == 302
    # the office cannot close for the department: the transition table says the lead unit closes (403)
    office = login("office")
    assert office.post(f"/cases/{link.case_id}/act/", {"action": "close"}).status_code == 403
    clock.set("2017-10-12T15:00")
    assert dept.post(f"/cases/{link.case_id}/act/", {"action": "close", "note": "许可已核发"}).status_code == 302
    case = Case.objects.get(pk=link.case_id)
    assert case.state == State.CLOSED and case.closed_at == at("2017-10-12T15:00")
    # 09-30, 10-09, 10-10, 10-11, 10-12: five working days after the day of receipt
    assert case.working_days_to_close == 5
    # 销号: the office's call-back rates it; the case is then evaluated (closed states: 办结/回访评价/归档)
    clock.set("2017-10-13T09:00")
    assert office.post(f"/cases/{link.case_id}/act/", {"action": "rate", "rating": "satisfied"}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.EVALUATED
    kinds = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["created", "assign", "accept", "reply", "close", "rate_satisfied"]
    row = problem_rows(project, dt.date(2017, 10, 13))[0]
    assert row["is_open"] is False and row["state_label"] == "回访评价" and row["light"] == ""


def test_the_state_machine_is_not_bypassed(people, units, project) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    link = _hand(project, people.office, units.zrzy, "用电增容", "2017-09-29T10:00")
    case = Case.objects.get(pk=link.case_id)
    # closing before accepting is refused by the table (409: wrong state for the lead unit)
    with pytest.raises(AppError) as refused:
        apply_action(case, Action.CLOSE, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-10-09T09:00"))
    assert refused.value.status == 409
    # another department is no role in the case: 403
    with pytest.raises(AppError) as other:
        apply_action(case, Action.ACCEPT, user=people.fgw, role=None, now=at("2017-10-09T09:00"))
    assert other.value.status == 403


def test_hand_over_refuses_a_unit_that_is_not_a_department(people, units, project) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with pytest.raises(AppError, match="不是市直部门"):
        _hand(project, people.office, project.county, "x", "2017-09-29T10:00")
    with pytest.raises(AppError, match="分类"):
        hand_over(project, title="x", description="y", department=units.zrzy, category_codes=["nope"],
                  user=people.office, now=at("2017-09-29T10:00"))
    assert not Case.objects.exists() and not ProjectProblem.objects.exists()


@pytest.fixture
def four(people, units, project) -> dict[str, ProjectProblem]:  # type: ignore[no-untyped-def]  # noqa: F811
    links = {"A": _hand(project, people.office, units.zrzy, "A 用地", "2017-09-29T10:00"),
             "B": _hand(project, people.office, units.fgw, "B 立项", "2017-10-09T10:00"),
             "C": _hand(project, people.office, units.rsj, "C 用工", "2017-10-16T10:00"),
             "D": _hand(project, people.office, units.zrzy, "D 环评", "2017-09-29T11:00")}
    d = Case.objects.get(pk=links["D"].case_id)
    d = apply_action(d, Action.ACCEPT, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-10-09T09:00"))
    apply_action(d, Action.CLOSE, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-10-12T16:00"))
    return links


def test_problem_rows_light_each_open_problem_and_list_the_closed_last(project, four) -> None:  # type: ignore[no-untyped-def]
    rows = problem_rows(project, dt.date(2017, 10, 20))
    assert [(r["title"], r["light"], r["light_label"]) for r in rows] == [
        ("A 用地", "red", "已逾期"), ("B 立项", "yellow", "临近时限"), ("C 用工", "green", "在时限内"), ("D 环评", "", "")]
    assert [r["deadline_text"] for r in rows] == ["2017-10-19 24:00", "2017-10-23 24:00", "2017-10-30 24:00",
                                                  "2017-10-19 24:00"]
    assert [r["department"] for r in rows] == ["市自然资源和规划局", "市发展和改革委员会", "市人力资源和社会保障局",
                                               "市自然资源和规划局"]
    assert [r["state_label"] for r in rows] == ["交办", "交办", "交办", "办结"]
    assert rows[0]["url"] == f"/cases/{four['A'].case_id}/"


@pytest.mark.parametrize(("day", "light"), [
    (dt.date(2017, 10, 16), "green"),   # 10-16 24:00 is before the reminder (10-17 08:30)
    (dt.date(2017, 10, 17), "yellow"),  # the reminder's day
    (dt.date(2017, 10, 19), "yellow"),  # the deadline's own day: due at its end, not yet late
    (dt.date(2017, 10, 20), "red"),     # the day after
])
def test_a_problems_light_moves_with_the_day(people, units, project, day, light) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _hand(project, people.office, units.zrzy, "A 用地", "2017-09-29T10:00")
    assert problem_rows(project, day)[0]["light"] == light


def test_problem_rows_take_a_moment_too(people, units, project) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _hand(project, people.office, units.zrzy, "A 用地", "2017-09-29T10:00")
    assert problem_rows(project, at("2017-10-17T08:29"))[0]["light"] == "green"
    assert problem_rows(project, at("2017-10-17T08:30"))[0]["light"] == "yellow"
    assert problem_rows(project, at("2017-10-20T00:00"))[0]["light"] == "yellow"  # exactly at 24:00: on time
    assert problem_rows(project, at("2017-10-20T00:01"))[0]["light"] == "red"


def test_overdue_problems_list_only_the_overdue_open_ones(project, four) -> None:  # type: ignore[no-untyped-def]
    rows = overdue_problems(dt.date(2017, 10, 20))
    assert [(r["title"], r["working_days_overdue"]) for r in rows] == [("A 用地", 1)]
    assert rows[0]["county"] == "岳阳县（测试）" and rows[0]["department"] == "市自然资源和规划局"
    assert rows[0]["project_code"] == "XM-001" and rows[0]["deadline_text"] == "2017-10-19 24:00"
    # the month's end (period 2017-10 → 10-31): A 8, B 6, C 1 working days; D (closed on time) never
    month = overdue_problems("2017-10")
    assert [(r["title"], r["working_days_overdue"]) for r in month] == [("A 用地", 8), ("B 立项", 6), ("C 用工", 1)]
    assert overdue_problems(dt.date(2017, 10, 19)) == []  # A is due at the end of 10-19


def test_overdue_problems_at_a_past_day_count_a_problem_closed_later(people, project, four) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    a = Case.objects.get(pk=four["A"].case_id)
    a = apply_action(a, Action.ACCEPT, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-10-20T09:00"))
    apply_action(a, Action.CLOSE, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-10-25T10:00"))
    # on 10-20 A was still open and late; on 10-31 it is closed (late, but no longer open)
    assert [r["title"] for r in overdue_problems(dt.date(2017, 10, 20))] == ["A 用地"]
    assert [r["title"] for r in overdue_problems("2017-10")] == ["B 立项", "C 用工"]
    # a problem received after the day counted is not in it
    assert overdue_problems(dt.date(2017, 9, 28)) == []


def test_rating_unsatisfied_reopens_a_problem_which_then_counts_as_open(people, project, four) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    d = Case.objects.get(pk=four["D"].case_id)
    rate(d, "unsatisfied", user=people.office, role=CaseRole.OFFICE, reason="手续仍未办完", reason_kind="subjective",
         now=at("2017-10-13T09:00"))
    rows = problem_rows(project, dt.date(2017, 10, 20))
    d_row = next(r for r in rows if r["title"] == "D 环评")
    assert d_row["is_open"] and d_row["state_label"] == "退回重办" and d_row["light"] == "red"
    assert {r["title"] for r in overdue_problems(dt.date(2017, 10, 20))} == {"A 用地", "D 环评"}


# --- the hand-over page ---------------------------------------------------------------------------------------


def _form(units, title: str = "用地报批受阻") -> dict:  # type: ignore[no-untyped-def]  # noqa: F811
    return {"title": title, "description": "项目用地报批材料被退回两次，请协调。", "department": units.zrzy.pk,
            "categories": ["land", "approval"]}


def test_the_office_hands_a_problem_over_on_the_page(people, units, project, login, clock) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    office = login("office")
    page = office.get(f"/projects/{project.pk}/problems/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "交办项目问题：示例新材料产业园项目" in html and "市自然资源和规划局" in html and "10个工作日内办结" in html
    clock.set("2017-09-29T10:00")
    response = office.post(f"/projects/{project.pk}/problems/new/", _form(units))
    link = ProjectProblem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{link.case_id}/"
    case = link.case
    assert case.state == State.ASSIGNED and case.lead_unit == units.zrzy and case.title == "用地报批受阻"
    assert set(case.categories.values_list("category", flat=True)) == {"land", "approval"}
    assert format_deadline(case.close_deadline) == "2017-10-19 24:00"
    # the case page opens for the office and for the department it was handed to
    assert office.get(f"/cases/{link.case_id}/").status_code == 200
    assert login("zrzy").get(f"/cases/{link.case_id}/").status_code == 200
    assert login("zrzy").get("/cases/inbox/").content.decode().count("用地报批受阻") >= 1


def test_the_form_explains_what_is_missing(people, units, project, login) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    office = login("office")
    bad = office.post(f"/projects/{project.pk}/problems/new/", {**_form(units), "department": units.firm.pk,
                                                                "categories": []})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "所选部门不在市直部门名单中" in html and "请至少选择一个分类" in html
    assert not ProjectProblem.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize(("who", "status"), [
    ("leader", 403), ("yyx_rep", 403), ("yyx_rev", 403), ("zrzy", 403), ("firm", 403), ("auditor", 403),
])
def test_only_the_office_hands_problems_over(people, units, project, login, who, status) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = login(who)
    assert client.get(f"/projects/{project.pk}/problems/new/").status_code == status
    assert client.post(f"/projects/{project.pk}/problems/new/", _form(units)).status_code == status
    assert not Case.objects.exists()


def test_an_unknown_project_is_a_404_to_the_office(people, login) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert login("office").get("/projects/999999/problems/new/").status_code == 404


def test_a_county_user_still_gets_403_for_the_case_pages(people, units, project, login) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    # project problems are cases: the county's people see them on the project page, not on /cases/ (403 there)
    link = _hand(project, people.office, units.zrzy, "A 用地", "2017-09-29T10:00")
    assert login("yyx_rep").get(f"/cases/{link.case_id}/").status_code == 403
    assert login("fgw").get(f"/cases/{link.case_id}/").status_code == 404  # another department: not told


def test_the_project_block_renders_the_rows(rf, people, units, project, four) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from django.template.loader import render_to_string

    from newind.projects.problems_views import problems_context

    context = problems_context(project, people.office, dt.date(2017, 10, 20))
    assert context["problems_new_url"] == f"/projects/{project.pk}/problems/new/"
    html = render_to_string("projects/_detail_problems.html", context)
    assert html.count('class="light light-red"') == 1 and html.count('class="light light-yellow"') == 1
    assert html.count('class="light light-green"') == 1 and "已办结" in html and "交办新问题" in html
    county = problems_context(project, people.yyx_rep, dt.date(2017, 10, 20))
    assert county["problems_new_url"] == "" and len(county["problems"]) == 4
    county_html = render_to_string("projects/_detail_problems.html", county)
    assert "交办新问题" not in county_html
    # The county's people cannot open the cases on /cases/ (403): no links there, the codes shown as text.
    assert all(r["url"] == "" for r in county["problems"]) and 'href="/cases/' not in county_html
    assert all(r["url"].startswith("/cases/") for r in context["problems"]) and 'href="/cases/' in html
