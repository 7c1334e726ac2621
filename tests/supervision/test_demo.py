"""The demo's dispatch meetings and supervision tasks (supervision.demo): 12 monthly meetings of 2017, one a
month, chaired by the city's head, each with its report attached and 2–3 decisions that became tasks; some
tasks closed through the 销号 checklist and the leader's window, some sent back, some overdue at the year's
end; every moment within 2017; loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter

import pytest

from newind.cases.sla import end_of_day, to_local
from newind.supervision import demo
from tests.cases.conftest import attachments_dir  # noqa: F401 (fixture)
from tests.reports.conftest import demo_figures  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_figures, attachments_dir):  # type: ignore[no-untyped-def]  # noqa: F811
    out = io.StringIO()
    demo.load_demo(out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from newind.audit.models import AuditEntry
    from newind.cases.models import Case, CaseEvent
    from newind.supervision.models import AgendaItem, Decision, Meeting, SupervisionTask, UnitHead

    return {m.__name__: m.objects.count() for m in (
        Meeting, Decision, AgendaItem, SupervisionTask, UnitHead, Case, CaseEvent, AuditEntry)}


def _twelve_monthly_meetings_chaired_by_the_citys_head_with_their_reports(attachments_dir) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from newind.supervision.models import Meeting

    meetings = list(Meeting.objects.select_related("chair__unit").order_by("held_on"))
    assert [m.held_on.month for m in meetings] == list(range(1, 13))
    assert {m.held_on.year for m in meetings} == {2017} and {m.kind for m in meetings} == {"monthly"}
    assert all(m.held_on.day >= 10 and m.held_on.weekday() < 5 for m in meetings)
    assert {(m.chair.unit.code, m.chair.post, m.chair.is_principal) for m in meetings} == {("430600", "市长", True)}
    assert all(m.is_synthetic and "示例数据" in m.title for m in meetings)
    # Each used the previous month's report, kept with its fingerprint; January's figures come out with
    # February's (1—2月), so the January and February meetings used December 2016's.
    assert [m.report_period for m in meetings] == ["2016-12", "2016-12"] + [f"2017-{n:02d}" for n in range(2, 12)]
    for m in meetings:
        data = (attachments_dir / "meetings" / m.report_stored_as).read_bytes()
        assert data[:2] == b"PK" and hashlib.sha256(data).hexdigest() == m.report_sha256 and len(data) == m.report_size
        assert m.report_name == f"月度调度通报_{m.report_period}.docx"
        assert m.attendees.count() == len(demo.DEPARTMENT_HEADS)


def _each_meeting_has_two_or_three_decisions_each_a_task() -> None:
    from newind.supervision.models import Decision, Meeting, SupervisionTask

    per_meeting = Counter(Decision.objects.values_list("meeting_id", flat=True))
    assert len(per_meeting) == 12 and set(per_meeting.values()) <= {2, 3}
    tasks = SupervisionTask.objects.select_related("case", "decision", "decision__meeting__chair")
    assert tasks.count() == Decision.objects.count() == sum(per_meeting.values())
    for t in tasks:
        assert t.source_kind == "decision" and t.is_synthetic and t.case.kind == "supervision" and t.case.is_synthetic
        assert t.instructing_head == t.decision.meeting.chair and t.case.lead_unit == t.decision.owner_unit
    assert Meeting.objects.filter(agenda_items__isnull=False).distinct().count() == 12


def _some_tasks_close_through_the_checklist_some_are_sent_back_some_are_overdue() -> None:
    from newind.cases.models import CaseEvent
    from newind.supervision.models import SupervisionTask
    from newind.supervision.queries import task_frame

    year_end = end_of_day(dt.date(2017, 12, 31))
    frame = task_frame(SupervisionTask.objects.all(), now=year_end)
    statuses = Counter(frame["status"])
    assert statuses["closed_early"] >= 3 and statuses["closed_on_time"] >= 3 and statuses["closed_late"] >= 2
    assert statuses["overdue"] >= 3
    closed_ids = set(frame.loc[frame["status"].str.startswith("closed"), "case_id"])
    # Every closed task passed all five items, then was signed off after the leader's window.
    passes = CaseEvent.objects.filter(case_id__in=closed_ids, kind="review_pass")
    assert passes.count() == len(closed_ids)
    assert all(all(e.data["checks"].values()) and len(e.data["checks"]) == 5 for e in passes)
    assert CaseEvent.objects.filter(case_id__in=closed_ids, kind="sign_off").count() == len(closed_ids)
    # Sent back: one item failed, named in the reason.
    fails = list(CaseEvent.objects.filter(kind="review_fail"))
    assert fails and all(e.note.startswith("未通过：") and not all(e.data["checks"].values()) for e in fails)
    # Nothing happens after 2017.
    latest = CaseEvent.objects.filter(case__kind="supervision").order_by("-at").first()
    assert latest is not None and to_local(latest.at) <= demo.END


def _the_next_months_report_lists_last_months_decisions() -> None:
    from newind.supervision.queries import decisions_of_month

    september = decisions_of_month("2017-09")
    assert len(september) in (2, 3) and september["is_synthetic"].all()
    assert set(september["status"]) <= {"closed_early", "closed_on_time", "closed_late", "overdue", "review",
                                         "sent_back", "open"}


def test_the_demo_builds_the_meetings_decisions_and_tasks(loaded, attachments_dir) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    # One load for all the checks (the demo renders eleven monthly reports: loading it per test is slow).
    _twelve_monthly_meetings_chaired_by_the_citys_head_with_their_reports(attachments_dir)
    _each_meeting_has_two_or_three_decisions_each_a_task()
    _some_tasks_close_through_the_checklist_some_are_sent_back_some_are_overdue()
    _the_next_months_report_lists_last_months_decisions()


def test_loading_twice_changes_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    before = _counts()
    out = io.StringIO()
    demo.load_demo(out)
    assert _counts() == before and "跳过" in out.getvalue()
    assert "2017年月调度 12 次" in loaded
