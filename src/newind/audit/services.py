"""Writing the audit log: `record(...)` is THE function every app calls; plus chain verification and purge.

The chain: each entry stores `prev_hash` (the previous entry's `hash`, or 64 zeros for the first) and
`hash = SHA-256(prev_hash + canonical JSON of the entry's fields)`. Editing, deleting or reordering any
entry breaks the chain at that point, which `verify_chain()` (`newind audit verify`) reports.

A purge deletes entries older than the retention period and leaves an `AuditAnchor` holding the hash of the
last purged entry: verification then starts from that anchor, so the rest of the chain stays verifiable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from newind.audit.models import AuditAnchor, AuditEntry
from newind.core.errors import AppError

GENESIS = "0" * 64
# Fields covered by the hash, in this order (the canonical JSON sorts keys anyway).
HASHED_FIELDS = ("at", "actor_id", "actor", "actor_name", "actor_role", "ip", "action", "object_type",
                 "object_id", "unit_id", "unit_code", "summary", "before", "after")
# A constant key for PostgreSQL's transaction-level advisory lock that serialises appends to the chain.
_PG_LOCK_KEY = 7_336_420_170


def _json_safe(value: Any) -> Any:
    """Plain JSON (Decimals, dates and other objects become strings) so the stored value hashes the same."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def canonical(fields: dict[str, Any]) -> str:
    """The canonical JSON of an entry's hashed fields (sorted keys, no spaces, UTC time with microseconds)."""
    data = {name: fields.get(name) for name in HASHED_FIELDS}
    at = data["at"]
    if isinstance(at, dt.datetime):
        data["at"] = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the entry."""
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def client_ip(request: HttpRequest | None) -> str:
    """The client address: REMOTE_ADDR, or the first X-Forwarded-For hop when behind a trusted proxy."""
    if request is None:
        return ""
    if getattr(settings, "NEWIND_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _actor_fields(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor_id": None, "actor": "", "actor_name": "", "actor_role": ""}
    from newind.accounts.access import role_of

    role = role_of(user)
    return {"actor_id": user.pk, "actor": user.get_username(), "actor_name": user.get_full_name(),
            "actor_role": str(role.value) if role else ""}


def _unit_fields(unit: Any) -> dict[str, Any]:
    if unit is None:
        return {"unit_id": None, "unit_code": ""}
    from newind.units.models import Unit

    if not isinstance(unit, Unit):
        unit = Unit.objects.filter(pk=int(unit)).only("code").first()
        if unit is None:
            return {"unit_id": None, "unit_code": ""}
    return {"unit_id": unit.pk, "unit_code": unit.code}


def _lock_chain() -> None:
    # SQLite: the project opens write transactions IMMEDIATE, so writers are already serialised.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _chain_head() -> str:
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    if last:
        return last
    anchor = AuditAnchor.objects.order_by("-last_purged_id").values_list("last_purged_hash", flat=True).first()
    return anchor or GENESIS


def record(action: str, *, user: Any, request: HttpRequest | None = None, obj: Any = None, unit: Any = None,
           before: Any = None, after: Any = None, summary: str = "", object_type: str = "",
           object_id: str | int = "", actor: str = "") -> AuditEntry:
    """Append one entry to the audit log (inside the caller's transaction, so a rolled-back write leaves none).

    `action` is a short dotted English code ("login", "export", "observations.import", "submission.approve");
    `obj` fills object type/id from a model instance; `unit` is a Unit or unit id; `before`/`after` are JSON.
    `actor` names an anonymous actor (e.g. the username tried in a failed login).
    """
    if request is None:
        # Writes deep inside services (observations, role changes) still get the address of the request.
        from newind.audit.context import current_request

        request = current_request()
    fields: dict[str, Any] = {"at": timezone.now(), **_actor_fields(user), "ip": client_ip(request),
                              "action": action[:48], "summary": summary[:500],
                              "before": _json_safe(before), "after": _json_safe(after), **_unit_fields(unit)}
    if not fields["actor"] and actor:
        fields["actor"] = actor[:150]
    if obj is not None:
        fields["object_type"] = obj._meta.label_lower
        fields["object_id"] = str(obj.pk)
    if object_type:
        fields["object_type"] = object_type[:64]
    if object_id != "":
        fields["object_id"] = str(object_id)[:64]
    fields.setdefault("object_type", "")
    fields.setdefault("object_id", "")
    with transaction.atomic():
        _lock_chain()
        prev = _chain_head()
        entry = AuditEntry(**fields, prev_hash=prev, hash=entry_hash(prev, fields))
        entry.save()
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""


def _stored_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in HASHED_FIELDS}


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in id order; report the first entry whose link or hash does not match."""
    anchor = AuditAnchor.objects.order_by("-last_purged_id").first()
    expected_prev = anchor.last_purged_hash if anchor else GENESIS
    checked = 0
    last_id = anchor.last_purged_id if anchor else 0
    columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id").values(*columns)[:batch_size])
        if not rows:
            break
        for row in rows:
            if row["prev_hash"] != expected_prev:
                return VerifyResult(False, checked, row["id"],
                                    f"第 {row['id']} 号审计记录的前序哈希与上一条记录不符：其前面的记录被删除、插入或修改过。")
            if entry_hash(row["prev_hash"], _stored_fields(row)) != row["hash"]:
                return VerifyResult(False, checked, row["id"],
                                    f"第 {row['id']} 号审计记录（{row['action']}）的内容与其哈希不符：该记录在写入后被修改过。")
            expected_prev = row["hash"]
            checked += 1
        last_id = rows[-1]["id"]
    return VerifyResult(True, checked, None, f"审计链完整：共校验 {checked} 条记录。")


def retention_days() -> int:
    return int(getattr(settings, "NEWIND_AUDIT_RETENTION_DAYS", 180))


@transaction.atomic
def purge_before(before: dt.date, *, user: Any = None, actor: str = "") -> int:
    """Delete entries older than `before` (which must be at least the retention period ago); leave an anchor."""
    days = retention_days()
    limit = timezone.localdate() - dt.timedelta(days=days)
    if before > limit:
        raise AppError(f"审计记录至少保留 {days} 天：只能清理 {limit:%Y-%m-%d} 之前的记录，请把日期改为该日或更早。")
    _lock_chain()
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    doomed = AuditEntry.objects.filter(at__lt=cutoff).order_by("-id")
    last = doomed.values("id", "hash").first()
    if last is None:
        record("audit.purge", user=user, actor=actor, summary=f"清理 {before:%Y-%m-%d} 之前的审计记录：无可清理记录。",
               after={"before": before.isoformat(), "count": 0})
        return 0
    # Only whole prefixes of the chain are purged (entries are appended in time order), so the anchor is
    # the hash the first remaining entry links to.
    count = AuditEntry.objects.filter(id__lte=last["id"]).count()
    AuditAnchor.objects.create(at=timezone.now(), purged_before=before, last_purged_id=last["id"],
                               last_purged_hash=last["hash"], count=count,
                               actor=(user.get_username() if user is not None else actor))
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        # The one deletion path, below the model layer on purpose (the model and queryset refuse deletes).
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last["id"]])  # noqa: S608 - table name is ours
    record("audit.purge", user=user, actor=actor, summary=f"清理 {before:%Y-%m-%d} 之前的审计记录 {count} 条。",
           after={"before": before.isoformat(), "count": count, "anchor_id": last["id"],
                  "anchor_hash": last["hash"]})
    return count


