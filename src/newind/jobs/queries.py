"""Reads for the jobs page: recent runs the user may see, the schedule, and whether the worker seems idle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from newind.accounts.access import job_runs_for, jobs_in_scope
from newind.jobs.models import JobRun, JobState
from newind.jobs.registry import Job, argument_texts

# A run queued longer than this without starting means no worker is taking jobs.
STALE_AFTER = dt.timedelta(minutes=10)


def runs_for(user: Any, limit: int = 100) -> QuerySet[JobRun]:
    """The most recent runs of the jobs the user may see, newest first."""
    return job_runs_for(user).select_related("requested_by")[:limit]


@dataclass
class ScheduledJob:
    job: Job
    last: JobRun | None


def schedule_for(user: Any) -> list[ScheduledJob]:
    """The registered jobs the user may see, each with its latest run."""
    return [ScheduledJob(j, JobRun.objects.filter(job=j.name).first()) for j in jobs_in_scope(user)]


def stale_queue(user: Any) -> bool:
    """True when a run the user can see has waited in the queue too long (no worker is running)."""
    cutoff = timezone.now() - STALE_AFTER
    return job_runs_for(user).filter(state=JobState.QUEUED, enqueued_at__lt=cutoff).exists()


def arguments_text(arguments: dict[str, Any]) -> str:
    """A run's arguments in Chinese (periods by their labels: `registry.register_argument_text`)."""
    parts = []
    for key, value in (arguments or {}).items():
        describe = argument_texts.get(key)
        parts.append(describe(value) if describe is not None else f"{key}：{value}")
    return "；".join(parts)
