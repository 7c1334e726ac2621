"""An assessment run end to end on records in the database: the figures it reads (spine, supervision tasks,
monthly reports), 公示, an objection decided with its reason, publication, the frozen result after a figure
is revised, the re-run's difference, the audit trail, the pages, the document and the command."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from newind.assessment import services
from newind.assessment.models import AssessmentRun
from newind.assessment.schemes import load_scheme
from newind.audit.models import AuditEntry
from newind.cases.choices import CaseKind, State
from newind.cases.models import Case
from newind.cases.sla import TZ
from newind.core.errors import AppError, Conflict
from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period
from newind.indicators.services import revise_observation
from newind.submissions.models import ReportingTask, Submission
from newind.units.models import PeerGroup, PeerGroupMember, Unit

pytestmark = pytest.mark.django_db
YYX, YX, HR = "430621", "430603", "430623"  # 岳阳县, 云溪区, 华容县

SCHEME = """
code: test-county
version: 1
name: 测试县市区考核
source: 测试方案
kind: county
units: {peer_group: test-three}
default_type: county
total_weight: 100
veto_best_grade: B
inputs:
  growth: {label: 规模工业增加值增速, unit: "%", from: spine, indicator: industrial_va_above_size_growth_pct}
  supervision: {label: 督办事项按期办结率, unit: "%", from: supervision, measure: on_time_rate}
  late: {label: 迟报漏报月报, unit: 份, from: submissions, measure: late_or_missing}
groups:
  - code: county
    label: 县市区
    items:
      - {code: growth, label: 规模工业增加值增速, numerator: growth, unit: "%", weight: 50,
         method: efficacy_coefficient, zero_numerator: signed, fill_missing: {growth: zero_points}}
      - {code: supervision, label: 督办事项按期办结率, numerator: supervision, unit: "%", weight: 50,
         method: completion_rate, benchmark: {kind: fixed, value: 100}, zero_numerator: allowed,
         fill_missing: {supervision: mean_points}}
    malus: [{code: late, label: 迟报漏报月报, column: late, points_per_unit: 1}]
classes:
  by: score_thresholds
  levels:
    - {code: A, label: 优秀, min_total: 90}
    - {code: B, label: 良好, min_total: 80}
    - {code: C, label: 一般, min_total: 60}
    - {code: D, label: 较差}
