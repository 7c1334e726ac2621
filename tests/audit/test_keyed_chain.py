"""The chain is keyed (HMAC-SHA256, key outside the database); entries from before the key are pinned, not trusted."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import importlib
import io
import json
import stat

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from newind.audit.calc import GENESIS, HASHED_FIELDS, canonical, legacy_hash
from newind.audit.models import AuditEntry
from newind.audit.services import drop_database_guards, record, verify_chain
from newind.core.errors import AppError
from tests.conftest import TEST_AUDIT_KEY

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("newind.audit.migrations.0004_keyed_chain_start")


def _fields(entry: AuditEntry) -> dict[str, object]:
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def test_each_hash_is_an_hmac_under_the_audit_key(office_user, settings) -> None:  # type: ignore[no-untyped-def]
    entry = record("test.write", user=office_user, summary="写入", after={"v": 1})
    stored = AuditEntry.objects.get(pk=entry.pk)
    # By hand: HMAC-SHA256(key, prev_hash + canonical JSON with sorted keys, no spaces, UTC with microseconds).
    data = {name: getattr(stored, name) for name in HASHED_FIELDS}
    data["at"] = stored.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    message = stored.prev_hash + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert stored.hash == hmac.new(TEST_AUDIT_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()
    assert stored.hash != hashlib.sha256(message.encode()).hexdigest()
    assert verify_chain().ok
    settings.NEWIND_AUDIT_KEY = "another-key-of-at-least-32-characters-000"
    result = verify_chain()
    assert not result.ok and "更换过审计密钥也会如此" in result.message


def test_without_a_configured_key_one_is_generated_once_in_the_var_dir(db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_AUDIT_KEY = ""
    settings.NEWIND_AUDIT_KEY_FILE = ""
    settings.VAR_DIR = tmp_path / "var"
    first = record("test.write", user=None, summary="第一条")
    key_file = tmp_path / "var" / "audit.key"
    text = key_file.read_text()
    assert len(bytes.fromhex(text.strip())) == 32  # 32 random bytes, written as hex
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    record("test.write", user=None, summary="第二条")
    assert key_file.read_text() == text  # generated once, then reused
    assert first.hash == hmac.new(text.strip().encode(), (first.prev_hash + _canonical(first)).encode(),
                                  hashlib.sha256).hexdigest()
    assert verify_chain().ok


def _canonical(entry: AuditEntry) -> str:
    return canonical(_fields(entry))


def test_a_configured_key_file_that_is_missing_stops_writes_instead_of_making_a_new_key(db, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_AUDIT_KEY = ""
    settings.NEWIND_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.key")
    with pytest.raises(AppError) as exc:
        record("test.write", user=None, summary="写不进去")
    assert exc.value.status == 500 and "审计日志的密钥不可用" in exc.value.message
    assert str(tmp_path) not in exc.value.message  # the path goes to the server log, not to a page
    assert not (tmp_path / "keys" / "audit.key").exists() and not AuditEntry.objects.exists()


def test_a_short_key_is_refused(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NEWIND_AUDIT_KEY = "short"
    with pytest.raises(AppError):
        record("test.write", user=None, summary="太短")
    assert not AuditEntry.objects.exists()


def _old_database(n: int = 5) -> list[AuditEntry]:
    """A log written before the key: a plain SHA-256 chain, as the previous version stored it."""
    prev, entries = GENESIS, []
    for i in range(n):
        fields = {"at": timezone.now(), "actor_id": None, "actor": "office", "actor_name": "市工信局管理员",
                  "actor_role": "office", "ip": "", "action": "test.old", "object_type": "", "object_id": "",
                  "unit_id": None, "unit_code": "", "summary": f"旧记录{i}", "before": None, "after": {"v": i}}
        entry = AuditEntry.objects.create(**fields, prev_hash=prev, hash=legacy_hash(prev, fields))
        entries.append(entry)
        prev = entry.hash
    return entries


def test_unkeyed_entries_without_the_keyed_start_marker_fail(db) -> None:  # type: ignore[no-untyped-def]
    old = _old_database()
    result = verify_chain()
    assert not result.ok
    assert f"第 {old[0].pk}—{old[-1].pk} 号审计记录只有不带密钥的 SHA-256 哈希" in result.message


def test_unkeyed_entries_are_pinned_by_the_migration_and_reported_as_such(db) -> None:  # type: ignore[no-untyped-def]
    old = _old_database()
    MIGRATION.mark_keyed_start(apps, None)
    MIGRATION.mark_keyed_start(apps, None)  # a second run adds nothing
    marker = AuditEntry.objects.get(action="audit.keyed_start")
    assert marker.prev_hash == old[-1].hash
    assert marker.after["legacy_last_id"] == old[-1].pk and marker.after["legacy_count"] == 5
    record("test.write", user=None, summary="启用密钥之后")
    result = verify_chain()
    assert result.ok and result.legacy == 5 and result.checked == 7
    assert f"其中第 {old[0].pk}—{old[-1].pk} 号 5 条写于启用审计密钥之前（仅 SHA-256）" in result.message
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "写于启用审计密钥之前" in out.getvalue()

    # Rewriting an old entry afterwards, even with its SHA-256 chain recomputed, no longer goes unnoticed.
    drop_database_guards()
    prev = old[1].hash
    with connection.cursor() as cursor:
        for entry in old[2:]:
            fields = {**_fields(entry), "summary": "改过" if entry.pk == old[2].pk else entry.summary}
            new = legacy_hash(prev, fields)
            cursor.execute("UPDATE audit_auditentry SET summary = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [fields["summary"], f"tmp-{entry.pk}-{prev}"[:64], f"tmph-{entry.pk}-{new}"[:64], entry.pk])
            entry.prev_hash, entry.hash, prev = prev, new, new
        for entry in old[2:]:
            cursor.execute("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                           [entry.prev_hash, entry.hash, entry.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == marker.pk
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1 and f"第 {marker.pk} 号审计记录的前序哈希与上一条记录不符" in str(exc.value)
