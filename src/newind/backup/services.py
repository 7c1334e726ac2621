"""Backup and restore of the whole database, each backup one .tar.gz with the dump and its manifest.

- SQLite: the online backup API copies the live database in one step, consistent while the server writes
  (WAL); the manifest is computed from that copy.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the manifest is computed in it and
  `pg_dump --snapshot` dumps exactly that snapshot (custom format). The job queue's `huey_*` tables are left
  out: a restored queue would run old jobs again.

Restore checks the archive (its two members, the dump's SHA-256), refuses a dump of the other database kind,
saves the current database first, restores (SQLite backup API into the live connection; `pg_restore --clean
--single-transaction`), then compares the restored database with the manifest and verifies the audit chain
(`newind.audit.services.verify_chain`). Sessions are cleared afterwards: everyone signs in again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newind.backup.manifest import database_manifest, differences
from newind.backup.models import BackupRecord
from newind.core.errors import AppError, NotFound

log = logging.getLogger("newind.backup")

FORMAT = "newind-backup/1"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MANIFEST_NAME = "manifest.json"
PREFIX = "newind-"
SUFFIX = ".tar.gz"


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    record: BackupRecord


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    checked_entries: int
    saved_before: Path | None


def backup_dir() -> Path:
    """Where backups go unless told otherwise (NEWIND_BACKUP_DIR, default var/backups)."""
    return Path(getattr(settings, "NEWIND_BACKUP_DIR", Path(settings.VAR_DIR) / "backups"))


def model_tables() -> list[str]:
    """The tables of every installed model that exist in the database (the manifest counts each)."""
    existing = set(connection.introspection.table_names())
    models = apps.get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy} & existing)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _migrations(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return {app: name for app, name in cursor.fetchall()}


# --- the database kinds ---------------------------------------------------------------------------------


def _dump_sqlite(dump: Path, tables: list[str]) -> dict[str, Any]:
    connection.ensure_connection()
    # The same type converters as Django's own connection, so the manifest of the copy and of a restored
    # database (read through Django) see the same values.
    copy = sqlite3.connect(dump, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        connection.connection.backup(copy)  # one step (pages=-1): a consistent copy even while others write
        cursor = copy.cursor()
        return {**database_manifest(cursor, tables), "migrations": _migrations(cursor)}
    finally:
        copy.close()


def _restore_sqlite(dump: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces every page of the live database at once
    finally:
        source.close()


def _pg_params() -> dict[str, str]:
    s = connection.settings_dict
    params = {"dbname": s["NAME"], "user": s.get("USER") or "", "password": s.get("PASSWORD") or "",
              "host": s.get("HOST") or "", "port": str(s.get("PORT") or "")}
    sslmode = (s.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        params["sslmode"] = sslmode
    return {k: v for k, v in params.items() if v}


def _pg_env() -> dict[str, str]:
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT",
             "sslmode": "PGSSLMODE"}
    return {**os.environ, **{names[k]: v for k, v in _pg_params().items()}}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AppError(f"找不到 {name}：PostgreSQL 的备份与恢复需要 PostgreSQL 客户端工具"
                       f"（Debian: apt-get install postgresql-client，版本不低于数据库服务器）。")
    return path


def _run_tool(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise AppError(f"{what}失败（{args[0].rsplit('/', 1)[-1]} 退出码 {done.returncode}）：{' '.join(detail)}")


def _dump_postgresql(dump: Path, tables: list[str]) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(**_pg_params()) as conn:  # type: ignore[arg-type]
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot = row[0]
            contents = {**database_manifest(cursor, tables), "migrations": _migrations(cursor)}
            # pg_dump reads the very snapshot the manifest was computed in (it stays valid while this
            # transaction is open).
            _run_tool([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                       "--exclude-table=huey_*", f"--file={dump}"], "PostgreSQL 备份（pg_dump）")
        conn.rollback()
    return contents


def _restore_postgresql(dump: Path) -> None:
    connection.close()  # hold no locks on the tables pg_restore drops and recreates
    _run_tool([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", f"--dbname={_pg_params()['dbname']}", str(dump)], "PostgreSQL 恢复（pg_restore）")


# --- backup ---------------------------------------------------------------------------------------------------


def _new_path(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"{PREFIX}{stamp}{SUFFIX}"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{PREFIX}{stamp}-{n}{SUFFIX}"
    return path


def _pack(path: Path, dump: Path, manifest: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(dump, arcname=dump.name)
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
        archive.addfile(info, io.BytesIO(data))
    partial.chmod(0o600)  # a backup holds every figure and account: readable by the service user only
    partial.replace(path)  # atomic: a half-written backup never carries the final name


def create_backup(to_dir: Path | None = None, *, trigger: str = "command", actor: str = "命令行",
                  user: Any = None) -> BackupResult:
    """Back up the database into one archive (dump + manifest) in `to_dir` (default NEWIND_BACKUP_DIR)."""
    from newind import __version__
    from newind.audit.services import record

    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise AppError(f"不支持备份 {vendor} 数据库：newind 支持 SQLite 与 PostgreSQL。")
    directory = Path(to_dir) if to_dir else backup_dir()
    started = timezone.now()
    # The record is written after the dump, so a backup never contains a half-made record of itself.
    entry = BackupRecord(started_at=started, trigger=trigger, actor=actor[:150], database=vendor)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = _new_path(directory)
        tables = model_tables()
        with tempfile.TemporaryDirectory(dir=directory, prefix=".newind-backup-") as tmp:
            dump = Path(tmp) / DUMP_NAMES[vendor]
            contents = _dump_sqlite(dump, tables) if vendor == "sqlite" else _dump_postgresql(dump, tables)
            manifest = {"format": FORMAT, "created_at": started.isoformat(), "database": vendor,
                        "newind_version": __version__, **contents,
                        "dump": {"name": dump.name, "bytes": dump.stat().st_size, "sha256": _sha256(dump)}}
            _pack(path, dump, manifest)
    except Exception as exc:
        message = str(exc) if isinstance(exc, AppError) else f"备份失败（{type(exc).__name__}: {exc}）。"
        entry.ok, entry.error, entry.finished_at = False, message[:2000], timezone.now()
        entry.save()
        record("backup.failed", user=user, actor=actor, obj=entry, summary=f"数据库备份失败：{message}"[:500])
        if isinstance(exc, AppError):
            raise
        raise AppError(message, status=500, code="backup_failed") from exc
    _save_success(entry, path, manifest)
    obs, audit = manifest["observations"], manifest["audit"]
    record("backup.create", user=user, actor=actor, obj=entry,
           after={"file": path.name, "bytes": entry.size_bytes, "observations": obs, "audit": audit},
           summary=f"数据库备份 {path.name}：观测值 {obs['count']} 条，审计记录 {audit['count']} 条。")
    return BackupResult(path, manifest, entry)


def _save_success(entry: BackupRecord, path: Path, manifest: dict[str, Any]) -> None:
    entry.ok, entry.finished_at = True, entry.finished_at or timezone.now()
    entry.file_name, entry.path, entry.size_bytes = path.name, str(path), path.stat().st_size
    entry.manifest = {k: manifest[k] for k in ("format", "database", "created_at", "observations", "audit", "dump")}
    entry.save()


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (only files this module names) in the directory."""
    found = sorted(p for p in directory.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())
    doomed = found[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def last_backup() -> BackupRecord | None:
    """The most recent finished backup (successful or not)."""
    return BackupRecord.objects.exclude(ok=None).first()


# --- restore --------------------------------------------------------------------------------------------------


def read_archive(path: Path, into: Path) -> tuple[dict[str, Any], Path]:
    """The manifest of a backup and its dump written into `into`; refuses anything not made by create_backup."""
    if not path.is_file():
        raise NotFound(f"找不到备份文件「{path}」：请检查路径。")
    bad = f"「{path.name}」不是 newind 的备份文件（或已损坏）：请使用 newind backup 生成的 .tar.gz 文件。"
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers()}
            if MANIFEST_NAME not in members:
                raise AppError(bad)
            manifest_file = archive.extractfile(members[MANIFEST_NAME])
            assert manifest_file is not None
            manifest = json.loads(manifest_file.read().decode("utf-8"))
            name = manifest.get("dump", {}).get("name")
            if manifest.get("format") != FORMAT or name not in DUMP_NAMES.values() or set(members) != {
                    MANIFEST_NAME, name} or not members[name].isfile():
                raise AppError(bad)
            dump = into / name  # a fixed name, never a path taken from the archive
            source = archive.extractfile(members[name])
            assert source is not None
            with dump.open("wb") as out:
                shutil.copyfileobj(source, out)
    except (tarfile.TarError, OSError, ValueError, EOFError):
        raise AppError(bad) from None
    if _sha256(dump) != manifest["dump"]["sha256"]:
        raise AppError(f"备份文件「{path.name}」中的数据库与其清单记录的校验和不符（文件已损坏或被改动）：未做任何恢复。")
    return manifest, dump


