"""One row per backup made (by the command, the nightly job or a 安全管理员's 立即运行), with its result."""

from __future__ import annotations

from django.db import models

# Choices are written once, in choices.py (calc and pages share the labels); imported here by name.
from newind.backup.choices import BackupTrigger as BackupTrigger


class BackupRecord(models.Model):
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    ok = models.BooleanField("成功", null=True)  # None while running
    trigger = models.CharField("触发方式", max_length=16, choices=BackupTrigger.choices)
    actor = models.CharField("执行人", max_length=150, blank=True)
    database = models.CharField("数据库", max_length=16)
    file_name = models.CharField("文件", max_length=200, blank=True)
    path = models.CharField("路径", max_length=500, blank=True)
    size_bytes = models.BigIntegerField("大小（字节）", null=True, blank=True)
    manifest = models.JSONField("清单", default=dict, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "备份记录"
        verbose_name_plural = "备份记录"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'成功' if self.ok else '失败' if self.ok is False else '进行中'}"
