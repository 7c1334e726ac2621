"""The background jobs of the monthly cycle, run by the job runner (synchronously here, see tests/conftest.py):
a publish recomputes the derived figures of its periods, and the reminders go out by themselves."""

from __future__ import annotations

import pytest

from newind.audit.models import AuditEntry
from newind.indicators.derived import derived_frame
from newind.indicators.periods import Period
from newind.jobs.models import JobRun
from newind.jobs.registry import enqueue
from newind.submissions.models import Reminder
from tests.submissions.conftest import GOOD, LAST_YEAR, form_post

pytestmark = pytest.mark.django_db


def _publish(client_as, sub, capture) -> None:  # type: ignore[no-untyped-def]
    """岳阳县's report for 2017年1—3月 through the workflow: fill and submit, approve, publish as 快报."""
    assert client_as("yyx_rep").post(f"/submissions/{sub.pk}/", form_post(GOOD, "submit")).status_code == 302
    assert client_as("yyx_rev").post(f"/submissions/{sub.pk}/review/", {"decision": "approve"}).status_code == 302
    with capture(execute=True):  # the publish commits; what it queued on commit runs now
        assert client_as("office").post(f"/submissions/{sub.pk}/publish/", {"release": "flash"}).status_code == 302


def test_a_publish_recomputes_the_derived_figures_and_the_benchmark_shows_the_figure(
        client_as, yyx_sub, django_capture_on_commit_callbacks):
    period = Period.month(2017, 3)
    assert derived_frame(period).empty  # nothing derived before the publish
    _publish(client_as, yyx_sub, django_capture_on_commit_callbacks)

    # One recompute ran for the period written and the same period next year (whose growth it is the base of).
    run = JobRun.objects.get(job="derived.recompute")
    assert run.arguments == {"periods": ["2017-03", "2018-03"]} and run.trigger == "after_write"
    assert (run.state, run.attempts) == ("succeeded", 1) and "2017年1—3月" in run.summary
    assert AuditEntry.objects.filter(action="job.succeeded", object_id=str(run.pk), actor="后台任务").exists()

    # The derived figures of 2017年1—3月 now hold the published value's nominal growth and its rank.
    derived = derived_frame(period)
    va = derived[(derived["unit_code"] == "430621") & (derived["indicator_code"] == "industrial_va_above_size")]
    growth = va[va["kind"] == "growth"].iloc[0]
    # By hand: 48.6 this year against 45.2 last year → (48.6 / 45.2 − 1) × 100 = 7.522…%
    assert float(growth["value"]) == pytest.approx((48.6 / 45.2 - 1) * 100)
    assert float(growth["last_year_value"]) == pytest.approx(float(LAST_YEAR["industrial_va_above_size"]))
    # Only 岳阳县 has published: one member reporting is too few for a rank (indicators.calc.ranking_applies).
    ranks = va[va["kind"] == "rank"]
    assert not ranks.empty and ranks["rank"].isna().all() and set(ranks["reported"]) == {1}

    # The office sees the run on the jobs page; the benchmark read path shows the published figure, and no
    # one ran a command.
    jobs_page = client_as("office").get("/jobs/").content.decode()
    assert "重算派生数据" in jobs_page and "2017年1—3月、2018年1—3月" in jobs_page and "成功" in jobs_page
    api = client_as("leader").get("/api/benchmark/", {"unit": "430621", "group": "yueyang-counties-zones",
                                                      "indicator": "industrial_va_above_size", "period": "2017-03"})
    assert api.status_code == 200, api.content
    body = api.json()
    row = next(r for r in body["years"] if r["year"] == 2017)
    assert row["value"] == pytest.approx(48.6) and row["rank"] is None and row["reported"] == 1


def test_a_correction_after_publishing_recomputes_again(client_as, yyx_sub, django_capture_on_commit_callbacks):
    _publish(client_as, yyx_sub, django_capture_on_commit_callbacks)
    office = client_as("office")
    seen = office.get(f"/submissions/{yyx_sub.pk}/").context["seen"]  # the version the correction form showed
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/submissions/{yyx_sub.pk}/correct/",
                               {"v_industrial_va_above_size": "49.7", "reason": "统计局复核后更正", "seen": seen})
    assert response.status_code == 302
    assert JobRun.objects.filter(job="derived.recompute", state="succeeded").count() == 2
    derived = derived_frame(Period.month(2017, 3), kind="growth")
    va = derived[(derived["unit_code"] == "430621") & (derived["indicator_code"] == "industrial_va_above_size")]
    assert float(va["value"].iloc[0]) == pytest.approx((49.7 / 45.2 - 1) * 100)


def test_the_reminders_job_records_each_reminder_once_a_day(task, settings, django_capture_on_commit_callbacks):
    settings.NEWIND_WEBHOOK_URL = ""
    # Deadline Monday 2017-04-10; two working days before is Thursday 2017-04-06 (as `newind remind`).
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue("submissions.remind", date="2017-04-06")
    with django_capture_on_commit_callbacks(execute=True):
        second = enqueue("submissions.remind", date="2017-04-06")
    first.refresh_from_db()
    second.refresh_from_db()
    assert Reminder.objects.filter(kind="before", for_date="2017-04-06").count() == 13
    assert first.summary == "2017-04-06：记录催报提醒 13 条。" and first.state == "succeeded"
    assert second.summary == "2017-04-06：记录催报提醒 0 条。"  # idempotent
