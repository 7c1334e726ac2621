"""The five ways a database owner emptied or rewrote the audit log unnoticed (issue 7, item 3), on both databases.

Each attack uses raw SQL as someone holding the database owner's rights would (dropping the guards where
they are in the way); `newind audit verify` must then exit non-zero with a Chinese sentence saying what is
wrong. Before the keyed chain and the external anchors, `verify` exited 0 after every one of them.
"""

from __future__ import annotations

import hashlib
import hmac
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from newind.audit.calc import HASHED_FIELDS, canonical, legacy_hash
from newind.audit.models import AuditEntry
from newind.audit.services import drop_database_guards, record

pytestmark = pytest.mark.django_db

# What an attacker without the audit key can compute: plain SHA-256, or an HMAC under a key of their own.
FORGERIES = {
    "sha256": lambda prev, fields: legacy_hash(prev, fields),
    "hmac-guessed-key": lambda prev, fields: hmac.new(b"attacker-guess-" * 3, (prev + canonical(fields)).encode(),
                                                      hashlib.sha256).hexdigest(),
}


def verify() -> tuple[int, str]:
    """`newind audit verify`: (exit status, output). The console script exits with a CommandError's returncode.

    (Through call_command, not newind.cli.main: Django closes the database connections after a console
    command, which would end the test's transaction on PostgreSQL.)
    """
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def anchor() -> None:
    out = io.StringIO()
    call_command("audit", "anchor", stdout=out)
    assert "已写入外部锚点" in out.getvalue()


@pytest.fixture
def log(office_user) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    """Twenty entries (after the ones creating the user), verified clean before any attack."""
    for i in range(20):
        record("test.write", user=office_user, summary=f"第{i}条", after={"v": i})
    status, text = verify()
    assert status == 0 and "审计链完整" in text
    return list(AuditEntry.objects.order_by("id"))


def _fields(entry: AuditEntry, **changes: object) -> dict[str, object]:
    return {**{name: getattr(entry, name) for name in HASHED_FIELDS}, **changes}


def test_emptying_the_whole_log_fails_verify(log) -> None:  # type: ignore[no-untyped-def]
    anchor()
    head = AuditEntry.objects.order_by("-id").first()
    drop_database_guards()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditentry, audit_auditanchor")
        else:
            cursor.execute("DELETE FROM audit_auditentry")
            cursor.execute("DELETE FROM audit_auditanchor")
    assert not AuditEntry.objects.exists()
    status, text = verify()
    assert status == 1
    assert f"数据库中已没有第 {head.pk} 号记录" in text and "末尾的审计记录被删除，或审计日志被清空" in text


def test_deleting_the_last_five_entries_fails_verify(log) -> None:  # type: ignore[no-untyped-def]
    anchor()
    last_five = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:5])
    drop_database_guards()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM audit_auditentry WHERE id IN ({', '.join(['%s'] * 5)})", last_five)
    status, text = verify()
    assert status == 1
    assert f"数据库中已没有第 {max(last_five)} 号记录" in text and "末尾的审计记录被删除" in text


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_entry_appended_with_a_recomputed_hash_fails_verify(log, forgery) -> None:  # type: ignore[no-untyped-def]
    head = log[-1]
    fields = _fields(head, at=timezone.now(), action="observations.write", summary="伪造：写入数据 1 条", after=None)
    forged = AuditEntry.objects.create(**fields, prev_hash=head.hash, hash=FORGERIES[forgery](head.hash, fields))
    status, text = verify()
    assert status == 1
    assert f"第 {forged.pk} 号审计记录（observations.write）的内容与其校验码不符" in text


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_an_edited_entry_with_the_chain_rehashed_fails_verify(log, forgery) -> None:  # type: ignore[no-untyped-def]
    victim = log[-10]
    drop_database_guards()
    prev = log[-11].hash
    rehashed = []
    for entry in log[-10:]:
        fields = _fields(entry, summary="改过" if entry.pk == victim.pk else entry.summary)
        new_hash = FORGERIES[forgery](prev, fields)
        rehashed.append((fields["summary"], prev, new_hash, entry.pk))
        prev = new_hash
    with connection.cursor() as cursor:
        # Two passes: prev_hash and hash are unique, so park every row on a temporary value first.
        for _, _, _, pk in rehashed:
            cursor.execute("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                           [f"tmp-prev-{pk}", f"tmp-hash-{pk}", pk])
        for summary, prev_hash, new_hash, pk in rehashed:
            cursor.execute("UPDATE audit_auditentry SET summary = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [summary, prev_hash, new_hash, pk])
    assert AuditEntry.objects.get(pk=victim.pk).summary == "改过"
    status, text = verify()
    assert status == 1
    assert f"第 {victim.pk} 号审计记录（test.write）的内容与其校验码不符" in text


def test_a_fake_purge_anchor_before_deleting_the_first_half_fails_verify(log) -> None:  # type: ignore[no-untyped-def]
    middle = log[len(log) // 2]
    with connection.cursor() as cursor:
        # No guard needs dropping: inserting an anchor is allowed (a purge does it), and the delete guard then
        # lets entries up to the anchor go. What the attacker cannot write is the keyed `audit.purge` entry.
        cursor.execute("INSERT INTO audit_auditanchor (at, purged_before, last_purged_id, last_purged_hash, count, "
                       "actor) VALUES (%s, %s, %s, %s, %s, %s)",
                       [timezone.now(), timezone.localdate(), middle.pk, middle.hash, len(log) // 2 + 1, "auditor"])
        cursor.execute("DELETE FROM audit_auditentry WHERE id <= %s", [middle.pk])
    assert AuditEntry.objects.order_by("id").first().prev_hash == middle.hash  # the rest still links
    status, text = verify()
    assert status == 1
    assert f"清理锚点（第 {middle.pk} 号及之前的记录已清理）在审计链中找不到对应的清理记录" in text
