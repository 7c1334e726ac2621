"""Where the job queue lives, from the environment (imported by settings.py, so no Django imports here).

By default the queue follows the database: a SQLite file beside the embedded database (nothing else to
install), or tables in the PostgreSQL database itself (huey's PostgresHuey, LISTEN/NOTIFY). Setting
NEWIND_JOBS_URL=redis://host:6379/0 moves it to Redis. See docs/decisions.md and docs/deploy.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

QUEUE_NAME = "newind"


def huey_settings(database_url: str, jobs_url: str, var_dir: Path, *, immediate: bool,
                  workers: int) -> dict[str, Any]:
    """The HUEY setting (huey.contrib.djhuey) for the database and optional queue URL."""
    url = jobs_url or database_url
    common: dict[str, Any] = {
        "name": QUEUE_NAME,
        "immediate": immediate,
        # Crontab schedules read the server's local time (Django sets TZ to TIME_ZONE, Asia/Shanghai).
        "utc": False,
        # A task's return value is not needed: each run's state, summary and error are kept in JobRun.
        "results": False,
        "consumer": {"workers": workers, "worker_type": "thread", "periodic": True, "check_worker_health": True,
                     "scheduler_interval": 1},
    }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {**common, "huey_class": "huey.RedisHuey", "url": url}
    if url.startswith(("postgres://", "postgresql://")):
        # Tables are created by newind.jobs.queue.ensure_queue_ready (before every `newind` command), not
        # when the settings are read, so reading them never connects to the database.
        return {**common, "huey_class": "huey.PostgresHuey", "dsn": url,
                "create_tables": False}
    if jobs_url.startswith("sqlite:///"):
        filename = jobs_url.removeprefix("sqlite:///")
    else:
        filename = str(var_dir / "jobs.sqlite3")
    return {**common, "huey_class": "huey.SqliteHuey", "filename": filename, "create_tables": False}
