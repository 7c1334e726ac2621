"""Writing the audit log: `record(...)` is THE function every app calls; plus chain verification and purge.

The chain: each entry stores `prev_hash` (the previous entry's `hash`, or 64 zeros for the first) and
`hash = HMAC-SHA256(key, prev_hash + canonical JSON of the entry's fields)` with the audit key kept outside
the database (`audit.keys`, `audit.calc`). Editing, deleting, inserting or reordering any entry breaks the
chain at that point, which `verify_chain()` (`newind audit verify`) reports; without the key nobody can
re-hash the chain to hide it. Deleting the newest entries (or all of them) leaves a shorter chain that is
still valid in itself: the external anchors (`audit.anchors`, `newind audit anchor`) catch that.

A purge deletes entries older than the retention period and leaves an `AuditAnchor` holding the hash of the
last purged entry, and an `audit.purge` entry naming that anchor: verification then starts from the anchor,
and an anchor without its `audit.purge` entry is a forgery.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from newind.audit.anchors import ChainHead, latest_anchor, signed_document, write_anchor_file
from newind.audit.calc import GENESIS, entry_mac
from newind.audit.context import current_command_line, current_request
from newind.audit.keys import audit_key
from newind.audit.models import AuditAnchor, AuditEntry
from newind.audit.verify import VerifyResult as VerifyResult
from newind.audit.verify import verify_chain as verify_chain  # callers import it from here
from newind.core.errors import AppError, Conflict

# `actor_role` of entries written by a `newind` command without a signed-in user (actor `cli:<OS user>`).
CLI_ROLE = "cli"
# A constant key for PostgreSQL's transaction-level advisory lock that serialises appends to the chain.
_PG_LOCK_KEY = 7_336_420_170


def _json_safe(value: Any) -> Any:
    """Plain JSON (Decimals, dates and other objects become strings) so the stored value hashes the same."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def client_ip(request: HttpRequest | None) -> str:
    """The client address: REMOTE_ADDR, or the first X-Forwarded-For hop when behind a trusted proxy."""
    if request is None:
        return ""
    if getattr(settings, "NEWIND_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


# The actor's role, as accounts decides it: accounts (which records into this chain, so sits above it)
# registers `role_of` here in its AppConfig.ready(); audit never imports accounts.
_role_resolver: Callable[[Any], Any] = lambda user: None  # noqa: E731


def set_role_resolver(resolver: Callable[[Any], Any]) -> None:
    """Tell the audit chain how to find a user's role (accounts.access.role_of)."""
    global _role_resolver
    _role_resolver = resolver


def _actor_fields(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor_id": None, "actor": "", "actor_name": "", "actor_role": ""}
    role = _role_resolver(user)
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
    `actor` names an anonymous actor (e.g. the username tried in a failed login). Inside a `newind` command
    (`audit.context.command_line`) an entry without a signed-in user is the command line's: `cli:<OS user>`.
    """
    if request is None:
        # Writes deep inside services (observations, role changes) still get the address of the request.
        request = current_request()
    fields: dict[str, Any] = {"at": timezone.now(), **_actor_fields(user), "ip": client_ip(request),
                              "action": action[:48], "summary": summary[:500],
                              "before": _json_safe(before), "after": _json_safe(after), **_unit_fields(unit)}
    command_line = current_command_line() if request is None else None
    if not fields["actor"] and command_line is not None:
        # No signed-in user and no request: a `newind` command (import, remind, user, audit purge…).
        fields.update(actor=command_line.actor, actor_name=command_line.name, actor_role=CLI_ROLE)
    elif not fields["actor"] and actor:
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
    key = audit_key()
    # No savepoint: inside a caller's transaction a failed append must fail that transaction anyway, and
    # SAVEPOINT/RELEASE would cost two more round trips per entry (imports write many entries).
    with transaction.atomic(savepoint=False):
        _lock_chain()
        prev = _chain_head()
        entry = AuditEntry(**fields, prev_hash=prev, hash=entry_mac(key, prev, fields))
        entry.save()
    return entry


def _actor_label(user: Any, actor: str) -> str:
    if user is not None:
        return str(user.get_username())
    command_line = current_command_line()
    return command_line.actor if command_line is not None else actor


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
                               last_purged_hash=last["hash"], count=count, actor=_actor_label(user, actor))
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        # The one deletion path, below the model layer on purpose (the model and queryset refuse deletes).
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last["id"]])  # noqa: S608 - table name is ours
    record("audit.purge", user=user, actor=actor, summary=f"清理 {before:%Y-%m-%d} 之前的审计记录 {count} 条。",
           after={"before": before.isoformat(), "count": count, "anchor_id": last["id"],
                  "anchor_hash": last["hash"]})
    return count


def chain_head() -> ChainHead:
    """The chain's head now: how many entries, the newest id and its hash (also for backup manifests)."""
    with transaction.atomic(savepoint=False):
        _lock_chain()  # count and head from the same moment: no append can come between the two reads
        with connection.cursor() as cursor:
            return ChainHead.read(cursor, GENESIS)


def signed_chain_head() -> dict[str, Any]:
    """The chain head as an authenticated JSON document (HMAC under the audit key), e.g. for a backup manifest."""
    return signed_document(chain_head(), audit_key())


@dataclass(frozen=True)
class AnchorOutcome:
    head: ChainHead
    path: Path
    written: bool  # False: nothing was appended since the last anchor, which still holds


def anchor_chain(*, user: Any = None, actor: str = "") -> AnchorOutcome:
    """Record the chain head in a new external anchor file; a no-op when nothing changed since the last one.

    Cheap (a few queries and one small file) and idempotent, so a scheduler may run it as often as it likes.
    It refuses to anchor over a previous anchor whose entry is gone or changed: a shortened chain must not
    be blessed by a fresh anchor.
    """
    key = audit_key()
    previous = latest_anchor(key)
    if previous is not None and not previous.valid:
        raise Conflict(f"{previous.problem}在查明原因之前不再生成新的外部锚点：请审计员校验审计链。",
                       code="audit_anchor")
    head = chain_head()
    if previous is not None:
        if previous.head == head:
            return AnchorOutcome(head, previous.path, False)
        _check_anchor_still_holds(previous.head, head)
    with transaction.atomic():
        record("audit.anchor", user=user, actor=actor, object_type="audit.auditentry",
               summary=f"生成审计链外部锚点：此前共 {head.count} 条记录，至第 {head.last_id} 号。",
               after={"count": head.count, "last_id": head.last_id})
        head = chain_head()
    return AnchorOutcome(head, write_anchor_file(signed_document(head, key)), True)


def _check_anchor_still_holds(previous: ChainHead, now: ChainHead) -> None:
    if previous.last_id <= now.purged_through:
        return  # purged since, by `newind audit purge` (verify checks that the purge is genuine)
    stored = AuditEntry.objects.filter(id=previous.last_id).values_list("hash", flat=True).first()
    if stored != previous.hash:
        raise Conflict(f"上一个外部锚点记录的第 {previous.last_id} 号审计记录{'已不在数据库中' if stored is None else '已被改动'}："
                       "审计链末尾被删除或改写过。在查明原因之前不再生成新的外部锚点：请审计员校验审计链。", code="audit_anchor")


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
