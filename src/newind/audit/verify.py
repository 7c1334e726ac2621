"""Verifying the audit chain: every link and keyed hash, the purge anchor, and the external anchors.

What fails, and why it is enough:
- a changed, inserted, re-hashed or forged entry: its HMAC needs the key, which is not in the database;
- a deleted entry in the middle: the next entry's `prev_hash` no longer links;
- a deleted start (a forged or edited `AuditAnchor`): a real purge always appends an `audit.purge` entry
  naming its anchor, and that keyed entry cannot be forged;
- a deleted tail, or an emptied log: an external anchor names an entry (id and hash) that is gone.
Entries written before the key existed (plain SHA-256) are accepted only up to the `audit.keyed_start`
entry that audit migration 0004 wrote when the key was introduced, and are reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newind.audit.anchors import ExternalAnchor, read_anchors
from newind.audit.calc import GENESIS, HASHED_FIELDS, KEYED_START_ACTION, entry_mac, legacy_hash, macs_equal
from newind.audit.keys import audit_key
from newind.audit.models import AuditAnchor, AuditEntry

NO_ANCHOR_WARNING = ("尚无外部锚点：末尾的审计记录被删除、或整个审计日志被清空时，本校验无法发现。"
                     "请运维人员配置定时生成外部锚点。")


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    legacy: int = 0  # entries written before the audit key (plain SHA-256)
    anchor: ExternalAnchor | None = None  # the newest external anchor that was checked


class _Walk:
    """The state of one walk along the chain in id order; `step` and `finish` return a failure or None."""

    def __init__(self, key: bytes, purge: AuditAnchor | None, anchors: list[ExternalAnchor]) -> None:
        self.key = key
        self.purge = purge
        self.boundary = purge.last_purged_id if purge else 0
        self.expected_prev = purge.last_purged_hash if purge else GENESIS
        self.purge_confirmed = purge is None
        self.keyed = False
        self.legacy_ids: list[int] = []  # first and last id of the unkeyed prefix
        self.legacy = 0
        self.checked = 0
        self.last_id: int | None = None
        # Anchors at or below the purge boundary name entries that were purged, legitimately.
        self.pending = {a.head.last_id: a for a in anchors if a.head.last_id > self.boundary}

    def step(self, row: dict[str, Any]) -> str | None:
        if row["prev_hash"] != self.expected_prev:
            return f"第 {row['id']} 号审计记录的前序哈希与上一条记录不符：其前面的记录被删除、插入或修改过。"
        fields = {name: row[name] for name in HASHED_FIELDS}
        if macs_equal(row["hash"], entry_mac(self.key, row["prev_hash"], fields)):
            if self.legacy and not self.keyed and not self._closes_legacy(row):
                return self._legacy_failure()
            self.keyed = True
        elif not self.keyed and row["hash"] == legacy_hash(row["prev_hash"], fields):
            self.legacy += 1
            self.legacy_ids[1:] = [row["id"]] if self.legacy_ids else [row["id"], row["id"]]
        else:
            return (f"第 {row['id']} 号审计记录（{row['action']}）的内容与其校验码不符：该记录在写入后被修改过，"
                    "或是不掌握审计密钥的人伪造、重算的（更换过审计密钥也会如此）。")
        self.checked += 1
        self.last_id = row["id"]
        if self.purge is not None and not self.purge_confirmed:
            self.purge_confirmed = _confirms_purge(row, self.purge)
        anchor = self.pending.pop(row["id"], None)
        if anchor is not None:
            if row["hash"] != anchor.head.hash:
                return f"第 {row['id']} 号审计记录的校验码与{anchor.label()}不符：该记录或其之前的记录被重写过。"
            if anchor.head.purged_through == self.boundary and self.checked != anchor.head.count:
                return (f"{anchor.label()}之后，数据库中至第 {row['id']} 号只有 {self.checked} 条记录："
                        "审计记录被删除或插入过。")
        self.expected_prev = row["hash"]
        return None

    def finish(self) -> str | None:
        if self.pending:
            anchor = self.pending[min(self.pending)]
            return (f"{anchor.label()}，但数据库中已没有第 {anchor.head.last_id} 号记录"
                    f"（现存记录至第 {self.last_id or self.boundary} 号）：末尾的审计记录被删除，或审计日志被清空。")
        if not self.purge_confirmed and self.purge is not None:
            return (f"清理锚点（第 {self.purge.last_purged_id} 号及之前的记录已清理）在审计链中找不到对应的清理记录："
                    "该锚点是伪造或被改动过的，其之前的审计记录被非法删除。")
        if self.legacy and not self.keyed:
            return self._legacy_failure()
        return None

    def _closes_legacy(self, row: dict[str, Any]) -> bool:
        # The first keyed entry after unkeyed ones must be the marker that pinned exactly that prefix.
        after = row["after"] if isinstance(row["after"], dict) else {}
        return (row["action"] == KEYED_START_ACTION and after.get("legacy_last_id") == self.legacy_ids[1]
                and after.get("legacy_last_hash") == row["prev_hash"])

    def _legacy_failure(self) -> str:
        first, last = self.legacy_ids
        return (f"第 {first}—{last} 号审计记录只有不带密钥的 SHA-256 哈希，而启用审计密钥时没有固定它们的标记："
                "这些记录可能被有数据库权限的人重写过。")


def _confirms_purge(row: dict[str, Any], purge: AuditAnchor) -> bool:
    """Is this the `audit.purge` entry that a genuine purge appends right after creating `purge`?"""
    after = row["after"] if isinstance(row["after"], dict) else {}
    return (row["action"] == "audit.purge" and after.get("anchor_id") == purge.last_purged_id
            and after.get("anchor_hash") == purge.last_purged_hash)


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in id order and check it against the purge anchor and the external anchors."""
    key = audit_key()
    anchors = read_anchors(key)
    newest = anchors[-1] if anchors else None
    for anchor in anchors:
        if not anchor.valid:
            return VerifyResult(False, 0, None, anchor.problem, anchor=anchor)
    purge = AuditAnchor.objects.order_by("-last_purged_id").first()
    walk = _Walk(key, purge, anchors)
    columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    last_id = walk.boundary
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id").values(*columns)[:batch_size])
        for row in rows:
            problem = walk.step(row)
            if problem:
                return VerifyResult(False, walk.checked, row["id"], problem, legacy=walk.legacy, anchor=newest)
        if len(rows) < batch_size:
            break
        last_id = rows[-1]["id"]
    problem = walk.finish()
    if problem:
        return VerifyResult(False, walk.checked, None, problem, legacy=walk.legacy, anchor=newest)
    return VerifyResult(True, walk.checked, None, _summary(walk, newest), _warnings(walk, newest),
                        legacy=walk.legacy, anchor=newest)


def _summary(walk: _Walk, newest: ExternalAnchor | None) -> str:
    text = f"审计链完整：共校验 {walk.checked} 条记录（审计密钥校验）"
    if walk.legacy:
        first, last = walk.legacy_ids
        text += (f"，其中第 {first}—{last} 号 {walk.legacy} 条写于启用审计密钥之前（仅 SHA-256），"
                 "启用时已被固定，此后的改动可以发现，启用前是否被改过无法证明")
    if newest is not None and newest.head.last_id > walk.boundary:
        text += f"；与{newest.label()}一致"
    return text + "。"


def _warnings(walk: _Walk, newest: ExternalAnchor | None) -> list[str]:
    if newest is None:
        return [NO_ANCHOR_WARNING] if walk.checked else []
    after = AuditEntry.objects.filter(id__gt=newest.head.last_id).count()
    if after:
        return [f"{newest.label()}之后又有 {after} 条审计记录尚未锚定：在下次生成锚点之前，它们被删除将无法发现。"]
    return []
