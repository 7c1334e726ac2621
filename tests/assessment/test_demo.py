"""The assessment's demo: three published county reviews, the annual assessment in 公示 with one objection,
park and department drafts, all labelled 示例数据, and nothing more on a second run."""

from __future__ import annotations

import io

import pytest

from newind.assessment import demo
from newind.assessment.models import AssessmentRun, Objection

pytestmark = pytest.mark.django_db


def test_the_demo_runs_are_there_once(reference_data):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    demo.load_demo(out)
    reviews = AssessmentRun.objects.filter(kind="quarterly", assessed_kind="county").order_by("quarter")
    assert [(r.quarter, r.status) for r in reviews] == [(1, "published"), (2, "published"), (3, "published")]
    # Q2 and Q3 compare with the stored review before them: every unit has its rank change.
    assert all("rank_change_text" in u for u in reviews[2].result["units"])
    annual = AssessmentRun.objects.get(kind="annual", assessed_kind="county")
    assert annual.status == "publicity" and annual.is_synthetic
    objection = Objection.objects.get(run=annual)
    assert objection.unit.code == demo.OBJECTOR and objection.decision == "pending" and "示例数据" in objection.text
    # the demo's own dates: the objection within the 公示, the Q3 review published in October 2017
    assert objection.filed_at.date().isoformat() == "2017-12-25" and annual.publicity_until.isoformat() == "2017-12-29"
    assert reviews[2].published_at.date().isoformat() == "2017-10-25"
    assert set(AssessmentRun.objects.filter(kind="annual").values_list("assessed_kind", flat=True)) == {
        "county", "park", "department"}
    assert "示例数据" in out.getvalue()
    count = AssessmentRun.objects.count()
    demo.load_demo(io.StringIO())
    assert AssessmentRun.objects.count() == count and Objection.objects.count() == 1
