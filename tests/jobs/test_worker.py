"""A real worker (huey's consumer, in threads of this process) takes the job a publish queues, on the queue
the platform would use: the database's own (a SQLite file, or PostgreSQL tables) and Redis (db 5)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY

from newind.indicators.derived import derived_frame
from newind.indicators.periods import Period
from newind.jobs.models import JobRun
from tests.submissions.conftest import GOOD, form_post

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/5"  # db 5: kept apart from other users of this Redis


def _storage(kind: str, tmp_path: Any) -> Any:
    from huey.storage import PostgresStorage, RedisStorage, SqliteStorage

    name = f"newind-test-{uuid.uuid4().hex[:8]}"
    if kind == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.ConnectionError:
            if os.environ.get("CI") == "true":
                pytest.fail("CI 上必须能连接 Redis 127.0.0.1:6379。")
            pytest.skip("本机 Redis 127.0.0.1:6379 不可用，跳过 Redis 队列测试。")
        return RedisStorage(name, url=REDIS_URL)
    if connection.vendor == "postgresql":
        s = connection.settings_dict  # the test database, never the one named in NEWIND_DATABASE_URL
        dsn = " ".join(f"{k}={v}" for k, v in (("host", s["HOST"]), ("port", s["PORT"]), ("dbname", s["NAME"]),
                                               ("user", s["USER"]), ("password", s["PASSWORD"])) if v)
        # Polling (blocking=False): the LISTEN connection huey keeps per worker thread would outlive the test
        # and keep the test database from being dropped.
        return PostgresStorage(name, dsn=dsn, table_prefix="huey_test", blocking=False)
    return SqliteStorage(name, filename=str(tmp_path / "jobs.sqlite3"))


@contextmanager
def running_worker(storage: Any) -> Iterator[None]:
    """huey's consumer with one worker thread on `storage`, as `newind worker` runs it (without signals)."""
    saved = HUEY._immediate, HUEY.storage
    HUEY._immediate, HUEY.storage = False, storage
    consumer = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=False,
                                    initial_delay=0.05, max_delay=0.2)
    consumer._set_signal_handlers = lambda: None  # the test runner keeps its own signal handlers
    consumer.start()
    try:
        yield
    finally:
        consumer.stop(graceful=True)
        storage.flush_all()
        if hasattr(storage, "initialize_schema"):
            storage.close()
        HUEY._immediate, HUEY.storage = saved


def _wait_for(job: str, after_id: int, timeout: float = 60) -> JobRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = JobRun.objects.filter(job=job, id__gt=after_id, state__in=["succeeded", "failed"]).first()
        if run is not None:
            return run
        time.sleep(0.2)
    states = list(JobRun.objects.values_list("job", "state", "error"))
    raise AssertionError(f"{job} did not finish within {timeout}s: {states}")


@pytest.mark.parametrize("queue", ["database", "redis"])
def test_a_real_worker_recomputes_after_a_publish(queue, client_as, yyx_sub, tmp_path):
    storage = _storage(queue, tmp_path)
    before = JobRun.objects.order_by("-id").values_list("id", flat=True).first() or 0  # the fixtures' own writes
    saved = HUEY._immediate, HUEY.storage
    HUEY._immediate, HUEY.storage = False, storage  # the web side queues on the real queue, as in production
    try:
        assert client_as("yyx_rep").post(f"/submissions/{yyx_sub.pk}/", form_post(GOOD, "submit")).status_code == 302
        assert client_as("yyx_rev").post(f"/submissions/{yyx_sub.pk}/review/", {"decision": "approve"}).status_code == 302
        assert client_as("office").post(f"/submissions/{yyx_sub.pk}/publish/", {"release": "flash"}).status_code == 302
    finally:
        HUEY._immediate, HUEY.storage = saved
    # The publish queued the recompute and returned; nothing ran it yet. (The worker starts only now: the
    # test database is an in-memory SQLite whose shared cache refuses a second writer instead of waiting,
    # unlike the WAL file with a busy timeout that a real installation uses.)
    queued = JobRun.objects.get(job="derived.recompute", id__gt=before)
    assert (queued.state, queued.attempts) == ("queued", 0)
    assert derived_frame(Period.month(2017, 3), kind="growth").empty
    with running_worker(storage):
        run = _wait_for("derived.recompute", before)
    assert (run.state, run.attempts, run.trigger) == ("succeeded", 1, "after_write"), run.error
    derived = derived_frame(Period.month(2017, 3), kind="growth")
    va = derived[(derived["unit_code"] == "430621") & (derived["indicator_code"] == "industrial_va_above_size")]
    assert float(va["value"].iloc[0]) == pytest.approx((48.6 / 45.2 - 1) * 100)  # by hand, as in test_jobs.py
    page = client_as("office").get("/jobs/").content.decode()
    assert "重算派生数据" in page and 'data-state="succeeded"' in page
