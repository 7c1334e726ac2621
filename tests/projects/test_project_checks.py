"""停工 and 复工 with a reason and a review, and the office's 弄虚作假 finding, on the project page.

岳阳县's reporter records a stoppage of project A (progress_helpers), the office reviews it; a rejected
stoppage stops counting (the project page and the lights); 复工 goes back to review. The office finds A
falsified with a reason: the county's 赛马 deduction grows by exactly 0.2 (the scheme's −0.2 per falsified
project), and the withdrawal takes it back. Each step is a ProjectChange row and an audit entry; others get 403.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newind.audit.models import AuditEntry
from newind.projects.league import league_table
from newind.projects.lights import lights_block
from newind.projects.models import Project, ProjectChange, ProjectStoppage
from tests.projects.progress_helpers import projects  # noqa: F401

pytestmark = pytest.mark.django_db


def _url(project: Project, tail: str = "") -> str:
    return f"/projects/{project.pk}/{tail}"


def _kinds(project: Project) -> list[str]:
    return list(ProjectChange.objects.filter(project=project).order_by("id").values_list("kind", flat=True))


def test_a_stoppage_is_recorded_reviewed_and_resumed(client_as, cast, projects) -> None:  # noqa: F811
    a = projects.a
    rep = client_as("yyx_rep")
    page = rep.get(_url(a)).content.decode()
    assert 'id="stoppage-form"' in page and "登记停工" in page
    assert 'id="falsified-form"' not in page  # the finding is the office's
    # A blank reason, a bad date and a future date are refused with the page and the input kept; nothing written.
    blank = rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-10", "reason": " "})
    assert blank.status_code == 400 and "请写明停工原因" in blank.content.decode()
    bad = rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017/03/10", "reason": "资金未到位"})
    assert bad.status_code == 400 and "「2017/03/10」不是日期" in bad.content.decode()
    assert "资金未到位" in bad.content.decode()  # kept in the form
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    late = rep.post(_url(a, "stoppage/"), {"action": "stop", "date": future, "reason": "资金未到位"})
    assert late.status_code == 400 and "晚于今天" in late.content.decode()
    assert not ProjectStoppage.objects.exists()

    ok = rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-10", "reason": "资金未到位"})
    assert ok.status_code == 302
    a.refresh_from_db()
    stop = ProjectStoppage.objects.get()
    assert a.is_stopped and (stop.stopped_on, stop.reason, stop.review) == (dt.date(2017, 3, 10), "资金未到位", "pending")
    assert lights_block(a, "2017-03")["stopped"] is True
    # A second stoppage before 复工 is a conflict.
    again = rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-12", "reason": "又停"})
    assert again.status_code == 409 and "尚未复工" in again.content.decode()
    # The reporter cannot review; the office rejects only with a reason.
    assert rep.post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "confirmed"}).status_code == 403
    office = client_as("office")
    assert 'id="review-stoppage-' in office.get(_url(a)).content.decode()
    no_reason = office.post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "rejected", "note": ""})
    assert no_reason.status_code == 400 and "审核不通过时请写明理由" in no_reason.content.decode()
    rejected = office.post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "rejected",
                                                                     "note": "现场核查仍在施工"})
    assert rejected.status_code == 302
    a.refresh_from_db()
    stop.refresh_from_db()
    assert not a.is_stopped and stop.review == "rejected" and stop.reviewed_by == cast.office
    assert lights_block(a, "2017-03")["stopped"] is False  # a rejected stoppage does not count
    twice = office.post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "confirmed"})
    assert twice.status_code == 409

    # A new stoppage, confirmed, then 复工 (not before the stop), which goes back to review.
    rep = client_as("yyx_rep")
    assert rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-15",
                                           "reason": "环保督察整改"}).status_code == 302
    second = ProjectStoppage.objects.latest("id")
    office = client_as("office")
    assert office.post(_url(a, f"stoppage/{second.pk}/review/"), {"decision": "confirmed"}).status_code == 302
    rep = client_as("yyx_rep")
    assert "登记复工" in rep.get(_url(a)).content.decode()
    early = rep.post(_url(a, "stoppage/"), {"action": "resume", "date": "2017-03-01", "reason": "整改完成"})
    assert early.status_code == 400 and "早于停工日期 2017-03-15" in early.content.decode()
    assert rep.post(_url(a, "stoppage/"), {"action": "resume", "date": "2017-04-20",
                                           "reason": "整改完成，验收通过"}).status_code == 302
    a.refresh_from_db()
    second.refresh_from_db()
    assert not a.is_stopped and second.resumed_on == dt.date(2017, 4, 20) and second.review == "pending"
    assert second.reviewed_by is None
    nothing = rep.post(_url(a, "stoppage/"), {"action": "resume", "date": "2017-04-21", "reason": "x"})
    assert nothing.status_code == 409

    # The history and the audit log have each step, with who did it.
    # stop, its rejection, stop, its confirmation, 复工 (each review a 变更 row of 停工复工审核)
    assert _kinds(a) == ["stopped", "changed", "stopped", "changed", "resumed"]
    assert ProjectChange.objects.filter(project=a).order_by("id").first().changed_by == cast.yyx_rep  # type: ignore[union-attr]
    actions = list(AuditEntry.objects.filter(action__startswith="projects.").values_list("action", flat=True))
    assert actions.count("projects.stoppage") == 2 and actions.count("projects.stoppage_review") == 2
    assert actions.count("projects.resumption") == 1
    page = client_as("office").get(_url(a)).content.decode()
    assert "环保督察整改" in page and "现场核查仍在施工" in page and "整改完成，验收通过" in page


def test_who_may_record_and_review(client_as, projects) -> None:  # noqa: F811
    a, f = projects.a, projects.f
    # Another county's reporter and the leader cannot record a stoppage of 岳阳县's project.
    assert client_as("yx_rep").post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-10",
                                                           "reason": "x"}).status_code == 403
    assert client_as("leader").post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-10",
                                                           "reason": "x"}).status_code == 403
    assert 'id="stoppage-form"' not in client_as("leader").get(_url(a)).content.decode()
    assert client_as("yyx_rep").post(_url(f, "stoppage/"), {"action": "stop", "date": "2017-03-10",
                                                            "reason": "x"}).status_code == 403
    # The finding is the office's alone.
    for who in ("yyx_rep", "yyx_rev", "leader"):
        assert client_as(who).post(_url(a, "falsified/"), {"falsified": "1", "reason": "x"}).status_code == 403
    # The review of another project's stoppage id is not found.
    office = client_as("office")
    office.post(_url(f, "stoppage/"), {"action": "stop", "date": "2017-03-10", "reason": "资金"})
    stop = ProjectStoppage.objects.get(project=f)
    assert office.post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "confirmed"}).status_code == 404
    assert not ProjectChange.objects.filter(project=a).exists()


def test_the_falsified_finding_costs_the_county_0_2_in_the_league(client_as, cast, projects) -> None:  # noqa: F811
    a = projects.a

    def deductions(period: str = "2017-03") -> float:
        units = {u["code"]: u for u in league_table(period)["units"]}
        return float(units["430621"]["deductions"])

    before, before_feb = deductions(), deductions("2017-02")
    office = client_as("office")
    blank = office.post(_url(a, "falsified/"), {"falsified": "1", "reason": ""})
    assert blank.status_code == 400 and "请写明认定理由" in blank.content.decode()
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    late = office.post(_url(a, "falsified/"), {"falsified": "1", "reason": "虚报", "date": future})
    assert late.status_code == 400 and "晚于今天" in late.content.decode()
    assert office.post(_url(a, "falsified/"), {"falsified": "1", "date": "2017-03-10",
                                               "reason": "虚报开工：现场未见施工"}).status_code == 302
    a.refresh_from_db()
    assert a.is_falsified and a.falsified_reason == "虚报开工：现场未见施工"
    assert a.falsified_on == dt.date(2017, 3, 10)
    # Found on 03-10: 1—2月 (ended 02-28) is not deducted, 1—3月 is.
    assert round(deductions("2017-02"), 4) == round(before_feb, 4)
    # −0.2 per falsified project (definitions/schemes/projects-saima.yaml): the deduction grows by exactly 0.2.
    after = deductions()
    assert round(abs(after) - abs(before), 4) == 0.2
    units = {u["code"]: u for u in league_table("2017-03")["units"]}
    assert units["430621"]["falsified"] == 1
    page = office.get(_url(a)).content.decode()
    assert "本项目于 2017-03-10 已认定弄虚作假：虚报开工：现场未见施工" in page and "撤销认定" in page
    assert office.post(_url(a, "falsified/"), {"falsified": "1", "reason": "再认定"}).status_code == 409
    # The withdrawal needs a reason and takes the deduction back.
    assert office.post(_url(a, "falsified/"), {"falsified": "0", "reason": "复核确认已开工"}).status_code == 302
    a.refresh_from_db()
    assert not a.is_falsified and a.falsified_reason == "" and a.falsified_on is None
    assert round(deductions(), 4) == round(before, 4)
    assert _kinds(a) == ["falsified", "cleared"]
    change = ProjectChange.objects.filter(project=a).order_by("id").first()
    assert change is not None and change.changed_by == cast.office and change.new_value == "是（虚报开工：现场未见施工）"
    assert AuditEntry.objects.filter(action="projects.falsified").count() == 1
    assert AuditEntry.objects.filter(action="projects.falsified_cleared").count() == 1


def test_a_rejected_resumption_puts_the_project_back_to_stopped(client_as, projects) -> None:  # noqa: F811
    a = projects.a
    rep = client_as("yyx_rep")
    rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-15", "reason": "环保督察整改"})
    stop = ProjectStoppage.objects.get()
    client_as("office").post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "confirmed"})
    rep = client_as("yyx_rep")
    rep.post(_url(a, "stoppage/"), {"action": "resume", "date": "2017-04-20", "reason": "整改完成"})
    office = client_as("office")
    assert office.post(_url(a, f"stoppage/{stop.pk}/review/"), {"decision": "rejected",
                                                                 "note": "现场仍未复工"}).status_code == 302
    a.refresh_from_db()
    stop.refresh_from_db()
    # The stop stands (confirmed), the 复工 is cleared, the project is stopped again and its light says so.
    assert a.is_stopped and stop.resumed_on is None and stop.review == "confirmed"
    assert stop.review_note == "复工审核不通过：现场仍未复工"
    assert lights_block(a, "2017-04")["stopped"] is True
    # Each review is in the history: the stop's confirmation, then the rejected 复工 (stopped again).
    assert _kinds(a) == ["stopped", "changed", "resumed", "stopped"]
    last = ProjectChange.objects.filter(project=a).order_by("id").last()
    assert last is not None and last.reason == "2017-04-20 复工审核不通过：现场仍未复工"
    # The county records the 复工 again once it is true.
    rep = client_as("yyx_rep")
    assert "登记复工" in rep.get(_url(a)).content.decode()
    assert rep.post(_url(a, "stoppage/"), {"action": "resume", "date": "2017-05-10",
                                           "reason": "整改验收通过"}).status_code == 302
    a.refresh_from_db()
    assert not a.is_stopped


def test_stoppages_do_not_overlap(client_as, projects) -> None:  # noqa: F811
    a = projects.a
    rep = client_as("yyx_rep")
    rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-01", "reason": "资金未到位"})
    rep.post(_url(a, "stoppage/"), {"action": "resume", "date": "2017-04-01", "reason": "资金到位"})
    overlap = rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-03-20", "reason": "又停"})
    assert overlap.status_code == 400 and "早于上次复工日期 2017-04-01" in overlap.content.decode()
    assert rep.post(_url(a, "stoppage/"), {"action": "stop", "date": "2017-04-01",
                                           "reason": "设备故障"}).status_code == 302
    assert ProjectStoppage.objects.filter(project=a).count() == 2


def test_a_finding_counts_from_its_date_by_hand() -> None:
    """calc.project_figures: a finding dated 2017-03-10 counts in 1—3月 and later, not in 1—2月; one without a
    date (registry data from before the date was kept) counts always."""
    import pandas as pd

    from newind.projects import calc

    frame = pd.DataFrame({"id": [1, 2, 3], "county_id": 9, "park_id": None, "total_investment": 1000.0,
                             "contract_amount": float("nan"), "is_industrial": True,
                             "is_falsified": [True, True, False], "is_top500": False,
                             "falsified_on": pd.to_datetime(["2017-03-10", None, None])})
    stages = pd.DataFrame({"project_id": [1, 2, 3], "planned_started": pd.NaT, "planned_producing": pd.NaT,
                           **{f"reached_{s}": pd.NaT for s in ("signed", "started", "producing")}})
    empty = pd.DataFrame({"project_id": pd.Series(dtype=int), "ytd_investment": pd.Series(dtype=float),
                          "funds_in_place": pd.Series(dtype=float)})
    plans = pd.DataFrame({"project_id": pd.Series(dtype=int), "planned_investment": pd.Series(dtype=float)})
    feb = calc.project_figures(frame, stages, empty, plans, calc.Window(2017, 2))
    march = calc.project_figures(frame, stages, empty, plans, calc.Window(2017, 3))
    assert list(feb["falsified"]) == [0, 1, 0] and list(march["falsified"]) == [1, 1, 0]
