"""The jobs app's choices, written once: its models, calc and pages share the labels."""

from __future__ import annotations

from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    RETRYING = "retrying", "失败，等待重试"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"


class Audience(models.TextChoices):
    """Who sees a job's runs: the office sees every run; the security admin only the security jobs."""

    OFFICE = "office", "市新型工业化办公室"
    SECURITY = "security", "安全管理员"


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", "定时"
    AFTER_WRITE = "after_write", "数据写入后"
    MANUAL = "manual", "手动"
