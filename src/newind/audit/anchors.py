"""External anchors: the chain head (count, last id, hash) in files outside the database, each with a MAC.

`newind audit anchor` writes one file per new head into NEWIND_AUDIT_ANCHOR_DIR
(`anchor-<last id>.json`); `verify_chain()` reads them all back. Someone who can write to the database
can delete the newest entries, or empty the log, and the chain that remains is still valid in itself; the
anchors outside the database are what show that entries the anchors saw are gone. Each file carries
HMAC-SHA256 under the audit key, so it cannot be forged or edited without the key.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from newind.audit.calc import document_mac, key_id, macs_equal
from newind.core.errors import AppError

FORMAT = "newind-audit-anchor/1"
log = logging.getLogger("newind.audit")
_NAME_PREFIX = "anchor-"


@dataclass(frozen=True)
class ChainHead:
    """The chain's head: entries in the database, the newest entry's id and hash, and the last purge boundary."""

    count: int
    last_id: int
    hash: str
    purged_through: int = 0

    @classmethod
    def read(cls, cursor: Any, genesis: str) -> ChainHead:
        """The head as this cursor's database holds it: the one reader, for `chain_head()` and for backup
        manifests (which read it from the very snapshot or copy they describe, not from the live database)."""
        cursor.execute("SELECT COUNT(*), MAX(id) FROM audit_auditentry")
        count, last_id = cursor.fetchone()
        cursor.execute("SELECT last_purged_id, last_purged_hash FROM audit_auditanchor "
                       "ORDER BY last_purged_id DESC LIMIT 1")
        purge = cursor.fetchone()
        purged_through = int(purge[0]) if purge else 0
        if last_id is None:
            return cls(0, purged_through, purge[1] if purge else genesis, purged_through)
        # (No parameters: a backup passes a plain sqlite3 cursor, whose placeholder differs from Django's.)
        cursor.execute("SELECT hash FROM audit_auditentry ORDER BY id DESC LIMIT 1")
        return cls(int(count), int(last_id), cursor.fetchone()[0], purged_through)

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "last_id": self.last_id, "hash": self.hash,
                "purged_through": self.purged_through}


@dataclass(frozen=True)
class ExternalAnchor:
    """One anchor file as read back; `problem` says in Chinese why it cannot be trusted (empty when valid)."""

    path: Path
    at: dt.datetime | None
    head: ChainHead
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem

    def label(self) -> str:
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else "时间不明"
        return f"{when} 的外部锚点（记录至第 {self.head.last_id} 号、共 {self.head.count} 条）"


def anchor_dir() -> Path:
    return Path(settings.NEWIND_AUDIT_ANCHOR_DIR)


def signed_document(head: ChainHead, key: bytes, at: dt.datetime | None = None) -> dict[str, Any]:
    """The authenticated JSON document of a head (what an anchor file, or a backup manifest, holds)."""
    moment = (at or timezone.now()).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    document: dict[str, Any] = {"format": FORMAT, "at": moment, **head.as_dict(), "key_id": key_id(key)}
    document["mac"] = document_mac(key, document)
    return document


def write_anchor_file(document: dict[str, Any]) -> Path:
    """Write one anchor document atomically (a reader never sees half a file); returns its path."""
    folder = anchor_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_NAME_PREFIX}{int(document['last_id']):012d}.json"
    temp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return path


def anchor_paths() -> list[Path]:
    """The anchor files, oldest head first (the zero-padded id in the name sorts them)."""
    folder = anchor_dir()
    try:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob(f"{_NAME_PREFIX}*.json") if p.is_file())
    except OSError as exc:
        log.error("外部锚点目录 %s 无法读取：%s", folder, exc)
        raise AppError("外部锚点目录无法读取，不能完成审计链校验：请系统管理员检查锚点目录的权限（详情见服务器日志）。",
                       status=500, code="audit_anchor") from None


def read_anchor(path: Path, key: bytes) -> ExternalAnchor:
    """Read one anchor file and check its MAC under `key`."""
    empty = ChainHead(0, 0, "")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        head = ChainHead(int(document["count"]), int(document["last_id"]), str(document["hash"]),
                         int(document["purged_through"]))
        at = dt.datetime.fromisoformat(str(document["at"]).replace("Z", "+00:00"))
        mac, file_key_id = str(document["mac"]), str(document["key_id"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return ExternalAnchor(path, None, empty, f"外部锚点文件「{path.name}」无法读取或格式不对（{type(exc).__name__}）："
                                                 "该文件被改动或损坏过。")
    anchor = ExternalAnchor(path, at, head)
    if document.get("format") != FORMAT:
        return ExternalAnchor(path, at, head, f"外部锚点文件「{path.name}」的格式「{document.get('format')}」无法识别。")
    if file_key_id != key_id(key):
        return ExternalAnchor(path, at, head, f"{anchor.label()}（文件「{path.name}」）是用另一把审计密钥生成的"
                                              f"（密钥指纹 {file_key_id}，当前为 {key_id(key)}）：请确认审计密钥没有被更换。")
    if not macs_equal(mac, document_mac(key, document)):
        return ExternalAnchor(path, at, head, f"外部锚点文件「{path.name}」的校验码不符：该文件被改动过，或是伪造的。")
    return anchor


def read_anchors(key: bytes) -> list[ExternalAnchor]:
    """Every anchor file, checked, oldest head first."""
    return [read_anchor(p, key) for p in anchor_paths()]


def latest_anchor(key: bytes) -> ExternalAnchor | None:
    """The anchor with the newest head, or None when no anchor was ever written."""
    paths = anchor_paths()
    return read_anchor(paths[-1], key) if paths else None
