"""The leaders' responsibility page and command agree with the records they are built from."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from django.core.management import call_command

from newind.cases.choices import Action, CaseKind, State
from newind.cases.models import Case, CaseEvent
from newind.cases.sla import TZ
from newind.leaders import queries
from newind.submissions.models import ReportingTask, Submission
from newind.supervision.models import Meeting, SupervisionTask, UnitHead
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, 0, tzinfo=TZ)


def _case(n: int, unit: Unit, received: dt.datetime, *, closed_by=None, closed: dt.datetime | None = None) -> Case:
    case = Case.objects.create(code=f"DB2017{n:04d}", kind=CaseKind.SUPERVISION, title=f"督办事项{n}",
                               sla_profile="supervision", received_at=received, lead_unit=unit,
                               close_deadline=received + dt.timedelta(days=20),
                               original_close_deadline=received + dt.timedelta(days=20),
                               state=State.CLOSED if closed else State.IN_PROGRESS, closed_at=closed)
    if closed:
        CaseEvent.objects.create(case=case, at=closed, kind=Action.CLOSE, actor=closed_by)
    return case


@pytest.fixture
def records(cast):  # type: ignore[no-untyped-def]
    """岳阳县: head 王县长 (account yyx_rev); 云溪区: head 赵区长 (no account). Q1–Q3 2017."""
    yyx = Unit.objects.get(code="430621")
    yx = Unit.objects.get(code="430603")
    wang = UnitHead.objects.create(unit=yyx, name="王县长", post="县长", user=cast.yyx_rev, is_principal=True)
    zhao = UnitHead.objects.create(unit=yx, name="赵区长", post="区长", is_principal=True)
    UnitHead.objects.create(unit=yyx, name="钱副县长", post="副县长", is_principal=False)  # not judged
    for month in (1, 3, 5, 6, 7, 8, 9):  # 王 chairs 7 月调度 of the 9 required; one 专题 does not count
        Meeting.objects.create(kind="monthly", held_on=dt.date(2017, month, 8), title=f"{month}月调度会", chair=wang)
    Meeting.objects.create(kind="special", held_on=dt.date(2017, 4, 2), title="专题调度", chair=wang)
    Meeting.objects.create(kind="monthly", held_on=dt.date(2017, 6, 9), title="6月调度会", chair=zhao)
    Meeting.objects.create(kind="monthly", held_on=dt.date(2017, 10, 9), title="10月调度会", chair=zhao)  # outside
    # Tasks: two instructed by 王 (批示), one filed by 王 himself, one by the office; 云溪区 none by 赵.
    t1 = _case(1, yyx, at(2017, 2, 10), closed_by=cast.yyx_rev, closed=at(2017, 3, 1))
    t2 = _case(2, yyx, at(2017, 5, 10), closed_by=cast.yyx_rep, closed=at(2017, 6, 1))
    t3 = _case(3, yyx, at(2017, 8, 10))
    t4 = _case(4, yx, at(2017, 7, 10), closed_by=cast.yx_rep, closed=at(2017, 7, 30))
    SupervisionTask.objects.create(case=t1, source_kind="instruction", urgency="normal", instructing_head=wang)
    SupervisionTask.objects.create(case=t2, source_kind="instruction", urgency="normal", instructing_head=wang)
    SupervisionTask.objects.create(case=t3, source_kind="document", urgency="normal", created_by=cast.yyx_rev)
    SupervisionTask.objects.create(case=t4, source_kind="decision", urgency="normal", created_by=cast.office)
    # Monthly reports: 岳阳县 approved 1–2月 to 1–9月 (8 reports), 王 (yyx_rev) approved 6 of them.
    for n in range(2, 10):
        task = ReportingTask.objects.create(form_code="industry", title=f"1—{n}月", year=2017, period_kind="M",
                                            period_n=n, deadline=dt.date(2017, n + 1 if n < 12 else 12, 5))
        Submission.objects.create(task=task, unit=yyx, state="approved", approved_at=at(2017, n + 1, 6),
                                  approved_by=cast.yyx_rev if n <= 7 else cast.office)
        Submission.objects.create(task=task, unit=yx, state="approved", approved_at=at(2017, n + 1, 6),
                                  approved_by=cast.yx_rep)
    return wang, zhao


def test_the_table_agrees_with_the_records(records):
    table = queries.responsibility_table("2017Q3").set_index("name")
    assert list(table.index) == ["王县长", "赵区长"] or set(table.index) == {"王县长", "赵区长"}
    wang, zhao = table.loc["王县长"], table.loc["赵区长"]
    # 1—3季度 = 9 months: 7 of 9 月调度 → 77.8 %; 3 tasks personally (2 批示 + 1 filed himself)
    assert (wang.meetings_chaired, wang.meetings_required, wang.meeting_rate) == (7, 9, 77.8)
    assert wang.tasks_instructed == 3
    # 8 reports, 6 approved by him (1–2月 … 1–7月) → 75.0 %; closures 1 of 2 → 50.0 %
    assert (wang.reports_total, wang.reports_signed, wang.report_signoff_rate) == (8, 6, 75.0)
    assert (wang.closures_total, wang.closures_signed, wang.closure_signoff_rate) == (2, 1, 50.0)
    # No targets set up, so no red lights: the share has no base and is left out of the score.
    assert wang.red_lights == 0 and pd.isna(wang.red_follow_rate)
    assert wang.score == pytest.approx(round((77.8 + 75.0 + 50.0) / 3, 1))  # 67.6
    # 赵区长: 1 of 9 (the October one is outside) → 11.1 %; no account, so no sign-off
    assert (zhao.meetings_chaired, zhao.meeting_rate, zhao.tasks_instructed) == (1, 11.1, 0)
    assert (zhao.reports_total, zhao.reports_signed) == (8, 0)
    assert (zhao.closures_total, zhao.closures_signed) == (1, 0)
    assert zhao.score == pytest.approx(round((11.1 + 0 + 0) / 3, 1))  # 3.7


def test_red_lights_count_from_publication_and_are_followed_within_the_window(records, monkeypatch):
    yyx = Unit.objects.get(code="430621")
    # 1—6月 figures of 岳阳县 published 7-12; a target newly red in 1—6月, another red for a second month.
    Submission.objects.filter(unit=yyx, task__period_n=6).update(published_at=at(2017, 7, 12))

    def fake_warnings(period, unit_codes=None):  # the targets' warning list for the two months asked
        rows = {6: [("430621", "red", "yellow")], 7: [("430621", "red", "red")]}.get(period.n, [])
        return pd.DataFrame(rows, columns=["unit_code", "light", "previous_light"])

    monkeypatch.setattr("newind.targets.queries.warning_list", fake_warnings)
    lights = queries._red_lights(queries.Period.parse("2017-09"), queries.heads_frame(), 15)
    # Only the newly red one counts (the persistent one was counted when it lit), from its publication day.
    assert lights.to_dict("records") == [{"unit_id": yyx.id, "lit_on": dt.date(2017, 7, 12)}]
    row = queries.responsibility_table("2017-09").set_index("name").loc["王县长"]
    # No task to 岳阳县 was filed from 7-12 to 7-22 (the tasks are of 2-10, 5-10 and 8-10): not followed.
    assert (row.red_lights, row.red_followed, row.red_follow_rate) == (1, 0, 0.0)
    _case(9, yyx, at(2017, 7, 20))
    SupervisionTask.objects.create(case=Case.objects.get(code="DB20170009"), source_kind="warning", urgency="urgent")
    row = queries.responsibility_table("2017-09").set_index("name").loc["王县长"]
    assert (row.red_lights, row.red_followed, row.red_follow_rate) == (1, 1, 100.0)


def test_the_page_and_the_command_show_the_same_sentences(records, client_as, capsys):
    page = client_as("office").get("/leaders/?period=2017Q3")
    assert page.status_code == 200
    text = page.content.decode()
    data = queries.as_json("2017Q3")
    for head in data["heads"]:
        assert head["summary"] in text
    assert "王县长（岳阳县县长）：主持月调度会 7 次（应 9 次）" in text
    call_command("leaders", "show", "--period", "2017Q3", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert [h["summary"] for h in printed["heads"]] == [h["summary"] for h in data["heads"]]
    assert client_as("leader").get("/leaders/?period=2017Q3").status_code == 200
    # A county reporter and the auditor (三员分立) may not open it.
    assert client_as("yyx_rep").get("/leaders/").status_code == 403
    assert client_as("auditor").get("/leaders/").status_code == 403
