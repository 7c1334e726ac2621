"""Logging a visit (the official on a phone, or the office) and a problem found becoming an appeal."""

from __future__ import annotations

import datetime as dt

import pytest

from newind.audit.models import AuditEntry
from newind.cases.models import Case
from newind.core.errors import AppError
from newind.pairing.models import Visit, VisitProblem
from newind.pairing.services import log_visit, problem_to_appeal
from tests.pairing.conftest import LZ, ZB

pytestmark = pytest.mark.django_db

VISIT = {"date": "2017-12-05", "kind": "visit", "participants": "张三、企业总经理", "discussed": "扩产计划",
         "problems": "扩建用地指标未落实\n\n高压线路迁改慢"}


def test_the_official_logs_a_visit_and_turns_a_problem_into_an_appeal_in_one_click(client_as, paired, settings) -> None:  # type: ignore[no-untyped-def]
    client = client_as("yyx_rep")  # 张三's account
    pairing = paired[ZB]
    assert client.get(f"/pairing/{pairing.pk}/visits/new/").status_code == 200
    response = client.post(f"/pairing/{pairing.pk}/visits/new/", VISIT)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.official, visit.firm_id, visit.date) == (pairing.official, pairing.firm_id, dt.date(2017, 12, 5))
    problems = list(visit.problems.order_by("id"))
    assert [p.description for p in problems] == ["扩建用地指标未落实", "高压线路迁改慢"]
    assert AuditEntry.objects.filter(action="pairing.visit", object_id=str(visit.pk)).exists()

    page = client.get(f"/pairing/visits/{visit.pk}/").content.decode()
    assert "转为企业诉求" in page
    click = client.post(f"/pairing/visits/{visit.pk}/problems/{problems[0].pk}/appeal/", {"category": "land"})
    assert click.status_code == 302
    problems[0].refresh_from_db()
    case = Case.objects.get()
    assert problems[0].case_id == case.pk
    assert (case.kind, case.channel, case.concerned_unit_id) == ("appeal", "visit", pairing.firm_id)
    assert list(case.categories.values_list("category", flat=True)) == ["land"]
    assert "扩建用地指标未落实" in case.title and case.created_by == pairing.official.user
    assert AuditEntry.objects.filter(action="case.file", object_id=str(case.pk)).exists()
    assert AuditEntry.objects.filter(action="pairing.problem_to_appeal", object_id=str(problems[0].pk)).exists()
    assert f"已转为诉求 {case.code}" in client.get(f"/pairing/visits/{visit.pk}/").content.decode()
    # A second click files nothing more.
    again = client.post(f"/pairing/visits/{visit.pk}/problems/{problems[0].pk}/appeal/", {"category": "land"})
    assert again.status_code == 409 and Case.objects.count() == 1


def test_a_visit_outside_the_pairing_or_in_the_future_is_refused(cast, paired) -> None:  # type: ignore[no-untyped-def]
    kwargs = {"kind": "call", "participants": "张三", "discussed": "电话了解"}
    with pytest.raises(AppError, match="不在该包联关系的期限"):
        log_visit(cast.office, paired[ZB].pk, date=dt.date(2016, 12, 1), **kwargs)
    with pytest.raises(AppError, match="晚于今天"):
        log_visit(cast.office, paired[ZB].pk, date=dt.date(2017, 12, 21), today=dt.date(2017, 12, 20), **kwargs)
    assert Visit.objects.count() == 0


def test_the_office_logs_for_anyone_and_a_firm_and_a_leader_only_read(client_as, cast, paired, firm_users) -> None:  # type: ignore[no-untyped-def]
    visit = log_visit(cast.office, paired[ZB].pk, date=dt.date(2017, 12, 1), kind="meeting", participants="座谈会",
                      discussed="政策宣讲", problems=["融资难"])
    problem = VisitProblem.objects.get(visit=visit)
    firm = client_as("yyx_rev")  # not an official: sees no pairing
    assert firm.get(f"/pairing/{paired[ZB].pk}/").status_code == 403
    client = client_as("leader")
    assert client.get(f"/pairing/visits/{visit.pk}/").status_code == 200
    assert client.post(f"/pairing/{paired[ZB].pk}/visits/new/", VISIT).status_code == 403
    assert client.post(f"/pairing/visits/{visit.pk}/problems/{problem.pk}/appeal/").status_code == 403
    # The firm's own user sees its official and its visits, and writes nothing.
    client.force_login(firm_users["zb"])
    page = client.get(f"/pairing/{paired[ZB].pk}/").content.decode()
    assert "张三" in page and "13907300001" in page and "记录走访或电话" not in page
    assert client.get(f"/pairing/visits/{visit.pk}/").status_code == 200
    assert client.post(f"/pairing/visits/{visit.pk}/problems/{problem.pk}/appeal/").status_code == 403
    assert client.get(f"/pairing/{paired[LZ].pk}/").status_code == 403  # another firm's pairing
    assert Case.objects.count() == 0 and Visit.objects.count() == 1
    # 李四 has no account: the office turns his firm's problem into an appeal.
    case = problem_to_appeal(cast.office, problem.pk, category="financing")
    assert case.concerned_unit_id == paired[ZB].firm_id
