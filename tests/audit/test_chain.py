"""The audit log is append-only and tamper-evident; purges keep the rest of the chain verifiable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from newind.audit.models import AuditAnchor, AuditEntry
from newind.audit.services import GENESIS, purge_before, record, verify_chain
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


def test_verify_fails_after_a_direct_database_edit(office_user) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _three(office_user)
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
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [b.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == c.pk


def _backdate(entry: AuditEntry, days: int) -> None:
    """Rewrite an entry's time in the database as if written `days` ago (breaks the chain until rehashed)."""
    at = timezone.now() - dt.timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET at = %s WHERE id = %s", [at, entry.pk])


def _rehash_all() -> None:
    from newind.audit.services import HASHED_FIELDS, entry_hash

    prev = GENESIS
    for row in AuditEntry.objects.order_by("id").values("id", *HASHED_FIELDS):
        h = entry_hash(prev, row)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
                           [prev, h, row["id"]])
        prev = h


def test_purge_refuses_the_retention_period_and_keeps_the_chain_verifiable(office_user) -> None:  # type: ignore[no-untyped-def]
    old1, old2, new = _three(office_user)
    with pytest.raises(AppError) as exc:
        purge_before(timezone.localdate() - dt.timedelta(days=10), user=office_user)
    assert "180" in exc.value.message
    # Make the first two entries 400 days old (a direct edit, then re-chain so the test starts from a valid
    # chain whose oldest entries are past the retention period).
    for entry in AuditEntry.objects.filter(id__lte=old2.pk):  # the user creation and the first two
        _backdate(entry, 400)
    _rehash_all()
    assert verify_chain().ok
    purged = AuditEntry.objects.filter(id__lte=old2.pk).count()
    count = purge_before(timezone.localdate() - dt.timedelta(days=200), user=office_user)
    assert count == purged
    assert list(AuditEntry.objects.order_by("id").values_list("id", flat=True))[0] == new.pk
    anchor = AuditAnchor.objects.get()
    assert anchor.last_purged_id == old2.pk and anchor.count == purged
    purge_entry = AuditEntry.objects.order_by("-id").first()
    assert purge_entry is not None and purge_entry.action == "audit.purge"
    assert purge_entry.after["count"] == purged
    result = verify_chain()
    assert result.ok and result.checked == 2


def test_purge_command_refuses_recent_dates(office_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError):
        call_command("audit", "purge", "--before", timezone.localdate().isoformat())
