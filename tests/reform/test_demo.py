"""The demo's reform task list (reform.demo): 2017年工业领域「三去一降一补」任务清单, labelled 示例数据, its
progress and lights against a hand calculation; loading twice changes nothing.

By hand, at 2017-12-31 (every milestone's planned date has passed: 序时进度 100% for every task):
  QCN-01 (task weight 2) all done → 100;  QCN-02 (1) 2 of weight 4 → 50 (red);  QKC-01 (1) → 100;
  QGG-01 (1) 1 of 3 → 33.33;  JCB-01 (2) 3 of 4 → 75;  JCB-02 (1) → 100;  BDB-01 (2) 1 of weight 5 → 20 (red);
  BDB-02 (2) → 100 (green).
  The list: (2×100 + 50 + 100 + 33.33 + 2×75 + 100 + 2×20 + 2×100) ÷ 12 = 873.33 ÷ 12 = 72.78; 27.2 behind → yellow.
At 2017-06-30, QCN-01 (weights 1, 1, 2, 1): done 1 of 5 = 20%, planned 2 of 5 = 40%: 20 behind → yellow.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from newind.reform import demo, queries
from newind.reform.models import Milestone, ReformTask, TaskSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(reference_data):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    demo.load_demo(out)
    return out.getvalue()


def test_the_demo_list_has_its_tasks_milestones_and_lights(loaded) -> None:  # type: ignore[no-untyped-def]
    task_set = TaskSet.objects.get(code=demo.SET_CODE)
    assert task_set.year == 2017 and task_set.is_synthetic and "示例数据" in task_set.name
    assert "三去一降一补" in task_set.name
    assert ReformTask.objects.filter(task_set=task_set, is_synthetic=True).count() == len(demo.TASKS) == 8
    assert Milestone.objects.filter(task__task_set=task_set).count() == sum(len(t[4]) for t in demo.TASKS)
    frame = queries.tasks_frame(ReformTask.objects.filter(task_set=task_set), dt.date(2017, 12, 31))
    by_code = frame.set_index("code")
    assert by_code.at["QCN-02", "progress_pct"] == pytest.approx(50.0) and by_code.at["QCN-02", "light"] == "red"
    assert by_code.at["BDB-01", "progress_pct"] == pytest.approx(20.0) and by_code.at["BDB-01", "light"] == "red"
    assert by_code.at["QGG-01", "progress_pct"] == pytest.approx(100 / 3)
    assert by_code.at["BDB-02", "progress_pct"] == pytest.approx(100.0) and by_code.at["BDB-02", "light"] == "green"
    assert set(by_code["expected_pct"]) == {100.0}
    sets = queries.rollup(frame, "task_set_id", dt.date(2017, 12, 31))
    assert sets.iloc[0]["progress_pct"] == pytest.approx(873.3333 / 12, abs=1e-3)
    assert sets.iloc[0]["light"] == "yellow"
    mid = queries.tasks_frame(ReformTask.objects.filter(code="QCN-01"), dt.date(2017, 6, 30)).iloc[0]
    assert (mid["progress_pct"], mid["expected_pct"], mid["light"]) == (pytest.approx(20.0), pytest.approx(40.0),
                                                                         "yellow")
    assert "任务 8 项" in loaded


def test_loading_twice_changes_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    from newind.audit.models import AuditEntry

    before = (TaskSet.objects.count(), ReformTask.objects.count(), Milestone.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    demo.load_demo(out)
    assert (TaskSet.objects.count(), ReformTask.objects.count(), Milestone.objects.count(),
            AuditEntry.objects.count()) == before
    assert "跳过" in out.getvalue()
