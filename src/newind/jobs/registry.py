"""The registry of background jobs, and the one runner that gives every job the same bookkeeping.

An app registers a job in its own `jobs.py` (found at start-up by `autodiscover_modules("jobs")`):

    @register_job("derived.recompute", "重算派生数据（汇总、增速、位次）")
    def recompute(periods: list[str]) -> str: ...          # enqueued with enqueue(...) / enqueue_on_commit(...)

    @register_periodic("cases.escalate", "逾期事项升级", crontab(minute="*/15"), "每15分钟")
    def escalate() -> str: ...                              # run by the worker's scheduler

A job is a plain function that returns a one-line Chinese summary and raises on failure. It must be
idempotent: a retry, or a schedule that fires twice, repeats the work without doubling its effects. The
runner records each run in `JobRun` (state, attempts, summary, error), audits its outcome, retries a failed
run (huey: `retries` more times, `retry_delay` seconds apart, doubling), and never runs two copies of the
same job at once (a huey lock per job).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import RetryTask, TaskLockedException

from newind.core.errors import AppError, NotFound
from newind.jobs.models import Audience, JobRun, JobState, Trigger
from newind.jobs.queue import ensure_queue_ready

log = logging.getLogger("newind.jobs")

JobFunc = Callable[..., str]
ACTOR = "后台任务"
LOCK_WAIT_S = 15  # how long a run waits before trying again when the same job is already running

__all__ = ["Job", "crontab", "enqueue", "enqueue_on_commit", "get_job", "jobs", "register_job", "register_periodic"]


@dataclass(frozen=True)
class Job:
    """A registered job: its code, Chinese label, who sees its runs, its schedule (if periodic), retries."""

    name: str
    label: str
    func: JobFunc
    audience: str
    retries: int
    retry_delay: int
    schedule: Any = None  # a huey crontab validator, or None for a job run on demand
    schedule_label: str = ""
    task: Any = None  # the huey TaskWrapper

    @property
    def max_attempts(self) -> int:
        return self.retries + 1

    @property
    def is_periodic(self) -> bool:
        return self.schedule is not None


_JOBS: dict[str, Job] = {}


def jobs() -> list[Job]:
    """Every registered job, periodic ones first, then by code."""
    return sorted(_JOBS.values(), key=lambda j: (j.schedule is None, j.name))


def get_job(name: str) -> Job:
    """The registered job of that code (a 404 AppError if none)."""
    try:
        return _JOBS[name]
    except KeyError:
        raise NotFound(f"没有名为「{name}」的后台任务。") from None


# How a job argument reads in Chinese on /jobs/ ("periods" → "时期：2017年1—3月"), given by the app whose
# jobs take it (indicators for periods): the jobs app sits below them and never imports them.
argument_texts: dict[str, Callable[[Any], str]] = {}


def register_argument_text(key: str, describe: Callable[[Any], str]) -> None:
    """Say how the job argument `key` is shown (describe: the argument's value → a Chinese phrase)."""
    argument_texts[key] = describe


def register_job(name: str, label: str, *, audience: Any = Audience.OFFICE, retries: int = 2,
                 retry_delay: int = 60) -> Callable[[JobFunc], JobFunc]:
    """Register a job run on demand (`enqueue`, `enqueue_on_commit`); its arguments must be JSON."""

    def decorator(func: JobFunc) -> JobFunc:
        def run(task: Any = None, **arguments: Any) -> None:
            _execute(_JOBS[name], task, arguments, Trigger.MANUAL)

        task = db_task(retries=retries, retry_delay=retry_delay, retry_backoff=2, context=True,
                       name=f"newind.{name}")(run)
        _add(Job(name, label, func, str(audience), retries, retry_delay, task=task))
        return func

    return decorator


def register_periodic(name: str, label: str, schedule: Any, schedule_label: str, *,
                      audience: Any = Audience.OFFICE, retries: int = 2,
                      retry_delay: int = 300) -> Callable[[JobFunc], JobFunc]:
    """Register a job the worker's scheduler runs on `schedule` (huey `crontab`, server local time);
    `schedule_label` says when in Chinese ("每天 02:30"). It can also be run by hand (`enqueue`)."""

    def decorator(func: JobFunc) -> JobFunc:
        def run(task: Any = None, **arguments: Any) -> None:
            _execute(_JOBS[name], task, arguments, Trigger.SCHEDULE)

        task = db_periodic_task(schedule, retries=retries, retry_delay=retry_delay, retry_backoff=2, context=True,
                                name=f"newind.{name}")(run)
        _add(Job(name, label, func, str(audience), retries, retry_delay, schedule, schedule_label, task=task))
        return func

    return decorator


def _add(job: Job) -> None:
    if job.name in _JOBS and _JOBS[job.name].func.__qualname__ != job.func.__qualname__:
        raise ValueError(f"job {job.name!r} is registered twice")
    _JOBS[job.name] = job


# (Choices are typed Any: without Django type stubs, mypy sees `Trigger.MANUAL` as a (value, label) tuple.)


# --- enqueueing -------------------------------------------------------------------------------------------


def enqueue(name: str, *, trigger: Any = Trigger.MANUAL, user: Any = None, **arguments: Any) -> JobRun:
    """Queue a run of a job now (after the caller's transaction commits, so the worker sees its data).

    The run is recorded as queued at once; if the queue cannot be reached the run is marked failed with
    the reason, so nothing is lost silently.
    """
    job = get_job(name)
    task = job.task.s(**arguments)
    run = JobRun.objects.create(task_id=task.id, job=job.name, label=job.label, audience=job.audience,
                                trigger=str(trigger), arguments=arguments, max_attempts=job.max_attempts,
                                requested_by=user if getattr(user, "is_authenticated", False) else None,
                                enqueued_at=timezone.now())

    def put() -> None:
        try:
            ensure_queue_ready()
            HUEY.enqueue(task)
        except Exception as exc:  # the queue's storage is down: say so on the run, don't fail the request
            log.exception("could not enqueue job %s", name)
            JobRun.objects.filter(pk=run.pk).update(
                state=JobState.FAILED, finished_at=timezone.now(),
                error=f"无法把任务放入队列（{type(exc).__name__}: {exc}）：请检查后台任务队列的配置与连接。"[:2000])

    transaction.on_commit(put)
    return run


def enqueue_on_commit(name: str, **arguments: Any) -> None:
    """Queue a run of a job when the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: enqueue(name, trigger=Trigger.AFTER_WRITE, **arguments))


def lock_name(job_name: str) -> str:
    """The huey lock that keeps two runs of one job apart."""
    return f"job.{job_name}"


# --- running --------------------------------------------------------------------------------------------


def _execute(job: Job, task: Any, arguments: dict[str, Any], default_trigger: Any) -> None:
    """Run one attempt of a job with its bookkeeping; re-raise a failure so huey retries it."""
    # (No TTL: SQL storages and Redis < 7.4 cannot expire it; `newind worker` clears these locks at start,
    # so a worker that died mid-job does not block the job forever.)
    lock = HUEY.lock_task(lock_name(job.name))
    try:
        lock.acquire()
    except TaskLockedException:
        # Another run of the same job is in progress (e.g. two publishes in a row): wait for it; this is
        # not a failure and uses none of the run's retries.
        raise RetryTask(delay=LOCK_WAIT_S) from None
    try:
        run = _start(job, task, arguments, default_trigger)
        try:
            summary = job.func(**arguments)
        except Exception as exc:
            _finish_failed(job, run, task, exc)
            raise
        _finish(run, JobState.SUCCEEDED, summary=str(summary or "完成。")[:500])
    finally:
        lock.release()


def _start(job: Job, task: Any, arguments: dict[str, Any], default_trigger: Any) -> JobRun:
    task_id = getattr(task, "id", None) or ""
    run = JobRun.objects.filter(task_id=task_id).first() if task_id else None
    if run is None:  # a scheduled run (the scheduler enqueues it, not `enqueue`)
        run = JobRun.objects.create(task_id=task_id or f"local-{timezone.now().timestamp()}", job=job.name,
                                    label=job.label, audience=job.audience, trigger=str(default_trigger),
                                    arguments=arguments, max_attempts=job.max_attempts, enqueued_at=timezone.now())
    run.state = JobState.RUNNING
    run.attempts += 1
    run.started_at = timezone.now()
    run.finished_at = None
    run.save(update_fields=["state", "attempts", "started_at", "finished_at"])
    return run


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.full_text()
    return f"任务出错（{type(exc).__name__}: {exc}）。"


def _finish_failed(job: Job, run: JobRun, task: Any, exc: BaseException) -> None:
    # huey's `task.retries` is the number of retries left when this attempt started.
    retrying = bool(getattr(task, "retries", 0))
    error = _error_text(exc)
    if retrying:
        error += f"将在约 {job.retry_delay * 2 ** (run.attempts - 1)} 秒后重试（第 {run.attempts}/{run.max_attempts} 次已失败）。"
    else:
        log.error("job %s failed for good: %s", job.name, error)
    _finish(run, JobState.RETRYING if retrying else JobState.FAILED, error=error[:2000])


def _finish(run: JobRun, state: Any, *, summary: str = "", error: str = "") -> None:
    from newind.audit.services import record

    run.state, run.summary, run.error, run.finished_at = state, summary, error, timezone.now()
    run.save(update_fields=["state", "summary", "error", "finished_at"])
    outcome = JobState(state).label
    record(f"job.{state}", user=None, actor=ACTOR, obj=run,
           after={"job": run.job, "arguments": run.arguments, "attempt": run.attempts, "state": state},
           summary=f"后台任务「{run.label}」{outcome}（第 {run.attempts} 次）：{summary or error}"[:500])
