"""The queue's storage: its tables are made on first use (SQLite file or PostgreSQL tables; Redis has none)."""

from __future__ import annotations

from huey.contrib.djhuey import HUEY

_ready: set[int] = set()  # ids of the storages whose tables this process has made


def ensure_queue_ready() -> None:
    """Create the queue's tables if its storage is SQL (idempotent: CREATE TABLE IF NOT EXISTS), once per
    storage and process."""
    if HUEY.immediate or id(HUEY.storage) in _ready:
        return
    initialize = getattr(HUEY.storage, "initialize_schema", None)
    if initialize is not None:
        initialize()
    _ready.add(id(HUEY.storage))


def storage_description() -> str:
    """Where the queue lives, in Chinese, for the jobs page and the worker's start message."""
    name = type(HUEY.storage).__name__
    if HUEY.immediate:
        return "即时执行（测试/调试模式：任务在发起的进程内同步运行）"
    return {"SqliteStorage": f"SQLite 文件 {getattr(HUEY.storage, 'filename', '')}",
            "PostgresStorage": "PostgreSQL 数据库（huey_* 表）",
            "RedisStorage": "Redis"}.get(name, name)
