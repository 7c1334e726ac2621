"""One row per run of a background job: what ran, with which arguments, its state, attempts and error."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Choices are written once, in choices.py (calc and pages share the labels); imported here by name.
from newind.jobs.choices import Audience as Audience
from newind.jobs.choices import JobState as JobState
from newind.jobs.choices import Trigger as Trigger


class JobRun(models.Model):
    """A run of a registered job (newind.jobs.registry); retries of the same task update the same row."""

    task_id = models.CharField("任务编号", max_length=64, unique=True)
    job = models.CharField("任务代码", max_length=64, db_index=True)
    label = models.CharField("任务", max_length=100)
    audience = models.CharField("可见范围", max_length=16, choices=Audience.choices, default=Audience.OFFICE)
    trigger = models.CharField("触发方式", max_length=16, choices=Trigger.choices)
    arguments = models.JSONField("参数", default=dict, blank=True)
    state = models.CharField("状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=1)
    summary = models.CharField("结果", max_length=500, blank=True)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    enqueued_at = models.DateTimeField("排队时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务运行记录"
        verbose_name_plural = "后台任务运行记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["job", "-id"], name="jobrun_job_recent")]

    def __str__(self) -> str:
        return f"{self.label} {self.get_state_display()}"

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
