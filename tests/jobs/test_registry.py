"""The job runner: every run is recorded and audited, failures are retried and shown, apps add periodic jobs.

Jobs run synchronously here (huey immediate mode, see tests/conftest.py); each job is queued when the
transaction commits, which `django_capture_on_commit_callbacks(execute=True)` stands in for.
"""

from __future__ import annotations

import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.jobs.models import JobRun
from newind.jobs.registry import crontab, enqueue, get_job, jobs, register_job, register_periodic


def _audit_actions(run: JobRun) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="jobs.jobrun", object_id=str(run.pk)).order_by("id")
                .values_list("action", flat=True))


def test_the_platform_registers_its_jobs_with_schedules():
    names = {j.name: j for j in jobs()}
    assert {"submissions.remind", "derived.recompute", "accounts.disable_inactive", "backup.nightly"} <= set(names)
    assert names["accounts.disable_inactive"].audience == names["backup.nightly"].audience == "security"
    # The worker's scheduler would start the reminders at 08:30 and the account check at 03:00, local time.
    due = {t.name for t in HUEY.read_periodic(dt.datetime(2017, 4, 10, 8, 30))}
    assert "newind.submissions.remind" in due and "newind.accounts.disable_inactive" not in due
    assert "newind.accounts.disable_inactive" in {t.name for t in HUEY.read_periodic(dt.datetime(2017, 4, 10, 3, 0))}


def test_a_failed_job_is_retried_and_each_attempt_is_recorded_and_audited(db, temporary_jobs,
                                                                          django_capture_on_commit_callbacks):
    calls: list[int] = []

    @register_job("test.flaky", "测试：第一次失败的任务", retries=1, retry_delay=0)
    def flaky(n: int) -> str:
        calls.append(n)
        if len(calls) == 1:
            raise AppError("外部服务暂时不可用。")
        return f"第 {len(calls)} 次成功。"

    temporary_jobs.append("test.flaky")
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue("test.flaky", n=7)
    run.refresh_from_db()
    assert calls == [7, 7]
    assert (run.state, run.attempts, run.max_attempts, run.summary, run.error) == ("succeeded", 2, 2, "第 2 次成功。", "")
    assert run.arguments == {"n": 7} and run.trigger == "manual" and run.finished_at is not None
    assert _audit_actions(run) == ["job.retrying", "job.succeeded"]
    retrying = AuditEntry.objects.get(object_id=str(run.pk), action="job.retrying")
    assert "外部服务暂时不可用" in retrying.summary and retrying.actor == "后台任务"


def test_a_job_that_keeps_failing_is_shown_to_the_office_and_can_be_run_again(client_as, temporary_jobs,
                                                                             django_capture_on_commit_callbacks):
    @register_job("test.broken", "测试：总是失败的任务", retries=1, retry_delay=0)
    def broken() -> str:
        raise AppError("找不到上游文件：请检查共享目录。")

    temporary_jobs.append("test.broken")
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue("test.broken")
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("failed", 2)
    assert run.error.startswith("找不到上游文件：请检查共享目录。")
    assert _audit_actions(run) == ["job.retrying", "job.failed"]

    office = client_as("office")
    page = office.get("/jobs/").content.decode()
    assert "测试：总是失败的任务" in page and "找不到上游文件" in page and "重新运行" in page
    assert 'data-state="failed"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/jobs/{run.pk}/again/")
    assert response.status_code == 302
    again = JobRun.objects.exclude(pk=run.pk).get(job="test.broken")
    assert again.requested_by is not None and again.requested_by.username == "office"
    assert again.state == "failed" and again.trigger == "manual"
    assert AuditEntry.objects.filter(action="job.enqueue", actor="office", object_id=str(again.pk)).exists()

    # 三员分立: the security admin sees only the backup and account jobs; other roles see no job page.
    assert "测试：总是失败的任务" not in client_as("secadmin").get("/jobs/").content.decode()
    assert client_as("secadmin").post(f"/jobs/{run.pk}/again/").status_code == 403
    for name in ("leader", "auditor", "sysadmin", "yyx_rep"):
        assert client_as(name).get("/jobs/").status_code == 403, name
    assert JobRun.objects.filter(job="test.broken").count() == 2  # the refused re-run queued nothing


def test_other_apps_add_periodic_jobs_and_the_office_can_run_one_now(client_as, temporary_jobs,
                                                                    django_capture_on_commit_callbacks):
    """The hook the coming case engine uses for its deadline escalations: a periodic job in its own jobs.py."""

    @register_periodic("cases.escalate", "逾期事项升级（测试）", crontab(minute="*/15"), "每15分钟")
    def escalate() -> str:
        return "升级逾期事项 0 件。"

    temporary_jobs.append("cases.escalate")
    assert get_job("cases.escalate").schedule_label == "每15分钟"
    assert "newind.cases.escalate" in {t.name for t in HUEY.read_periodic(dt.datetime(2017, 4, 10, 9, 45))}
    assert "newind.cases.escalate" not in {t.name for t in HUEY.read_periodic(dt.datetime(2017, 4, 10, 9, 50))}

    office = client_as("office")
    page = office.get("/jobs/").content.decode()
    assert "逾期事项升级（测试）" in page and "每15分钟" in page and "立即运行" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert office.post("/jobs/run/cases.escalate/").status_code == 302
    run = JobRun.objects.get(job="cases.escalate")
    assert (run.state, run.summary, run.trigger, run.requested_by.username) == (
        "succeeded", "升级逾期事项 0 件。", "manual", "office")
    assert "升级逾期事项 0 件。" in office.get("/jobs/").content.decode()


def test_a_job_already_running_makes_the_next_run_wait_without_using_a_retry(db, temporary_jobs,
                                                                            django_capture_on_commit_callbacks):
    from newind.jobs.registry import lock_name

    @register_job("test.serial", "测试：不可并行的任务", retries=0)
    def serial() -> str:
        return "完成。"

    temporary_jobs.append("test.serial")
    lock = HUEY.lock_task(lock_name("test.serial"))
    lock.acquire()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = enqueue("test.serial")
    finally:
        lock.release()
    run.refresh_from_db()
    # It did not start (no attempt, no error): huey put it back on the schedule to try again shortly.
    assert (run.state, run.attempts, run.error) == ("queued", 0, "")
    assert len(HUEY.scheduled()) == 1
    HUEY.storage.flush_schedule()


def test_an_unreachable_queue_marks_the_run_failed_with_the_reason(db, temporary_jobs, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    @register_job("test.unqueued", "测试：放不进队列的任务")
    def unqueued() -> str:
        return "完成。"

    temporary_jobs.append("test.unqueued")

    def down(task):  # type: ignore[no-untyped-def]
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(HUEY, "enqueue", down)
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue("test.unqueued")
    run.refresh_from_db()
    assert run.state == "failed" and "无法把任务放入队列" in run.error and "Connection refused" in run.error


def test_an_unknown_job_is_a_404(client_as):
    with pytest.raises(AppError, match="没有名为「nope」的后台任务"):
        get_job("nope")
    assert client_as("office").post("/jobs/run/nope/").status_code == 404
