"""`newind audit anchor`: the chain head in authenticated files outside the database, checked by `verify`."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from newind.audit.models import AuditEntry
from newind.audit.services import (
    chain_head,
    drop_database_guards,
    purge_before,
    record,
    signed_chain_head,
    verify_chain,
)
from newind.core.errors import AppError
from tests.conftest import TEST_AUDIT_KEY

pytestmark = pytest.mark.django_db


def anchor() -> str:
    out = io.StringIO()
    call_command("audit", "anchor", stdout=out)
    return out.getvalue()


def files(settings) -> list:  # type: ignore[no-untyped-def]
    return sorted(settings.NEWIND_AUDIT_ANCHOR_DIR.glob("anchor-*.json"))


def mac_by_hand(document: dict[str, object]) -> str:
    body = json.dumps({k: v for k, v in document.items() if k != "mac"}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hmac.new(TEST_AUDIT_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()


def test_anchor_writes_the_head_to_a_file_once_per_new_head(office_user, settings) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        record("test.write", user=office_user, summary=f"第{i}条")
    assert "已写入外部锚点" in anchor()
    [path] = files(settings)
    document = json.loads(path.read_text())
    last = AuditEntry.objects.order_by("-id").first()
    assert last.action == "audit.anchor"  # who anchored, and when, is in the log; the file names that entry
    assert (document["count"], document["last_id"], document["hash"]) == (AuditEntry.objects.count(), last.pk, last.hash)
    assert document["purged_through"] == 0 and document["mac"] == mac_by_hand(document)
    assert path.name == f"anchor-{last.pk:012d}.json"
    head = chain_head()
    assert (head.count, head.last_id, head.hash) == (document["count"], document["last_id"], document["hash"])
    manifest = signed_chain_head()  # what a backup manifest embeds
    assert manifest["last_id"] == last.pk and manifest["mac"] == mac_by_hand(manifest)

    count = AuditEntry.objects.count()
    assert "未重复写入" in anchor()  # nothing new: no file, no entry
    assert files(settings) == [path] and AuditEntry.objects.count() == count
    record("test.write", user=office_user, summary="又一条")
    assert "已写入外部锚点" in anchor()
    assert len(files(settings)) == 2
    result = verify_chain()
    assert result.ok and "一致" in result.message and not result.warnings


def test_verify_warns_without_anchors_and_about_entries_after_the_last_one(office_user, client_as) -> None:  # type: ignore[no-untyped-def]
    record("test.write", user=office_user, summary="一条")
    result = verify_chain()
    assert result.ok and result.warnings and "尚无外部锚点" in result.warnings[0]
    anchor()
    record("test.write", user=office_user, summary="锚定之后")
    result = verify_chain()
    assert result.ok and "之后又有 1 条审计记录尚未锚定" in result.warnings[0]
    page = client_as("auditor").get("/audit/verify/").content.decode()
    assert "审计链完整" in page and "尚未锚定" in page
    assert "newind audit" not in page  # a page never tells a user to run a command


def test_an_edited_anchor_file_fails_verify_and_stops_further_anchors(office_user, settings) -> None:  # type: ignore[no-untyped-def]
    record("test.write", user=office_user, summary="一条")
    anchor()
    [path] = files(settings)
    document = json.loads(path.read_text())
    document["count"] += 5
    path.write_text(json.dumps(document))
    result = verify_chain()
    assert not result.ok and f"外部锚点文件「{path.name}」的校验码不符" in result.message
    record("test.write", user=office_user, summary="又一条")
    with pytest.raises(AppError) as exc:
        anchor()
    assert exc.value.status == 409 and "不再生成新的外部锚点" in exc.value.message


def test_anchor_refuses_to_bless_a_chain_whose_anchored_tail_was_deleted(office_user, client_as) -> None:  # type: ignore[no-untyped-def]
    for i in range(4):
        record("test.write", user=office_user, summary=f"第{i}条")
    anchor()
    last_two = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:2])
    drop_database_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", last_two)
    record("test.write", user=office_user, summary="删除之后的新记录")  # links to what is left: a valid chain
    with pytest.raises(AppError) as exc:
        anchor()
    assert f"第 {max(last_two)} 号审计记录已不在数据库中" in exc.value.message
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify")
    assert failed.value.returncode == 1 and f"数据库中已没有第 {max(last_two)} 号记录" in str(failed.value)
    page = client_as("auditor").get("/audit/verify/").content.decode()
    assert "审计链校验失败" in page and f"已没有第 {max(last_two)} 号记录" in page


def test_a_purge_leaves_earlier_anchors_valid(office_user, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    from newind.audit import services

    real_now = timezone.now
    monkeypatch.setattr(services.timezone, "now", lambda: real_now() - dt.timedelta(days=400))
    for i in range(3):
        record("test.write", user=office_user, summary=f"旧{i}")
    anchor()  # its head is purged below
    monkeypatch.setattr(services.timezone, "now", real_now)
    record("test.write", user=office_user, summary="新")
    anchor()
    assert purge_before(timezone.localdate() - dt.timedelta(days=200), user=office_user) > 0
    result = verify_chain()
    assert result.ok, result.message
    assert "已写入外部锚点" in anchor()
    document = json.loads(files(settings)[-1].read_text())
    assert document["purged_through"] > 0 and document["count"] == AuditEntry.objects.count()
    assert verify_chain().ok


def test_the_worker_anchors_the_chain_every_hour(settings, django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    from newind.jobs.models import JobRun
    from newind.jobs.registry import enqueue, get_job

    job = get_job("audit.anchor")
    assert (job.audience, job.schedule_label) == ("security", "每小时第 5 分钟")
    assert "newind.audit.anchor" in {t.name for t in HUEY.read_periodic(dt.datetime(2017, 4, 10, 9, 5))}
    assert "newind.audit.anchor" not in {t.name for t in HUEY.read_periodic(dt.datetime(2017, 4, 10, 9, 6))}

    record("test.before_anchor", user=None, actor="测试", summary="锚点之前的操作")
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue("audit.anchor")
    first.refresh_from_db()
    (written,) = files(settings)
    head = json.loads(written.read_text(encoding="utf-8"))
    # The anchor names the head up to its own audit entry (the run's "finished" entry comes after it).
    assert head["last_id"] == AuditEntry.objects.get(action="audit.anchor").id
    assert first.state == "succeeded" and first.summary.startswith("已生成外部锚点 " + written.name)

    # The job's own bookkeeping (run started and finished) is audited after that anchor, so the next hour's
    # run has new entries to anchor: every run leaves one file, and the chain verifies against all of them.
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("audit.anchor")
    assert len(files(settings)) == 2
    assert verify_chain().ok
    assert JobRun.objects.filter(job="audit.anchor", state="succeeded").count() == 2