def restore_backup(path: Path, *, user: Any = None, actor: str = "命令行", save_current: bool = True) -> RestoreResult:
    """Replace the database with a backup, then prove it: the manifest matches and the audit chain verifies."""
    from django.contrib.sessions.models import Session

    from newind.audit.services import record, verify_chain

    vendor = connection.vendor
    kinds = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    with tempfile.TemporaryDirectory(prefix="newind-restore-") as tmp:
        manifest, dump = read_archive(Path(path), Path(tmp))
        if manifest["database"] != vendor:
            raise AppError(f"该备份来自 {kinds.get(manifest['database'], manifest['database'])} 数据库，当前使用的是 "
                           f"{kinds.get(vendor, vendor)}：请在同类数据库上恢复（NEWIND_DATABASE_URL）。未做任何恢复。")
        saved = create_backup(trigger="before_restore", actor=actor, user=user).path if save_current else None
        (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(dump)
    with connection.cursor() as cursor:
        actual = database_manifest(cursor, list(manifest["counts"]))
    problems = differences(manifest, actual)
    kept = f"恢复前的数据已另存为 {saved}。" if saved else ""
    if problems:
        raise AppError("恢复后的数据库与备份清单不符：" + "；".join(problems[:5]) + f"。{kept}")
    chain = verify_chain()
    if not chain.ok:
        raise AppError(f"恢复后的审计链校验未通过：{chain.message}{kept}")
    Session.objects.all().delete()  # sessions of the backup's time are not today's: everyone signs in again
    # The restored database does not know the backup it came from, nor the copy saved just before: record both.
    created = dt.datetime.fromisoformat(manifest["created_at"])
    _save_success(BackupRecord(started_at=created, finished_at=created, trigger="restored", actor=actor[:150],
                               database=vendor), Path(path), manifest)
    if saved is not None:
        with tempfile.TemporaryDirectory(prefix="newind-restore-") as tmp:
            saved_manifest, _ = read_archive(saved, Path(tmp))
        _save_success(BackupRecord(started_at=timezone.now(), trigger="before_restore", actor=actor[:150],
                                   database=vendor), saved, saved_manifest)
    record("backup.restore", user=user, actor=actor,
           after={"file": Path(path).name, "created_at": manifest["created_at"], "saved_before": str(saved or ""),
                  "observations": manifest["observations"], "audit": manifest["audit"]},
           summary=(f"从备份 {Path(path).name}（{_local(manifest['created_at'])}）恢复数据库：清单核对一致，"
                    f"审计链完整（{chain.checked} 条）。")[:500])
    return RestoreResult(manifest, chain.checked, saved)


def _local(iso: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")
