"""Writes of the jobs app: run a job now, or run a failed run again (both audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newind.accounts.access import job_for, job_run_for
from newind.audit.services import record
from newind.core.errors import Conflict
from newind.jobs.models import JobRun, JobState, Trigger
from newind.jobs.registry import enqueue


@transaction.atomic
def run_now(name: str, user: Any, *, request: Any = None) -> JobRun:
    """Queue a run of a registered job at once, on behalf of the user (e.g. a backup before an upgrade)."""
    job = job_for(user, name, write=True)
    run = enqueue(name, trigger=Trigger.MANUAL, user=user)
    record("job.enqueue", user=user, request=request, obj=run, after={"job": name},
           summary=f"手动运行后台任务「{job.label}」。")
    return run


@transaction.atomic
def run_again(run_id: int, user: Any, *, request: Any = None) -> JobRun:
    """Queue a failed run again with the same arguments."""
    old = job_run_for(user, run_id, write=True)
    if old.state != JobState.FAILED:
        raise Conflict(f"只有失败的任务可以重新运行；该任务当前状态为「{old.get_state_display()}」。")
    run = enqueue(old.job, trigger=Trigger.MANUAL, user=user, **old.arguments)
    record("job.enqueue", user=user, request=request, obj=run, after={"job": old.job, "rerun_of": old.pk},
           summary=f"重新运行失败的后台任务「{old.label}」（原记录 #{old.pk}）。")
    return run
