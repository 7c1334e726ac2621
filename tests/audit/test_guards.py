"""The database refuses TRUNCATE, UPDATE and DELETE of the audit log and its anchors; a purge still works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from newind.audit import guards
from newind.audit.models import AuditAnchor, AuditEntry
from newind.audit.services import purge_before, record

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list[object] | None = None) -> str:
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    return str(exc.value)


def test_every_guard_is_in_place_after_all_migrations() -> None:
    # A later migration that rebuilds an audit table on SQLite would silently drop its triggers.
    assert guards.installed(connection) == guards.INSTALLED[connection.vendor]


def test_the_database_refuses_to_empty_or_edit_the_log(office_user) -> None:  # type: ignore[no-untyped-def]
    entries = [record("test.write", user=office_user, summary=f"第{i}条") for i in range(3)]
    before = AuditEntry.objects.count()
    if connection.vendor == "postgresql":
        assert "TRUNCATE on audit_auditentry refused" in _refused("TRUNCATE audit_auditentry")
        assert "TRUNCATE on audit_auditanchor refused" in _refused("TRUNCATE audit_auditanchor")
        # Statement-level: refused even when no row matches.
        assert "UPDATE on audit_auditentry refused" in _refused("UPDATE audit_auditentry SET summary = 'x' WHERE id < 0")
    assert "refused" in _refused("DELETE FROM audit_auditentry")
    assert "refused" in _refused("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    assert "refused" in _refused("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [entries[1].pk])
    assert AuditEntry.objects.count() == before
    assert AuditEntry.objects.get(pk=entries[1].pk).summary == "第1条"


def test_the_database_refuses_to_change_or_remove_purge_anchors(office_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newind.audit import services

    real_now = timezone.now
    monkeypatch.setattr(services.timezone, "now", lambda: real_now() - dt.timedelta(days=400))
    record("test.write", user=office_user, summary="旧")
    monkeypatch.setattr(services.timezone, "now", real_now)
    assert purge_before(timezone.localdate() - dt.timedelta(days=200), user=office_user) > 0
    anchor = AuditAnchor.objects.get()
    assert "refused" in _refused("UPDATE audit_auditanchor SET last_purged_id = last_purged_id + 5")
    assert "refused" in _refused("DELETE FROM audit_auditanchor")
    assert AuditAnchor.objects.get().last_purged_id == anchor.last_purged_id


@pytest.mark.django_db(transaction=True)
def test_the_test_flush_empties_the_audit_tables_and_puts_the_guards_back(office_user) -> None:  # type: ignore[no-untyped-def]
    # Transactional tests end with this flush (TRUNCATE on PostgreSQL, DELETE on SQLite), which passes the
    # guards only through tests/conftest.py; here it runs mid-test to see the guards come back.
    record("test.write", user=office_user, summary="事务测试")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    assert guards.installed(connection) == guards.INSTALLED[connection.vendor]
    record("test.write", user=None, summary="清空之后")
    assert "refused" in _refused("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 1
