"""The nightly backup, run by the worker (and by a 安全管理员's 立即运行 on /jobs/)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from newind.jobs.models import Audience
from newind.jobs.registry import crontab, register_periodic

# A successful backup this recent is not repeated (a schedule firing twice, e.g. two workers).
RECENT = dt.timedelta(minutes=30)


@register_periodic("backup.nightly", "夜间备份（数据库、观测值与审计链清单）", crontab(minute="30", hour="2"),
                   "每天 02:30", audience=Audience.SECURITY, retries=2, retry_delay=600)
def nightly_backup() -> str:
    """Back up into NEWIND_BACKUP_DIR and keep the newest NEWIND_BACKUP_KEEP backups there."""
    from newind.backup.models import BackupRecord
    from newind.backup.services import backup_dir, create_backup, prune_backups

    recent = BackupRecord.objects.filter(ok=True, trigger="job", started_at__gte=timezone.now() - RECENT).first()
    if recent is not None:
        return f"{timezone.localtime(recent.started_at):%H:%M} 已完成备份 {recent.file_name}，本次不再重复。"
    result = create_backup(trigger="job", actor="后台任务")
    removed = prune_backups(backup_dir(), int(getattr(settings, "NEWIND_BACKUP_KEEP", 14)))
    obs, audit = result.manifest["observations"], result.manifest["audit"]
    return (f"已备份到 {result.path.name}（{result.record.size_bytes / 1048576:.1f} MB）：观测值 {obs['count']} 条，"
            f"审计记录 {audit['count']} 条" + (f"；清理旧备份 {len(removed)} 个。" if removed else "。"))
