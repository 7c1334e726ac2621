"""The backup app's choices, written once: its models, calc and pages share the labels."""

from __future__ import annotations

from django.db import models


class BackupTrigger(models.TextChoices):
    COMMAND = "command", "命令行 newind backup"
    JOB = "job", "后台任务"
    BEFORE_RESTORE = "before_restore", "恢复前自动另存"
    RESTORED = "restored", "恢复所用的备份"
