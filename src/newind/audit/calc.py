"""The audit chain's hashing, pure: canonical JSON of an entry, its keyed MAC, and the legacy SHA-256 hash.

`hash = HMAC-SHA256(key, prev_hash + canonical JSON)`, with a key kept outside the database
(`newind.audit.keys`): someone who can write to the database but does not hold the key cannot append,
rewrite or re-hash entries so that the chain still verifies. Entries written before the key was introduced
carry `SHA-256(prev_hash + canonical JSON)` (`legacy_hash`); see audit migration 0004 for how they are kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64
# Fields covered by the hash, in this order (the canonical JSON sorts keys anyway).
HASHED_FIELDS = ("at", "actor_id", "actor", "actor_name", "actor_role", "ip", "action", "object_type",
                 "object_id", "unit_id", "unit_code", "summary", "before", "after")
# The action of the entry that marks where keyed hashing starts in a database that had unkeyed entries.
KEYED_START_ACTION = "audit.keyed_start"


def canonical(fields: dict[str, Any]) -> str:
    """The canonical JSON of an entry's hashed fields (sorted keys, no spaces, UTC time with microseconds)."""
    data = {name: fields.get(name) for name in HASHED_FIELDS}
    at = data["at"]
    if isinstance(at, dt.datetime):
        data["at"] = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


@functools.lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    # The key schedule computed once: copying it costs half of a fresh hmac.new (appends are hot).
    return hmac.new(key, digestmod=hashlib.sha256)


def entry_mac(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 under the audit key over the previous hash and the canonical JSON of the entry."""
    mac = _keyed(key).copy()
    mac.update((prev_hash + canonical(fields)).encode("utf-8"))
    return mac.hexdigest()


def legacy_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The unkeyed SHA-256 of entries written before the audit key was introduced (anyone can recompute it)."""
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key, so a wrong or replaced key is named as such (it reveals nothing)."""
    return hmac.new(key, b"newind audit key id", hashlib.sha256).hexdigest()[:16]


def document_mac(key: bytes, document: dict[str, Any]) -> str:
    """HMAC-SHA256 over a small JSON document (an external anchor) without its own `mac` field."""
    body = {k: v for k, v in document.items() if k != "mac"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def macs_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two hex MACs."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