# Above this many units in one write, the log gets one batch-level entry instead of one entry per unit.
PER_UNIT_ENTRY_LIMIT = 300


def record_observation_writes(plan: Any, batch: Any, user: Any, reason: str = "") -> None:
    """Audit one write of figures (called once by `indicators.services.apply_observation_plan`).

    One entry per unit touched (so the auditor can filter by unit), each with the batch id and the number of
    figures added and changed; one batch-level entry when a write touches very many units.
    """
    import pandas as pd

    parts = [plan.added.assign(_kind="added"), plan.changed.assign(_kind="changed")]
    frame = pd.concat([p[["unit_id", "indicator_id", "_kind"]] for p in parts if not p.empty], ignore_index=True)
    if frame.empty:
        return
    batch_id = getattr(batch, "id", None)
    base = {"batch": batch_id, "reason": reason or None}
    if frame["unit_id"].nunique() > PER_UNIT_ENTRY_LIMIT:
        counts = frame["_kind"].value_counts()
        record("observations.write", user=user, object_type="indicators.importbatch", object_id=batch_id or "",
               summary=f"写入数据：新增 {int(counts.get('added', 0))} 条，变更 {int(counts.get('changed', 0))} 条，"
                       f"涉及 {frame['unit_id'].nunique()} 个单位（批次 #{batch_id}）。",
               after={**base, "added": int(counts.get("added", 0)), "changed": int(counts.get("changed", 0)),
                      "units": int(frame["unit_id"].nunique())})
        return
    table = (frame.groupby(["unit_id", "_kind"]).size().unstack(fill_value=0)
             .reindex(columns=["added", "changed"], fill_value=0))
    indicators = frame.groupby("unit_id")["indicator_id"].nunique()
    for unit_id, row in table.iterrows():
        added, changed = int(row["added"]), int(row["changed"])
        record("observations.write", user=user, unit=int(unit_id), object_type="indicators.importbatch",
               object_id=batch_id or "",
               summary=f"写入数据：新增 {added} 条，变更 {changed} 条，{int(indicators[unit_id])} 项指标（批次 #{batch_id}）。",
               after={**base, "added": added, "changed": changed})


def drop_database_guards() -> None:
    """Remove the audit tables' guards, as a database owner could (used by tests that simulate tampering)."""
    from newind.audit import guards

    guards.drop(connection)
