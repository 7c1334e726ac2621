"""Hand-made data for each cause of the accountability list (issue 13 §6), with the cases' cast and clock.

  tasks    (supervision, 一般事项 15 working days, received Mon 2017-09-04 09:00 → deadline 2017-09-25 24:00;
            the ladder's last rung is 5 working days late: 09-26…09-29 and the 调休 Saturday 09-30, so it is
            reached at 24:00 of 09-30):
           late   assigned to 市发改委 (head 示例局长甲), still open           → listed once past 09-30 24:00
           review assigned to 市自然资源局, 销号 asked (waiting for review)  → never listed
  projects (2017年1—6月): P4 of 乙区, started 2016-03, last current report 1—4月 → 停滞 red; responsible unit
           市发改委, responsible person 李四 → listed; P5 reported 1—6月 → not listed
  reports  (2017 monthly tasks 1—2月, 1—3月, 1—4月, deadlines 03-10, 04-10, 05-10):
           甲县  1—2月 submitted 03-11 08:00 (late), 1—3月 never (missing), 1—4月 on time → 2 → listed
           乙区  1—2月 late, the rest on time → 1 → not listed
           丙县  every report on its deadline day, 23:30 → on time → not listed
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.cases.conftest import at, attachments_dir, clock, login, people, units  # noqa: F401 (fixtures)
from tests.supervision.conftest import heads  # noqa: F401 (fixture)


@pytest.fixture
def tasks(people, units, heads, clock, attachments_dir):  # type: ignore[no-untyped-def]  # noqa: F811
    from newind.cases.choices import Action, CaseRole
    from newind.cases.services import apply_action
    from newind.supervision.services import create_task

    clock.set("2017-09-04T09:00")
    late = create_task(title="完成园区标准厂房报建手续", description="会议议定", owner_unit=units.fgw,
                       source_kind="instruction", urgency="normal", user=people.office,
                       instructing_head=heads.mayor, received_at=at("2017-09-04T09:00"))
    review = create_task(title="解决重点企业用地指标", description="会议议定", owner_unit=units.zrzy,
                         source_kind="instruction", urgency="normal", user=people.office,
                         received_at=at("2017-09-04T09:00"))
    case = apply_action(review.case, Action.ACCEPT, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-09-05T09:00"))
    apply_action(case, Action.SUBMIT_CLOSURE, user=people.zrzy, role=CaseRole.LEAD, now=at("2017-09-28T09:00"),
                 note="已落实。")
    return SimpleNamespace(late=late, review=review)


@pytest.fixture
def stalled(units, heads):  # type: ignore[no-untyped-def]  # noqa: F811
    from tests.projects.lights_fixtures import progress, project, unit

    b = unit("C-B", "乙区")
    started = {"started": (None, "2016-03-01"), "in_stats": (None, "2016-05-01")}
    p4 = project("P4", b, stage="in_stats", stages=started, responsible=units.fgw, responsible_person="李四")
    p5 = project("P5", b, stage="in_stats", stages=started)
    progress(p4, 2017, 4, 900)
    progress(p4, 2017, 6, 1200, current=False)  # superseded: does not count
    progress(p5, 2017, 6, 1800)
    return SimpleNamespace(p4=p4, p5=p5, county=b)


@pytest.fixture
def reports(db):  # type: ignore[no-untyped-def]
    from newind.submissions.models import ReportingTask, Submission
    from newind.supervision.models import UnitHead
    from tests.projects.lights_fixtures import unit

    jia, yi, bing = unit("C-J", "甲县"), unit("C-B", "乙区"), unit("C-C", "丙县")
    UnitHead.objects.create(unit=jia, name="王五", post="县长", is_principal=True)
    UnitHead.objects.create(unit=jia, name="赵六", post="副县长")
    tasks = {n: ReportingTask.objects.create(form_code="monthly", title=f"1—{n}月", year=2017, period_kind="M",
                                             period_n=n, deadline=dt.date(2017, n + 1, 10)) for n in (2, 3, 4)}

    def sub(unit, n, when):  # type: ignore[no-untyped-def]
        Submission.objects.create(task=tasks[n], unit=unit, first_submitted_at=at(when) if when else None,
                                  state="submitted" if when else "draft")

    sub(jia, 2, "2017-03-11T08:00"), sub(jia, 3, None), sub(jia, 4, "2017-05-09T10:00")
    sub(yi, 2, "2017-03-13T10:00"), sub(yi, 3, "2017-04-10T10:00"), sub(yi, 4, "2017-05-10T17:00")
    for n in (2, 3, 4):
        sub(bing, n, f"2017-{n + 1:02d}-10T23:30")
    return SimpleNamespace(jia=jia, yi=yi, bing=bing)
