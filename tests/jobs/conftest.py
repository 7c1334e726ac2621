"""Fixtures for the job tests: jobs registered for one test only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def temporary_jobs() -> Iterator[list[str]]:
    """Append the name of each job a test registers; it is unregistered (registry and huey) afterwards."""
    from newind.jobs import registry

    names: list[str] = []
    yield names
    for name in names:
        job = registry._JOBS.pop(name, None)
        if job is not None:
            job.task.unregister()


# The submission workflow's fixtures (岳阳县's report for 2017年1—3月), for the real-worker test.
from tests.submissions.conftest import last_year, task, yyx_sub  # noqa: E402, F401