review: {interview_bottom: 1}
rewards: {A: 通报表扬}
"""


def at(m: int, d: int) -> dt.datetime:
    return dt.datetime(2017, m, d, 10, 0, tzinfo=TZ)


def _task(n: int, unit: Unit, *, on_time: bool) -> None:
    received = at(3, 1)
    deadline = received + dt.timedelta(days=20)
    closed = deadline - dt.timedelta(days=1) if on_time else deadline + dt.timedelta(days=3)
    Case.objects.create(code=f"DB-T{n}", kind=CaseKind.SUPERVISION, title=f"督办{n}", sla_profile="supervision",
                        received_at=received, lead_unit=unit, close_deadline=deadline,
                        original_close_deadline=deadline, state=State.CLOSED, closed_at=closed)


def _figure(unit: Unit, value: str, n: int = 12) -> None:
    ind = Indicator.objects.get(code="industrial_va_above_size_growth_pct")
    Observation.objects.create(indicator=ind, unit=unit, year=2017, period_kind="M", period_n=n, value=Decimal(value),
                               measure_unit="%", source="岳阳市统计局（测试）", version=1)


@pytest.fixture
def scheme_file(tmp_path: Path) -> Path:
    path = tmp_path / "test-county.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return path


@pytest.fixture
def records(cast):  # type: ignore[no-untyped-def]
    """Three counties. Growth (1—12月): 岳阳县 8.0, 云溪区 6.0, 华容县 4.0. Supervision tasks: 岳阳县 1 of 2 on
    time, 云溪区 1 of 1, 华容县 none. Monthly reports: 岳阳县 one late, 华容县 one missing past its deadline."""
    units = {c: Unit.objects.get(code=c) for c in (YYX, YX, HR)}
    group = PeerGroup.objects.create(code="test-three", name="三县")
    for i, u in enumerate(units.values()):
        PeerGroupMember.objects.create(group=group, unit=u, sort_order=i)
    for code, value in ((YYX, "8.0"), (YX, "6.0"), (HR, "4.0")):
        _figure(units[code], value)
    _task(1, units[YYX], on_time=True)
    _task(2, units[YYX], on_time=False)
    _task(3, units[YX], on_time=True)
    task = ReportingTask.objects.create(form_code="industry", title="1—3月", year=2017, period_kind="M", period_n=3,
                                        deadline=dt.date(2017, 4, 8))
    Submission.objects.create(task=task, unit=units[YYX], first_submitted_at=at(4, 12))  # late
    Submission.objects.create(task=task, unit=units[YX], first_submitted_at=at(4, 7))  # on time
    Submission.objects.create(task=task, unit=units[HR])  # never submitted
    return units


def _units(data: dict) -> dict:  # type: ignore[type-arg]
    return {u["code"]: u for u in data["units"]}


def test_the_run_equals_the_hand_calculation_and_says_where_each_figure_came_from(records, scheme_file, cast):  # type: ignore[no-untyped-def]
    run = services.run(load_scheme(str(scheme_file)), 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    units = _units(run.result)
    # Growth by 功效系数 (best 8, worst 4): 岳阳县 50, 云溪区 50 × (60 + 40 × 2 ÷ 4) % = 40, 华容县 30.
    # Supervision on time: 岳阳县 1 of 2 → 50 % → 25; 云溪区 100 % → 50; 华容县 has none: the mean (25 + 50) ÷ 2.
    # Malus −1: 岳阳县's late report, 华容县's missing one. Totals 74, 90, 66.5.
    points = {c: {i["code"]: i["points"] for i in u["items"]} for c, u in units.items()}
    assert points == {YYX: {"growth": 50.0, "supervision": 25.0}, YX: {"growth": 40.0, "supervision": 50.0},
                      HR: {"growth": 30.0, "supervision": 37.5}}
    assert {c: (u["total"], u["malus"], u["rank"], u["grade_label"]) for c, u in units.items()} == {
        YX: (90.0, 0.0, 1, "优秀"), YYX: (74.0, 1.0, 2, "一般"), HR: (66.5, 1.0, 3, "一般")}
    growth = next(i for i in units[YYX]["items"] if i["code"] == "growth")
    assert (growth["raw"], growth["version"], growth["source"]) == (8.0, 1, "岳阳市统计局（测试）")
    sup = next(i for i in units[HR]["items"] if i["code"] == "supervision")
    assert sup["raw"] is None and "平均得分 37.50" in sup["rule"]
    assert run.result["figures_period"] == "2017年" and run.result["rewards"][0]["name"] == "云溪区"
    assert run.version == 1 and run.status == "draft"
    assert AuditEntry.objects.filter(action="assessment.run", object_id=str(run.pk)).exists()


def test_publicity_objection_publication_freeze_and_rerun(records, scheme_file, cast):  # type: ignore[no-untyped-def]
    scheme = load_scheme(str(scheme_file))
    run = services.run(scheme, 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    with pytest.raises(Conflict):  # only during the 公示
        services.file_objection(run, unit=records[YYX], text="增速有误", user=cast.yyx_rep)
    services.start_publicity(run, user=cast.office, days=5, today=dt.date(2018, 1, 22))
    assert run.publicity_until == dt.date(2018, 1, 27)
    objection = services.file_objection(run, unit=records[YYX], text="本县督办事项2件均已办结，第2件逾期系协办单位原因。",
                                        user=cast.yyx_rep)
    with pytest.raises(Conflict, match="1 条异议未处理"):
        services.publish(run, user=cast.office)
    with pytest.raises(AppError, match="处理理由"):
        services.decide_objection(objection, upheld=False, reason=" ", user=cast.office)
    services.decide_objection(objection, upheld=False, reason="逾期以牵头单位办结时间为准，协办原因不免责。",
                              user=cast.office)
    services.publish(run, user=cast.office)
    frozen = json.dumps(AssessmentRun.objects.get(pk=run.pk).result, sort_keys=True)
    # Every step is audited, in order.
    actions = list(AuditEntry.objects.filter(action__startswith="assessment.").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["assessment.run", "assessment.publicity", "assessment.objection.file",
                       "assessment.objection.decide", "assessment.publish"]
    # 岳阳县's growth is revised to 9.0 after publication: the published result does not move …
    revise_observation(Indicator.objects.get(code="industrial_va_above_size_growth_pct"), records[YYX].pk,
                       Period.month(2017, 12), Decimal("9.0"), source="岳阳市统计局（修订）", reason="年报核定")
    assert json.dumps(AssessmentRun.objects.get(pk=run.pk).result, sort_keys=True) == frozen
    # … and a re-run is version 2 beside it, showing what changed. Best growth is now 9: 云溪区
    # 50 × (60 + 40 × 2 ÷ 5) % = 38 → 88 (良好); 岳阳县 still 50 + 25 − 1 = 74.
    again = services.run(scheme, 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    assert again.version == 2 and again.supersedes_id == run.pk
    assert AssessmentRun.objects.get(pk=run.pk).status == "published"
    diff = {d["code"]: d for d in again.result["diff"]}
    assert diff[YX]["total_before"] == 90.0 and diff[YX]["total_after"] == 88.0
    assert (diff[YX]["grade_before"], diff[YX]["grade_after"]) == ("A", "B")
    item = next(i for i in diff[YYX]["items"] if i["code"] == "growth")
    assert (item["raw_before"], item["raw_after"], item["version_before"], item["version_after"]) == (8.0, 9.0, 1, 2)
    assert HR not in diff or all(i["code"] != "supervision" for i in diff[HR]["items"])


def test_the_quarterly_review_ranks_changes_and_interviews(records, scheme_file, cast):  # type: ignore[no-untyped-def]
    # Q2 (1—6月): 华容县 leads on growth; Q3 (1—9月): 云溪区 overtakes it.
    for code, q2, q3 in ((YYX, "5.0", "5.0"), (YX, "4.0", "9.0"), (HR, "9.0", "6.0")):
        _figure(records[code], q2, 6)
        _figure(records[code], q3, 9)
    scheme = load_scheme(str(scheme_file))
    services.run(scheme, 2017, quarter=2, user=cast.office, as_of=dt.date(2017, 10, 20))
    review = services.run(scheme, 2017, quarter=3, user=cast.office, as_of=dt.date(2017, 10, 20))
    units = _units(review.result)
    # Q2: growth 岳阳县 60+40×1÷5 = 68 % → 34, 云溪区 30, 华容县 50; supervision 25, 50, 37.5; malus 1, 0, 1
    #   → 岳阳县 58, 云溪区 80, 华容县 86.5 → ranks 3, 2, 1.
    # Q3: growth 岳阳县 30, 云溪区 50, 华容县 60+40×1÷4 = 70 % → 35 → 54, 100, 71.5 → ranks 3, 1, 2.
    assert {c: (u["total"], u["rank"], u["rank_change_text"]) for c, u in units.items()} == {
        YX: (100.0, 1, "进位1"), HR: (71.5, 2, "退位1"), YYX: (54.0, 3, "持平")}
    assert [t["name"] for t in review.result["interview"]] == ["岳阳县"]
    text = review.result["commentary"]
    assert text[0].startswith("2017年1—3季度，3个县市区参评。云溪区以 100.00 分排名第一")
    assert text[1] == "进位最多的是云溪区，由第 2 名升至第 1 名（进位1），主要是「规模工业增加值增速」得分增加 20.00 分（4.00→9.00%）。"
    assert text[2] == "退位最多的是华容县，由第 1 名降至第 2 名（退位1），主要是「规模工业增加值增速」得分减少 15.00 分（9.00→6.00%）。"
    assert text[3].startswith("岳阳县排第 3 名（54.00 分），失分主要在「督办事项按期办结率」得分率 50.0%")


def test_the_pages_the_document_and_who_sees_what(records, scheme_file, cast, client_as):  # type: ignore[no-untyped-def]
    from docx import Document

    run = services.run(load_scheme(str(scheme_file)), 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    office = client_as("office")
    page = office.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert "云溪区" in page and "优秀" in page and "开始公示" in page
    unit = office.get(f"/assessment/runs/{run.pk}/units/{YYX}/").content.decode()
    assert "功效系数法" in unit and "岳阳市统计局（测试）" in unit and "第1版" in unit
    doc = Document(io.BytesIO(office.get(f"/assessment/runs/{run.pk}/download/?format=docx").content))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "二、排名情况" in text and "云溪区" in text and "奖惩名单" in text
    pdf = office.get(f"/assessment/runs/{run.pk}/download/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="export", object_id=str(run.pk)).exists()
    # A county does not see the draft; it sees the run in 公示 and objects for itself only.
    rep = client_as("yyx_rep")
    assert rep.get(f"/assessment/runs/{run.pk}/").status_code == 404
    office = client_as("office")
    assert office.post(f"/assessment/runs/{run.pk}/act/", {"action": "publicity", "days": "5"}).status_code == 302
    rep = client_as("yyx_rep")
    assert "提出异议" in rep.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert rep.post(f"/assessment/runs/{run.pk}/act/", {"action": "object", "unit": YX, "text": "x"}).status_code == 403
    assert rep.post(f"/assessment/runs/{run.pk}/act/", {"action": "object", "unit": YYX,
                                                        "text": "增速数据待核"}).status_code == 302
    assert rep.post(f"/assessment/runs/{run.pk}/act/", {"action": "publish"}).status_code == 403
    assert run.objections.get().unit.code == YYX


def test_the_command_prints_the_documented_json(records, scheme_file):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("assessment", "run", "--year", "2017", "--scheme", str(scheme_file), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == 2017 and data["scheme"]["code"] == "test-county"
    first = data["units"][0]
    assert {"code", "name", "items", "bonus", "malus", "veto", "total", "rank", "grade"} <= set(first)
    assert {"code", "raw", "points", "rule"} <= set(first["items"][0])
    assert (first["code"], first["rank"], first["grade"]) == (YX, 1, "A")
    out = io.StringIO()
    call_command("assessment", "review", "--quarter", "2017Q1", "--scheme", str(scheme_file), "--format", "json",
                 stdout=out)
    review = json.loads(out.getvalue())
    assert "interview" in review and all("rank_change" in u for u in review["units"])
    with pytest.raises(AppError, match="2017Q3"):
        call_command("assessment", "review", "--quarter", "2017-3", "--scheme", str(scheme_file))


def test_the_shipped_schemes_read_and_check(records):  # type: ignore[no-untyped-def]
    from newind.assessment.schemes import all_schemes

    kinds = {s.kind for s in all_schemes()}
    assert kinds == {"county", "park", "department"}
    for scheme in all_schemes():
        assert scheme.scoring.total_weight == 100
        for group in scheme.scoring.groups:
            assert sum(i.weight for i in group.items) == 100


def test_an_interview_becomes_a_supervision_task_in_one_click(records, scheme_file, cast, client_as, monkeypatch):  # type: ignore[no-untyped-def]
    from newind.cases import services as case_services
    from newind.supervision.models import SupervisionTask

    # The task's deadline counts working days from "now": the case clock is set (the working calendar is 2017's).
    monkeypatch.setattr(case_services, "clock", lambda: dt.datetime(2017, 10, 25, 9, 0, tzinfo=TZ))

    for code, q2, q3 in ((YYX, "5.0", "5.0"), (YX, "4.0", "9.0"), (HR, "9.0", "6.0")):
        _figure(records[code], q2, 6)
        _figure(records[code], q3, 9)
    review = services.run(load_scheme(str(scheme_file)), 2017, quarter=3, user=cast.office, as_of=dt.date(2017, 10, 20))
    office = client_as("office")
    assert "转为督办事项" in office.get(f"/assessment/runs/{review.pk}/").content.decode()
    response = office.post(f"/assessment/runs/{review.pk}/act/", {"action": "task", "unit": YYX})
    assert response.status_code == 302, response.content.decode()[-3000:]
    task = SupervisionTask.objects.get(source_kind="assessment")
    assert task.source_ref == f"{review.pk}|{YYX}" and task.case.lead_unit.code == YYX
    assert "第3名" in task.case.title and "后 1 名" in task.case.description
    page = office.get(f"/assessment/runs/{review.pk}/").content.decode()
    assert f"已转督办事项 <a href=\"/cases/{task.case_id}/\">{task.case.code}</a>" in page
    # once only; a unit that is not a finding cannot be turned into a task; a county cannot do it at all
    assert office.post(f"/assessment/runs/{review.pk}/act/", {"action": "task", "unit": YYX}).status_code == 409
    assert office.post(f"/assessment/runs/{review.pk}/act/", {"action": "task", "unit": YX}).status_code == 400
    services.publish(review, user=cast.office)
    assert client_as("yyx_rep").post(f"/assessment/runs/{review.pk}/act/", {"action": "task",
                                                                          "unit": YYX}).status_code == 403
    assert SupervisionTask.objects.count() == 1


def test_the_api_gives_the_stored_result_to_those_who_may_read_it(records, scheme_file, cast, client_as):  # type: ignore[no-untyped-def]
    run = services.run(load_scheme(str(scheme_file)), 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    office = client_as("office")
    listed = office.get("/api/assessment/runs?year=2017").json()
    assert [(r["id"], r["status"], r["version"]) for r in listed] == [(run.pk, "draft", 1)]
    detail = office.get(f"/api/assessment/runs/{run.pk}").json()
    assert detail["result"] == json.loads(json.dumps(run.result)) and detail["objections"] == []
    # a county sees neither the draft in the list nor the draft itself; the 三员 are refused the API
    rep = client_as("yyx_rep")
    assert rep.get("/api/assessment/runs").json() == []
    assert rep.get(f"/api/assessment/runs/{run.pk}").status_code == 404
    assert client_as("auditor").get("/api/assessment/runs").status_code == 403


def test_an_upheld_objection_stops_publication_until_a_corrected_version(records, scheme_file, cast, client_as):  # type: ignore[no-untyped-def]
    scheme = load_scheme(str(scheme_file))
    run = services.run(scheme, 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    assert run.result["rewards"][0]["rank"] == 1 and isinstance(run.result["rewards"][0]["rank"], int)
    growth = next(i for u in run.result["units"] for i in u["items"] if i["code"] == "growth")
    assert growth["version"] == 1 and isinstance(growth["version"], int)
    services.start_publicity(run, user=cast.office, today=dt.date(2018, 1, 22))
    office = client_as("office")
    response = office.post(f"/assessment/runs/{run.pk}/act/", {"action": "object", "unit": YYX, "text": "增速应为9.0"})
    assert response.status_code == 302 and response["Location"].endswith("#objections")
    objection = run.objections.get()
    office.post(f"/assessment/runs/{run.pk}/act/", {"action": "decide", "objection": objection.pk, "upheld": "1",
                                                    "reason": "统计局已核定修订数"})
    page = office.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert "有 1 条异议成立" in page and "发布（冻结结果）" not in page
    with pytest.raises(Conflict, match="1 条异议成立"):
        services.publish(AssessmentRun.objects.get(pk=run.pk), user=cast.office)
    assert office.post(f"/assessment/runs/{run.pk}/act/", {"action": "publish"}).status_code == 409
    # The correction and a re-run: version 2, which goes through its own 公示 and is published.
    revise_observation(Indicator.objects.get(code="industrial_va_above_size_growth_pct"), records[YYX].pk,
                       Period.month(2017, 12), Decimal("9.0"), source="岳阳市统计局（修订）", reason="异议成立，按核定数更正")
    again = services.run(scheme, 2017, user=cast.office, as_of=dt.date(2018, 1, 20))
    assert AssessmentRun.objects.get(pk=run.pk).status == "superseded"
    services.start_publicity(again, user=cast.office, today=dt.date(2018, 1, 29))
    services.publish(again, user=cast.office)
    assert AssessmentRun.objects.get(pk=again.pk).status == "published"
