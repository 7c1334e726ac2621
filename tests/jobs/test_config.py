"""Where the queue lives: beside the database by default (nothing else to install), or in Redis."""

from __future__ import annotations

from pathlib import Path

from newind.jobs.config import huey_settings


def test_the_queue_follows_the_database_unless_redis_is_named(tmp_path: Path) -> None:
    embedded = huey_settings("sqlite:////srv/newind/db.sqlite3", "", tmp_path, immediate=False, workers=2)
    assert embedded["huey_class"] == "huey.SqliteHuey" and embedded["filename"] == str(tmp_path / "jobs.sqlite3")
    assert embedded["create_tables"] is False  # reading the settings never touches a database
    postgres = huey_settings("postgresql://newind@db:5432/newind", "", tmp_path, immediate=False, workers=2)
    assert (postgres["huey_class"], postgres["dsn"]) == ("huey.PostgresHuey", "postgresql://newind@db:5432/newind")
    redis = huey_settings("postgresql://newind@db:5432/newind", "redis://127.0.0.1:6379/3", tmp_path,
                          immediate=False, workers=4)
    assert (redis["huey_class"], redis["url"], redis["consumer"]["workers"]) == ("huey.RedisHuey",
                                                                               "redis://127.0.0.1:6379/3", 4)
    own_file = huey_settings("sqlite:////srv/db.sqlite3", "sqlite:////srv/queue.sqlite3", tmp_path, immediate=False,
                             workers=1)
    assert own_file["filename"] == "/srv/queue.sqlite3"
    # Schedules are in local time (Asia/Shanghai), and results are not kept (each run is a JobRun row).
    assert embedded["utc"] is False and embedded["results"] is False
