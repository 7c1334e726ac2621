"""The metrics and overdue pages, their Excel exports and the JSON API, against hand-counted figures; and the
scope rule: a department sees only the cases it leads, whatever the query string says."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from newind.accounts.services import create_user
from newind.audit.models import AuditEntry
from newind.cases.models import Case, CaseCategory, CaseEvent
from newind.cases.sla import working_days_to_close
from tests.cases.conftest import at

AT = "2017-11-01"  # counted as of the end of that day (2017-11-02 00:00)
Q = f"at={AT}&year=2017&kind=appeal"


def _case(n: int, lead: Any, *, received: str, deadline: str, state: str, closed: str | None = None,
          rating: str = "", extended: int = 0, redo: int = 0, reason_kind: str = "",
          categories: tuple[str, ...] = ("other",)) -> Case:
    days = working_days_to_close(at(received), at(closed)) if closed else None
    case = Case.objects.create(code=f"SQ{n}", title=f"事项{n}", kind="appeal", lead_unit=lead, sla_profile="zhongshan",
                               received_at=at(received), close_deadline=at(deadline),
                               original_close_deadline=at(deadline), state=state, working_days_to_close=days,
                               closed_at=at(closed) if closed else None, rating=rating, extensions_approved=extended,
                               redo_count=redo, unsatisfied_reason_kind=reason_kind, concerned_name=f"企业{n}",
                               is_synthetic=True)
    CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in categories])
    return case


@pytest.fixture
def cases(units):  # type: ignore[no-untyped-def]
    c = {
        # 发改委 (4 cases in 2017):
        # c1 received 09-29, closed 10-10 before its 10-12 24:00 deadline, satisfied; working days 09-30 (调休),
        #    10-09, 10-10 = 3.
        1: _case(1, units.fgw, received="2017-09-29T10:00", deadline="2017-10-13T00:00", state="archived",
                 closed="2017-10-10T10:00", rating="satisfied", categories=("financing", "land")),
        # c2 closed 10-20 after its 10-16 24:00 deadline: done late by 4 working days (10-17…10-20); rated
        #    unsatisfied for an objective reason; working days 10-10…10-13, 10-16…10-20 = 9.
        2: _case(2, units.fgw, received="2017-10-09T09:00", deadline="2017-10-17T00:00", state="evaluated",
                 closed="2017-10-20T09:00", rating="unsatisfied", reason_kind="objective", categories=("financing",)),
        # c3 extended to 10-26 24:00, reopened once, closed again 10-25: on time, basically satisfied; 12 WD.
        3: _case(3, units.fgw, received="2017-10-09T09:00", deadline="2017-10-27T00:00", state="evaluated",
                 closed="2017-10-25T16:00", rating="basically_satisfied", extended=1, redo=1, categories=("land",)),
        # c4 still in progress, past its 10-16 24:00 deadline: 12 working days late on 11-01 (10-17…20, 23…27,
        #    30, 31, 11-01).
        4: _case(4, units.fgw, received="2017-10-09T09:00", deadline="2017-10-17T00:00", state="in_progress",
                 categories=("financing",)),
        # 自然资源局: c6 still open, 12 working days late as c4; c5 received in 2018 (outside year=2017).
        5: _case(5, units.zrzy, received="2018-02-14T10:00", deadline="2018-02-28T00:00", state="closed",
                 closed="2018-02-22T11:00", categories=("approval",)),
        6: _case(6, units.zrzy, received="2017-10-09T10:00", deadline="2017-10-17T00:00", state="redo",
                 redo=1, categories=("approval",)),
    }
    # The timeline keeps the reasons of the unsatisfied ratings (c3's was before its redo).
    CaseEvent.objects.create(case=c[2], at=at("2017-10-23T09:00"), kind="rate_unsatisfied_final",
                             note="诉求超出政策规定范围")
    CaseEvent.objects.create(case=c[3], at=at("2017-10-20T09:00"), kind="rate_unsatisfied_redo", note="办理时间过长")
    CaseEvent.objects.create(case=c[6], at=at("2017-10-20T09:00"), kind="rate_unsatisfied_redo", note="办理时间过长")
    return c


@pytest.fixture
def dept(cast, units):  # type: ignore[no-untyped-def]
    """Department users of 发改委 and 自然资源局."""
    return {code: create_user(f"bm_{code}", "department", password="Dept-Pass-2017", unit_code=unit.code,
                              name=f"{unit.name}经办人", must_change_password=False)
            for code, unit in (("fgw", units.fgw), ("zrzy", units.zrzy))}


def _login(client: Any, user: Any) -> Any:
    client.logout()
    client.force_login(user)
    return client


def test_the_department_metrics_page_shows_the_hand_counted_figures(client, cast, cases, units) -> None:  # type: ignore[no-untyped-def]
    response = _login(client, cast.office).get(f"/cases/metrics/?by=department&{Q}")
    assert response.status_code == 200
    rows = {r["key"]: r for r in response.context["rows"]}
    assert set(rows) == {"市发展和改革委员会", "市自然资源和规划局"}
    fgw = rows["市发展和改革委员会"]
    # 4 cases, 3 closed (75.0%), 2 of them on time (66.7%), 1 extended (25.0%), 2 satisfied of 3 rated
    # (66.7%), (3 + 9 + 12) / 3 = 8.0 working days; c2 done late, c4 still open; c3 reopened once, c2
    # unsatisfied for an objective reason.
    assert (fgw["total"], fgw["closed"], fgw["closure_rate"], fgw["closed_on_time"], fgw["on_time_rate"]) == (
        4, 3, 75.0, 2, 66.7)
    assert (fgw["extended"], fgw["extension_rate"], fgw["rated"], fgw["satisfied"], fgw["satisfaction_rate"]) == (
        1, 25.0, 3, 2, 66.7)
    assert fgw["avg_working_days_to_close"] == 8.0
    assert (fgw["overdue_done_late"], fgw["overdue_still_open"]) == (1, 1)
    assert (fgw["unsatisfied_subjective"], fgw["unsatisfied_objective"], fgw["reopened"]) == (1, 1, 1)
    zrzy = rows["市自然资源和规划局"]
    # c6 alone in 2017: none closed (0.0%), no rate on closed or rated cases ("—").
    assert (zrzy["total"], zrzy["closure_rate"], zrzy["on_time_rate"], zrzy["satisfaction_rate"]) == (1, 0.0, "—", "—")
    assert zrzy["avg_working_days_to_close"] == "—" and zrzy["overdue_still_open"] == 1
    html = response.content.decode()
    assert "75.0%" in html and "66.7%" in html and "<td>—</td>" in html
    # The reasons: 办理时间过长 twice (c3, c6), 诉求超出政策规定范围 once.
    assert [(r["reason"], r["count"]) for r in response.context["reasons"]] == [("办理时间过长", 2), ("诉求超出政策规定范围", 1)]
    assert response.context["counts"] == {"still_open": 2, "done_late": 1}  # c4 and c6; c2


def test_the_category_and_month_pages(client, cast, cases) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, cast.leader)
    rows = {r["key"]: r for r in client.get(f"/cases/metrics/?by=category&{Q}").context["rows"]}
    # 融资: c1, c2, c4; 用地: c1, c3; 审批服务: c6 (c5 is 2018).
    assert {k: r["total"] for k, r in rows.items()} == {"融资": 3, "用地": 2, "审批服务": 1}
    # The overdue counts are of cases, not of tags (c4 counts once though 融资 and no other tag).
    assert client.get(f"/cases/metrics/?by=category&{Q}").context["counts"] == {"still_open": 2, "done_late": 1}
    assert rows["用地"]["closed_on_time"] == 2 and rows["用地"]["on_time_rate"] == 100.0
    months = {r["key"]: r for r in client.get(f"/cases/metrics/?by=month&{Q}").context["rows"]}
    assert {k: r["total"] for k, r in months.items()} == {"2017-09": 1, "2017-10": 4}
    everything = {r["key"]: r["total"] for r in client.get(f"/cases/metrics/?by=month&at={AT}").context["rows"]}
    assert everything == {"2017-09": 1, "2017-10": 4, "2018-02": 1}


def test_the_overdue_page_lists_both_kinds_with_working_days_late(client, cast, cases) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, cast.office)
    response = client.get(f"/cases/overdue/?{Q}")
    assert response.status_code == 200
    assert response.context["counts"] == {"still_open": 2, "done_late": 1}
    assert [(r["code"], r["working_days_late"]) for r in response.context["rows"]] == [("SQ4", 12), ("SQ6", 12)]
    late = client.get(f"/cases/overdue/?{Q}&list=done_late").context["rows"]
    assert [(r["code"], r["working_days_late"]) for r in late] == [("SQ2", 4)]
    html = response.content.decode()
    assert "2017-10-16 24:00" in html and "示例数据" in html and 'class="table-wrap"' in html


def test_bad_parameters_get_a_chinese_400(client, cast, cases) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, cast.office)
    for query, word in (("by=county", "by"), ("kind=x", "kind"), ("year=abc", "year"), ("at=11/01", "at"),
                        ("list=all", "list")):
        response = client.get(f"/cases/metrics/?{query}")
        assert response.status_code == 400, query
        assert word in response.content.decode()


def _sheet_rows(content: bytes, sheet: str) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(content))[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] in {"牵头承办单位", "分类", "受理月份", "序号", "原因类型"})
    return rows[header:]


def test_the_metrics_export_holds_the_hand_counts(client, cast, cases) -> None:  # type: ignore[no-untyped-def]
    response = _login(client, cast.office).get(f"/cases/metrics.xlsx?{Q}")
    assert response.status_code == 200
    rows = _sheet_rows(response.content, "按承办单位")
    header = rows[0]
    fgw = dict(zip(header, next(r for r in rows if r[0] == "市发展和改革委员会"), strict=True))
    assert (fgw["事项数（件）"], fgw["办结（件）"], fgw["办结率（%）"], fgw["按期办结率（%）"], fgw["延期率（%）"]) == (
        4, 3, 75.0, 66.7, 25.0)
    assert (fgw["满意率（%）"], fgw["平均办结用时（工作日）"], fgw["逾期办结（件）"], fgw["逾期未办结（件）"]) == (66.7, 8.0, 1, 1)
    assert (fgw["不满意·主观原因（次）"], fgw["不满意·客观原因（次）"], fgw["退回重办（件）"]) == (1, 1, 1)
    zrzy = dict(zip(header, next(r for r in rows if r[0] == "市自然资源和规划局"), strict=True))
    assert zrzy["按期办结率（%）"] == "—" and zrzy["满意率（%）"] == "—" and zrzy["办结率（%）"] == 0.0
    months = _sheet_rows(response.content, "按月份")
    assert [(r[0], r[1]) for r in months[1:]] == [("2017-09", 1), ("2017-10", 4)]
    reasons = _sheet_rows(response.content, "不满意原因")
    assert [(r[1], r[2]) for r in reasons[1:]] == [("办理时间过长", 2), ("诉求超出政策规定范围", 1)]
    assert AuditEntry.objects.filter(action="export", actor="office", summary__contains="事项办理统计").exists()


def test_the_overdue_export_holds_both_lists(client, cast, cases) -> None:  # type: ignore[no-untyped-def]
    response = _login(client, cast.office).get(f"/cases/overdue.xlsx?{Q}")
    assert response.status_code == 200
    still = _sheet_rows(response.content, "逾期未办结")
    header = still[0]
    assert [(r[header.index("编号")], r[header.index("逾期（工作日）")]) for r in still[1:]] == [("SQ4", 12), ("SQ6", 12)]
    late = _sheet_rows(response.content, "逾期办结")
    assert [(r[1], r[header.index("办结时限")], r[header.index("逾期（工作日）")]) for r in late[1:]] == [
        ("SQ2", "2017-10-16 24:00", 4)]


def test_the_api_gives_the_same_figures_as_json(client, cast, cases) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, cast.office)
    body = client.get(f"/api/cases/metrics/?by=department&{Q}").json()
    assert body["by"] == "department" and body["year"] == 2017 and body["kind"] == "appeal"
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["市发展和改革委员会"]["on_time_rate"] == 66.7
    assert rows["市自然资源和规划局"]["on_time_rate"] is None  # no denominator: null, not 0
    overdue = client.get(f"/api/cases/overdue/?{Q}").json()
    assert overdue["counts"] == {"still_open": 2, "done_late": 1}
    assert [(i["code"], i["working_days_late"], i["close_deadline"]) for i in overdue["items"]] == [
        ("SQ4", 12, "2017-10-17T00:00:00+08:00"), ("SQ6", 12, "2017-10-17T00:00:00+08:00")]
    assert client.get("/api/cases/metrics/?by=county").status_code == 400


def test_a_department_sees_only_the_cases_it_leads(client, cast, cases, dept, units) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, dept["fgw"])
    page = client.get(f"/cases/metrics/?by=department&{Q}")
    assert page.status_code == 200
    assert [r["key"] for r in page.context["rows"]] == ["市发展和改革委员会"]
    assert [u["name"] for u in page.context["units"]] == ["市发展和改革委员会"]
    categories = {r["key"]: r["total"] for r in client.get(f"/cases/metrics/?by=category&{Q}").context["rows"]}
    assert categories == {"融资": 3, "用地": 2}  # not 自然资源局's 审批服务
    overdue = client.get(f"/cases/overdue/?{Q}").context
    assert overdue["counts"] == {"still_open": 1, "done_late": 1}
    assert [r["code"] for r in overdue["rows"]] == ["SQ4"]
    assert [r["code"] for r in client.get(f"/api/cases/overdue/?{Q}").json()["items"]] == ["SQ4"]
    api = client.get(f"/api/cases/metrics/?by=month&{Q}").json()
    assert api["units"] == [units.fgw.pk] and [r["total"] for r in api["rows"]] == [1, 3]
    # Its own unit asked by id is fine; another's (an edited parameter) is a 403 on every path.
    assert client.get(f"/cases/metrics/?{Q}&unit={units.fgw.pk}").status_code == 200
    for url in (f"/cases/metrics/?{Q}&unit={units.zrzy.pk}", f"/cases/overdue/?{Q}&unit={units.zrzy.pk}",
                f"/cases/metrics.xlsx?{Q}&unit={units.zrzy.pk}", f"/cases/overdue.xlsx?{Q}&unit={units.zrzy.pk}",
                f"/api/cases/metrics/?{Q}&unit={units.zrzy.pk}", f"/api/cases/overdue/?{Q}&unit={units.zrzy.pk}"):
        response = client.get(url)
        assert response.status_code == 403, url
        text = response.json()["message"] if url.startswith("/api/") else response.content.decode()
        assert "本部门" in text, url
    workbook = client.get(f"/cases/overdue.xlsx?{Q}").content
    assert [r[1] for r in _sheet_rows(workbook, "逾期未办结")[1:]] == ["SQ4"]
    metrics_book = client.get(f"/cases/metrics.xlsx?{Q}").content
    assert [r[0] for r in _sheet_rows(metrics_book, "按承办单位")[1:]] == ["市发展和改革委员会"]
    # 自然资源局's user sees its own c6 and nothing of 发改委's.
    other = _login(client, dept["zrzy"]).get(f"/cases/overdue/?{Q}").context
    assert [r["code"] for r in other["rows"]] == ["SQ6"] and other["counts"] == {"still_open": 1, "done_late": 0}


def test_the_office_may_narrow_to_one_unit(client, cast, cases, units) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, cast.office)
    rows = client.get(f"/cases/overdue/?{Q}&unit={units.zrzy.pk}").context["rows"]
    assert [r["code"] for r in rows] == ["SQ6"]


@pytest.mark.parametrize("who", ["yyx_rep", "yyx_rev", "auditor", "sysadmin", "secadmin"])
def test_others_are_refused(client, cast, cases, who) -> None:  # type: ignore[no-untyped-def]
    client = _login(client, getattr(cast, who))
    for url in ("/cases/metrics/", "/cases/overdue/", "/cases/metrics.xlsx", "/cases/overdue.xlsx",
                "/api/cases/metrics/", "/api/cases/overdue/"):
        assert client.get(url).status_code == 403, (who, url)


def test_the_menu_offers_the_page_to_office_leaders_and_departments(client, cast, dept) -> None:  # type: ignore[no-untyped-def]
    from newind.home.menu import entries_for

    def offered(user: Any) -> bool:
        return "/cases/metrics/" in [e.url for e in entries_for(user)]

    assert offered(cast.office) and offered(cast.leader) and offered(dept["fgw"])
    assert not any(offered(getattr(cast, w)) for w in ("yyx_rep", "auditor", "sysadmin", "secadmin"))


def test_the_overdue_list_pages_by_fifty(client, cast, units) -> None:  # type: ignore[no-untyped-def]
    for n in range(60):
        _case(100 + n, units.rsj, received="2017-03-01T09:00", deadline=f"2017-03-{8 + n % 20:02d}T00:00",
              state="in_progress")
    client = _login(client, cast.office)
    first = client.get(f"/cases/overdue/?{Q}").context
    second = client.get(f"/cases/overdue/?{Q}&page=2").context
    assert (first["total"], first["pages"], len(first["rows"]), len(second["rows"])) == (60, 2, 50, 10)
    assert second["start"] == 51
    deadlines = [r["close_deadline"] for r in first["rows"] + second["rows"]]
    assert deadlines == sorted(deadlines)
