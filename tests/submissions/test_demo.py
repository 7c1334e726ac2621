"""The demo task: idempotent, and the office's board shows approved, submitted, late, returned and missing."""

from __future__ import annotations

import io

import pytest

from newind.indicators import demo as indicators_demo
from newind.indicators.models import Observation
from newind.submissions import demo
from newind.submissions.models import ReportingTask, SubmissionValue

pytestmark = pytest.mark.django_db


def test_demo_task_is_idempotent_and_shows_every_state(client_as):
    indicators_demo.load_demo(io.StringIO())
    observations = Observation.objects.count()
    out = io.StringIO()
    assert demo.load_demo(out) == 13
    assert demo.load_demo(out) == 0 and "已存在" in out.getvalue()
    assert ReportingTask.objects.count() == 1
    assert demo.story_summary() == {"not_started": 4, "draft": 1, "submitted": 2, "returned": 1, "approved": 5,
                                    "published": 0}
    assert Observation.objects.count() == observations  # nothing published by the demo
    task = ReportingTask.objects.get()
    assert task.is_demo and task.deadline.isoformat() == "2018-01-08"
    # Approved figures pass the report's own checks (value added ≤ output).
    yx = task.submissions.get(unit__code="430603")
    values = dict(SubmissionValue.objects.filter(submission=yx).values_list("indicator__code", "value"))
    assert len(values) == 9 and values["industrial_va_above_size"] <= values["industrial_output_above_size"]
    # 岳阳县 has a half-filled draft for the demo's reporter to finish.
    yyx = task.submissions.get(unit__code="430621")
    assert yyx.state == "draft" and SubmissionValue.objects.filter(submission=yyx).count() == 4
    # The demo's 岳阳县填报员 finds the half-filled draft, with its (user-less) demo history.
    page = client_as("yyx_rep").get(f"/submissions/{yyx.pk}/")
    assert page.status_code == 200 and "提交审核" in page.content.decode()
    board = client_as("office").get(f"/submissions/tasks/{task.pk}/").content.decode()
    assert "示例数据" in board and "缺报 <b class=\"light-red\">5</b>" in board
    assert "迟报 <b class=\"light-yellow\">1</b>" in board and demo.RETURN_REASON in board
