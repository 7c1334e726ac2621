"""The audit log is append-only and tamper-evident; purges keep the rest of the chain verifiable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from newind.audit.models import AuditAnchor, AuditEntry
from newind.audit.services import GENESIS, drop_database_guards, purge_before, record, verify_chain
from newind.core.errors import AppError

pytestmark = pytest.mark.django_db


def _three(office_user) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return [record("test.write", user=office_user, summary=f"第{i}条", before={"v": i}, after={"v": i + 1})
            for i in range(3)]


def test_entries_link_to_the_previous_hash(office_user) -> None:  # type: ignore[no-untyped-def]
    earlier = list(AuditEntry.objects.order_by("id"))  # creating office_user was audited already
    assert earlier and earlier[0].prev_hash == GENESIS
    a, b, c = _three(office_user)
    assert a.prev_hash == earlier[-1].hash and b.prev_hash == a.hash and c.prev_hash == b.hash
    assert a.actor == "office" and a.actor_role == "office"
    result = verify_chain()
    assert result.ok and result.checked == len(earlier) + 3


def test_the_application_cannot_change_or_delete_entries(office_user) -> None:  # type: ignore[no-untyped-def]
    a, *_ = _three(office_user)
    a.summary = "改过"
    with pytest.raises(AppError):
        a.save()
    with pytest.raises(AppError):
        a.delete()
    with pytest.raises(AppError):
        AuditEntry.objects.filter(pk=a.pk).update(summary="改过")
    with pytest.raises(AppError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=a.pk).summary == "第0条"


def test_the_database_itself_refuses_updates_and_deletes(office_user) -> None:  # type: ignore[no-untyped-def]
    from django.db import DatabaseError, transaction

    a, b, c = _three(office_user)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [b.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [b.pk])
    assert verify_chain().ok


def test_verify_fails_after_a_direct_database_edit(office_user) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _three(office_user)
    drop_database_guards()  # a database owner can drop the triggers: the hash chain still shows the edit
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET after = %s WHERE id = %s", ['{"v": 99}', b.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == b.pk
    assert result.checked == AuditEntry.objects.filter(id__lt=b.pk).count()
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"第 {b.pk} 号" in str(exc.value) and exc.value.returncode == 1


def test_verify_fails_when_an_entry_is_deleted_in_the_database(office_user) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _three(office_user)
    drop_database_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [b.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == c.pk


def test_purge_refuses_the_retention_period_and_keeps_the_chain_verifiable(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from newind.audit import services

    real_now = timezone.now
    # Everything so far happened 400 days ago (the clock of `record` is moved back; database guards stay on).
    monkeypatch.setattr(services.timezone, "now", lambda: real_now() - dt.timedelta(days=400))
    user = get_user_model().objects.create_user("old_office", password="Old-Office-2016")
    old1, old2, _ = _three(user)
    monkeypatch.setattr(services.timezone, "now", real_now)
    purged = AuditEntry.objects.count()
    new = record("test.write", user=user, summary="新")
    with pytest.raises(AppError) as exc:
        purge_before(timezone.localdate() - dt.timedelta(days=10), user=user)
    assert "180" in exc.value.message
    count = purge_before(timezone.localdate() - dt.timedelta(days=200), user=user)
    assert count == purged
    remaining = list(AuditEntry.objects.order_by("id"))
    assert old1.pk not in {e.pk for e in remaining} and old2.pk not in {e.pk for e in remaining}
    anchor = AuditAnchor.objects.get()
    assert anchor.count == purged and anchor.last_purged_id < new.pk
    purge_entry = remaining[-1]
    assert purge_entry.action == "audit.purge" and purge_entry.after["count"] == purged
    result = verify_chain()
    assert result.ok and result.checked == len(remaining)


def test_purge_command_refuses_recent_dates(office_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError):
        call_command("audit", "purge", "--before", timezone.localdate().isoformat())
