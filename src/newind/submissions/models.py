"""Reporting tasks the office issues, each unit's submission with its figures, the history of every
state change, and the reminders sent before and after the deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.indicators.models import Indicator, Release
from newind.indicators.periods import Period, PeriodKind
from newind.submissions.choices import Action, ReminderKind, State
from newind.submissions.choices import WebhookStatus as WebhookStatus
from newind.units.models import Unit


class ReportingTask(models.Model):
    """A report the office asks a set of units to submit for one period, by a deadline."""

    form_code = models.SlugField("报表代码", max_length=60)
    title = models.CharField("任务名称", max_length=200)
    year = models.SmallIntegerField("年份")
    period_kind = models.CharField("时期类型", max_length=1, choices=[(k.value, k.name) for k in PeriodKind])
    period_n = models.SmallIntegerField("截至季/月", default=0)
    # The report definition as it stood when issued (indicator sets per unit kind, ranges, checks), so a
    # later edit of definitions/reporting/*.yaml does not change a task already under way.
    definition = models.JSONField("报表定义（下达时快照）", default=dict)
    deadline = models.DateField("截止日期")
    is_demo = models.BooleanField("示例数据", default=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="下达人")
    issued_at = models.DateTimeField("下达时间", auto_now_add=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "填报任务"
        verbose_name_plural = "填报任务"
        ordering = ["-year", "-period_n", "-id"]
        constraints = [models.UniqueConstraint(fields=["form_code", "year", "period_kind", "period_n"],
                                               name="one_task_per_form_and_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> Period:
        return Period(self.year, PeriodKind(self.period_kind), self.period_n)

    @property
    def form_number(self) -> str:
        return str(self.definition.get("form_number", ""))


class Submission(models.Model):
    """One unit's report for one task, moving 未填报 → 草稿 → 已提交 → 退回 / 已审核 → 已发布."""

    task = models.ForeignKey(ReportingTask, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.NOT_STARTED)
    filled_by_name = models.CharField("填表人", max_length=50, blank=True)
    reviewer_name = models.CharField("审核人", max_length=50, blank=True)
    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="审核人")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    release = models.CharField("发布类型", max_length=12, choices=Release.choices, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位报表"
        verbose_name_plural = "单位报表"
        ordering = ["task", "unit__sort_order", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="one_submission_per_task_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.task.period.label}"

    @property
    def state_label(self) -> str:
        return State(self.state).label


class SubmissionValue(models.Model):
    """One figure of a submission, in the indicator's unit of measure, with an optional explanation."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("数值", max_digits=28, decimal_places=8, null=True, blank=True)
    explanation = models.CharField("说明", max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "报表数值"
        verbose_name_plural = "报表数值"
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="one_value_per_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"


class SubmissionEvent(models.Model):
    """The history of a submission: who did what, when, from which state to which, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=12, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=12, choices=State.choices)
    to_state = models.CharField("新状态", max_length=12, choices=State.choices)
    reason = models.CharField("原因", max_length=500, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "报表流转记录"
        verbose_name_plural = "报表流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.from_state}→{self.to_state}"


class Reminder(models.Model):
    """A reminder recorded in the platform (and pushed to the webhook when configured)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类型", max_length=10, choices=ReminderKind.choices)
    for_date = models.DateField("提醒日期")
    message = models.CharField("内容", max_length=500)
    webhook_status = models.CharField("推送", max_length=16, choices=WebhookStatus.choices,
                                      default=WebhookStatus.NOT_CONFIGURED)
    webhook_error = models.CharField("推送错误", max_length=300, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "催报提醒"
        verbose_name_plural = "催报提醒"
        ordering = ["-for_date", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "kind", "for_date"],
                                               name="one_reminder_per_kind_and_day")]

    def __str__(self) -> str:
        return self.message
