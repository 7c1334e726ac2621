"""The accountability list (问责清单, issue 13 §6) and the alerts (预警推送, §7).

An `AccountabilityEntry` is one cause found by a scan (`services.scan`): a supervision task overdue past the
last rung of its escalation ladder, a stalled major project, a unit with repeatedly late or missing monthly
reports. Its fingerprint (cause | object | period) is unique, so a re-scan updates it instead of adding a
second row. The measures taken about it (约谈, 通报批评, 诫勉, 问责) and every change are kept beside it: the
page shows an item's whole history from `AccountabilityEvent`, and every write is audited too.

An `Alert` is one cause of a push (a red light, a task newly overdue, a veto risk), one row per fingerprint
(rule | object | period) that moves open → acknowledged → resolved and reopens when a later scan finds the
cause again (`occurrences` counts the scans that found it; `AlertEvent` keeps the state changes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.accountability.choices import (
    AlertEventKind,
    AlertRule,
    AlertState,
    Cause,
    EntryEventKind,
    EntryStatus,
    MeasureKind,
)
from newind.units.models import Unit


class AccountabilityEntry(models.Model):
    """One item of the accountability list: the unit, the person responsible, the cause in a sentence."""

    fingerprint = models.CharField("指纹", max_length=200, unique=True)
    cause = models.CharField("列入原因", max_length=20, choices=Cause.choices)
    # What the cause is about ("case:12", "project:7", "unit:430621") and the period of the episode (the
    # task's deadline day, the last month the project reported, the year of the reports).
    object_ref = models.CharField("对象", max_length=80)
    period = models.CharField("期别", max_length=20)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    responsible_person = models.CharField("责任人", max_length=100)
    reason = models.TextField("问题描述")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="督办事项")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="重大项目")
    status = models.CharField("状态", max_length=12, choices=EntryStatus.choices, default=EntryStatus.OPEN)
    first_found_at = models.DateTimeField("列入时间")
    last_found_at = models.DateTimeField("最近复核时间")
    last_scan_period = models.CharField("最近扫描期别", max_length=7)
    times_found = models.PositiveIntegerField("扫描发现次数", default=1)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "问责清单条目"
        verbose_name_plural = "问责清单"
        ordering = ["-first_found_at", "-id"]
        indexes = [models.Index(fields=["cause", "status"], name="acct_cause_status"),
                   models.Index(fields=["unit", "status"], name="acct_unit_status")]

    def __str__(self) -> str:
        return f"{self.get_cause_display()}：{self.unit.name}"


class AccountabilityMeasure(models.Model):
    """One measure taken about an entry: its kind, date, document (文号 and text) and who recorded it."""

    entry = models.ForeignKey(AccountabilityEntry, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField("措施", max_length=16, choices=MeasureKind.choices)
    taken_on = models.DateField("日期")
    document_no = models.CharField("文号", max_length=100, blank=True)
    text = models.TextField("内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="记录人")
    recorded_by_name = models.CharField("记录人姓名", max_length=150)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "问责措施"
        verbose_name_plural = "问责措施"
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.taken_on:%Y-%m-%d}"


class AccountabilityEvent(models.Model):
    """One line of an entry's history: listed, re-checked by a scan, a measure, closed, reopened."""

    entry = models.ForeignKey(AccountabilityEntry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    kind = models.CharField("类别", max_length=12, choices=EntryEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="操作人")
    actor_name = models.CharField("操作人名称", max_length=150)
    note = models.TextField("说明", blank=True)
    measure = models.ForeignKey(AccountabilityMeasure, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="问责措施")

    class Meta:
        verbose_name = "问责清单动态"
        verbose_name_plural = "问责清单动态"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind}"


class Alert(models.Model):
    """One cause of a push, kept once per fingerprint (rule | object | period)."""

    fingerprint = models.CharField("指纹", max_length=200, unique=True)
    rule = models.CharField("预警规则", max_length=16, choices=AlertRule.choices)
    object_ref = models.CharField("对象", max_length=80)
    period = models.CharField("期别", max_length=20)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="相关单位")
    title = models.CharField("标题", max_length=300)
    message = models.TextField("内容")
    state = models.CharField("状态", max_length=14, choices=AlertState.choices, default=AlertState.OPEN)
    occurrences = models.PositiveIntegerField("发现次数", default=1)
    first_raised_at = models.DateTimeField("首次触发时间")
    last_raised_at = models.DateTimeField("最近触发时间")
    # Set by each scan: the alert's cause was found in that scan (a resolved alert found again reopens).
    last_seen_at = models.DateTimeField("最近发现时间")
    last_scan_period = models.CharField("最近扫描期别", max_length=7)
    pushes = models.PositiveIntegerField("推送次数", default=0)
    last_push_status = models.CharField("最近推送结果", max_length=300, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-last_raised_at", "-id"]
        indexes = [models.Index(fields=["state", "rule"], name="alert_state_rule"),
                   models.Index(fields=["unit", "state"], name="alert_unit_state")]

    def __str__(self) -> str:
        return self.title


class AlertEvent(models.Model):
    """One state change (or push) of an alert."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    kind = models.CharField("类别", max_length=14, choices=AlertEventKind.choices)
    from_state = models.CharField("原状态", max_length=14, choices=AlertState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=14, choices=AlertState.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="操作人")
    actor_name = models.CharField("操作人名称", max_length=150)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "预警动态"
        verbose_name_plural = "预警动态"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind}"


class AlertSubscription(models.Model):
    """A leader (or the office) follows one unit's alerts: pushed alerts about it name the subscribers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions",
                             verbose_name="订阅人")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="订阅单位")
    created_at = models.DateTimeField("订阅时间", auto_now_add=True)

    class Meta:
        verbose_name = "预警订阅"
        verbose_name_plural = "预警订阅"
        ordering = ["unit__sort_order", "unit__code", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="alert_subscription_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"
