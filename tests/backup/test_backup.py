"""Backup and restore on the database the suite runs on (SQLite, and PostgreSQL when NEWIND_DATABASE_URL
names it): figures made, backed up, destroyed, restored and compared equal; damaged or foreign files refused."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from newind.audit.models import AuditEntry
from newind.audit.services import record, verify_chain
from newind.backup.models import BackupRecord
from newind.backup.services import last_backup, read_archive
from newind.core.errors import AppError
from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period
from newind.indicators.services import (
    apply_observation_plan,
    candidate_frame,
    make_batch,
    plan_observations,
    revise_observation,
)
from newind.units.models import Unit


def _write(values: dict[str, str], year: int = 2016, release: str = "official") -> None:
    """Figures of 岳阳县 and 云溪区 for the year, through the one write path (versions, audit)."""
    rows = []
    for code, value in values.items():
        ind = Indicator.objects.get(code=code)
        for unit_code in ("430621", "430603"):
            rows.append({"indicator_id": ind.id, "unit_id": Unit.objects.get(code=unit_code).id, "year": year,
                         "period_kind": "Y", "period_n": 0, "value": Decimal(value), "measure_unit": ind.measure_unit,
                         "price_basis": ind.price_basis, "release": release, "source": "测试：年报", "original": "",
                         "is_synthetic": False})
    plan = plan_observations(candidate_frame(rows))
    apply_observation_plan(plan, make_batch("测试", "1" * 64, None, "import", plan))


def _figures() -> list[tuple[object, ...]]:
    """Every observation version, as the platform reads it."""
    return list(Observation.objects.order_by("id").values_list(
        "id", "indicator__code", "unit__code", "year", "period_kind", "period_n", "value", "release", "version",
        "is_current", "supersedes_id", "reason"))


def _chain() -> list[tuple[int, str]]:
    return list(AuditEntry.objects.order_by("id").values_list("id", "hash"))


def _only_test_databases() -> None:
    # pytest-django points the connection at test_<name>: a restore here can never reach `test`, the
    # helpers' databases or the one in NEWIND_DATABASE_URL.
    if connection.vendor == "postgresql":
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]


@pytest.mark.django_db(transaction=True)
def test_figures_backed_up_destroyed_and_restored_come_back_equal(reference_data, tmp_path, settings, capsys):
    settings.NEWIND_BACKUP_DIR = tmp_path / "auto"
    _only_test_databases()
    _write({"gdp": "2380.5", "industrial_va_above_size": "980.25"})
    gdp = Indicator.objects.get(code="gdp")
    revise_observation(gdp, Unit.objects.get(code="430621").id, Period.annual(2016), Decimal("2391.2"),
                       source="测试：年鉴", reason="年鉴修订")
    figures, chain = _figures(), _chain()
    assert len(figures) == 5 and len(chain) >= 3

    call_command("backup", "--to", str(tmp_path / "b"))
    assert "已备份到" in capsys.readouterr().out
    (archive,) = (tmp_path / "b").glob("newind-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # readable by the service user only
    manifest, _ = read_archive(archive, tmp_path)
    # The manifest was computed from the very snapshot in the dump: it names what the database held then.
    assert manifest["database"] == connection.vendor and manifest["observations"]["count"] == 5
    assert manifest["counts"]["indicators_observation"] == 5
    head = manifest["audit"]
    assert (head["count"], head["last_id"], head["last_hash"]) == (len(chain), chain[-1][0], chain[-1][1])
    assert "indicators" in manifest["migrations"] and "huey_kv" not in manifest["counts"]

    # Destroy: every figure deleted, a different one written, the audit chain goes on.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM indicators_observation")
    _write({"gdp": "1.0"}, year=2015)
    record("test.after_backup", user=None, actor="测试", summary="备份之后的操作")
    assert _figures() != figures and _chain() != chain

    call_command("restore", str(archive), "--yes")
    out = capsys.readouterr().out
    assert "均与清单一致" in out and "审计链校验完整" in out and "恢复前的数据已另存为" in out
    assert _figures() == figures
    restored_chain = _chain()
    assert restored_chain[:len(chain)] == chain  # the same entries, the same hashes
    assert [a for a in AuditEntry.objects.filter(id__gt=chain[-1][0]).values_list("action", flat=True)] == [
        "backup.restore"]
    assert verify_chain().ok
    # The state just before the restore was saved first, and the security admin's record lists both.
    saved = BackupRecord.objects.get(trigger="before_restore")
    (tmp_path / "saved").mkdir()
    saved_manifest, _ = read_archive(Path(saved.path), tmp_path / "saved")
    assert saved_manifest["observations"]["count"] == 2  # the two 2015 figures written after the backup
    assert BackupRecord.objects.get(trigger="restored").file_name == archive.name
    assert last_backup() == saved


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_backs_up_keeps_the_newest_and_the_security_admin_sees_it(client_as, tmp_path, settings):
    from newind.jobs.models import JobRun
    from newind.jobs.registry import enqueue

    _only_test_databases()
    settings.NEWIND_BACKUP_DIR = tmp_path
    settings.NEWIND_BACKUP_KEEP = 1
    old = tmp_path / "newind-20000101-000000.tar.gz"
    old.write_bytes(b"an old backup")
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    enqueue("backup.nightly")  # no transaction open: runs at once (immediate mode in tests)
    run = JobRun.objects.get(job="backup.nightly")
    assert run.state == "succeeded" and "已备份到 newind-" in run.summary and "清理旧备份 1 个" in run.summary
    assert not old.exists() and unrelated.exists() and len(list(tmp_path.glob("newind-*.tar.gz"))) == 1
    again = enqueue("backup.nightly")  # within 30 minutes of a successful one: not repeated
    again.refresh_from_db()
    assert "本次不再重复" in again.summary and len(list(tmp_path.glob("newind-*.tar.gz"))) == 1

    page = client_as("secadmin").get("/accounts/security/").content.decode()
    last = last_backup()
    assert last is not None and last.ok and last.trigger == "job"
    assert "最近一次备份" in page and last.file_name in page and "成功" in page
    assert "夜间备份" in client_as("secadmin").get("/jobs/").content.decode()


@pytest.mark.django_db
def test_the_security_admin_sees_a_failed_backup_with_its_reason(client_as):
    from django.utils import timezone

    BackupRecord.objects.create(started_at=timezone.now(), finished_at=timezone.now(), ok=False, trigger="job",
                                database=connection.vendor, error="找不到 pg_dump：PostgreSQL 的备份与恢复需要客户端工具。")
    page = client_as("secadmin").get("/accounts/security/").content.decode()
    assert "失败：找不到 pg_dump" in page


def _archive(path: Path, manifest: dict[str, object], dump: bytes, name: str) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for member, data in ((name, dump), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_restore_refuses_a_damaged_foreign_or_unknown_file_and_changes_nothing(reference_data, tmp_path):
    _write({"gdp": "2380.5"})
    figures = _figures()
    dump = b"not really a database"
    name = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    good = {"format": "newind-backup/1", "database": connection.vendor, "created_at": "2017-04-01T02:30:00+08:00",
            "dump": {"name": name, "sha256": hashlib.sha256(dump).hexdigest()}}
    cases = [
        (tmp_path / "plain.tar.gz", None, "不是 newind 的备份文件"),
        (_archive(tmp_path / "tampered.tar.gz", good, dump + b"!", name), None, "校验和不符"),
        (_archive(tmp_path / "foreign.tar.gz", {**good, "database": "sqlite" if connection.vendor != "sqlite"
                                                else "postgresql"}, dump, name), None, "请在同类数据库上恢复"),
        (_archive(tmp_path / "extra.tar.gz", {**good, "dump": {**good["dump"], "name": "../../etc/x"}},  # type: ignore[dict-item]
                  dump, "../../etc/x"), None, "不是 newind 的备份文件"),
        (tmp_path / "missing.tar.gz", "absent", "找不到备份文件"),
    ]
    (tmp_path / "plain.tar.gz").write_bytes(b"hello")
    for path, _, message in cases:
        with pytest.raises(AppError, match=message):
            call_command("restore", str(path), "--yes")
    assert _figures() == figures and not BackupRecord.objects.exists()
    assert not (Path("/etc/x").exists())


@pytest.mark.django_db
def test_restore_without_confirmation_changes_nothing(reference_data, tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    with pytest.raises(AppError, match="未确认恢复"):
        call_command("restore", str(tmp_path / "any.tar.gz"))
