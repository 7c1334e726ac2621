"""A backup's manifest: what the database held, as counts and digests computed in SQL over a DB-API cursor.

The same functions read the copy being made (a SQLite file, or PostgreSQL's exported snapshot that pg_dump
also reads) and, after a restore, the restored database, so the two can be compared exactly.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from typing import Any

from newind.audit.anchors import ChainHead
from newind.audit.calc import GENESIS

# The observation columns that make a figure and its history (every version is a row).
OBSERVATION_COLUMNS = ("id", "indicator_id", "unit_id", "year", "period_kind", "period_n", "value", "measure_unit",
                       "price_basis", "release", "source", "is_synthetic", "version", "supersedes_id", "is_current",
                       "reason", "batch_id", "created_by_id", "created_at")
FETCH = 10_000


def _text(value: Any) -> str:
    """A value as canonical text, whichever driver read it (booleans as 0/1, times in UTC)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(decimal.Decimal(repr(value)).normalize(), "f")
    return str(value)


def table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    """Rows in each table."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names come from the Django models
        counts[table] = int(cursor.fetchone()[0])
    return counts


def observations_digest(cursor: Any, table: str = "indicators_observation") -> dict[str, Any]:
    """The number of observation rows and a SHA-256 over all of them in id order."""
    digest = hashlib.sha256()
    count = 0
    cursor.execute(f'SELECT {", ".join(OBSERVATION_COLUMNS)} FROM "{table}" ORDER BY id')  # noqa: S608
    while rows := cursor.fetchmany(FETCH):
        for row in rows:
            digest.update(("\x1f".join(_text(v) for v in row) + "\n").encode("utf-8"))
        count += len(rows)
    return {"count": count, "sha256": digest.hexdigest()}


def audit_chain_head(cursor: Any) -> dict[str, Any]:
    """The head of the audit chain in this copy, read by the audit app's one reader (`ChainHead.read`,
    which `audit.services.chain_head()` also uses): entries, the last id, its hash and the purge boundary."""
    head = ChainHead.read(cursor, GENESIS)
    return {"count": head.count, "last_id": head.last_id if head.count else None, "last_hash": head.hash,
            "purged_through": head.purged_through}


def database_manifest(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Counts of every table, the observations' digest and the audit chain's head."""
    return {"counts": table_counts(cursor, tables), "observations": observations_digest(cursor),
            "audit": audit_chain_head(cursor)}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between two manifests' contents, in Chinese (empty when equal)."""
    problems = []
    for table, n in expected.get("counts", {}).items():
        if actual.get("counts", {}).get(table) != n:
            problems.append(f"表 {table} 应有 {n} 行，实际 {actual.get('counts', {}).get(table, '不存在')}")
    if expected.get("observations") != actual.get("observations"):
        problems.append("观测值（全部版本）的校验和与备份清单不符")
    # Compare the fields the backup's manifest holds (a manifest written before `purged_through` lacked it).
    expected_head, actual_head = expected.get("audit") or {}, actual.get("audit") or {}
    if not expected_head or any(actual_head.get(k) != v for k, v in expected_head.items()):
        problems.append("审计链的条数或末条哈希与备份清单不符")
    return problems
