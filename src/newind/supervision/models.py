"""Dispatch meetings (调度会) and supervision tasks (督办事项) on the case engine (issue 13 §1–2).

A `SupervisionTask` is a `supervision`-kind `cases.Case` (its state, deadlines, reminders, 催办, escalation
and 销号 are the engine's, under definitions/sla/supervision.yaml) with where it came from: a meeting's
decision, a leader's instruction (批示), a document, an assessment finding or a warning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.cases.models import Case
from newind.supervision.choices import AgendaSource, MeetingKind, TaskSource, Urgency
from newind.units.models import Unit


class UnitHead(models.Model):
    """A unit's head as a person (县委书记、县长、局长、市长 …): who chairs, attends and instructs."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="heads", verbose_name="单位")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="unit_heads", verbose_name="平台账号")
    is_principal = models.BooleanField("主要负责人", default=False)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "单位负责人"
        verbose_name_plural = "单位负责人"
        ordering = ["unit__sort_order", "unit__code", "-is_principal", "id"]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.post}{self.name}"


class Meeting(models.Model):
    """One dispatch meeting with the monthly dispatch report it used (the rendered file and its fingerprint)."""

    kind = models.CharField("会议类型", max_length=12, choices=MeetingKind.choices, default=MeetingKind.MONTHLY)
    held_on = models.DateField("召开日期")
    title = models.CharField("会议名称", max_length=200)
    chair = models.ForeignKey(UnitHead, on_delete=models.PROTECT, related_name="meetings_chaired",
                              verbose_name="主持人")
    attendees = models.ManyToManyField(UnitHead, blank=True, related_name="meetings_attended",
                                       verbose_name="参会人员")
    agenda = models.TextField("会议议程", blank=True)
    report_period = models.CharField("调度通报期别", max_length=7, blank=True)  # "2017-09"
    # The monthly dispatch report the meeting used, as rendered when it was attached (Word), kept under
    # NEWIND_ATTACHMENT_DIR/meetings/ by a name of ours; the SHA-256 says exactly which version it was.
    report_name = models.CharField("调度通报文件名", max_length=200, blank=True)
    report_stored_as = models.CharField("调度通报存储路径", max_length=200, blank=True)
    report_sha256 = models.CharField("调度通报 SHA-256", max_length=64, blank=True)
    report_size = models.PositiveIntegerField("调度通报大小（字节）", null=True, blank=True)
    report_generated_at = models.DateTimeField("调度通报生成时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "调度会议"
        verbose_name_plural = "调度会议"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["kind", "held_on"], name="meeting_kind_held")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class AgendaItem(models.Model):
    """One item on a meeting's agenda, possibly from a red light, an overdue case or a project problem."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField("议题", max_length=300)
    source_kind = models.CharField("议题来源", max_length=20, choices=AgendaSource.choices, default=AgendaSource.OTHER)
    # light: the warning's key ("<target id>|<period>"); a case or a problem: the case's code.
    source_ref = models.CharField("来源编号", max_length=120, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="相关事项")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="相关单位")

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = "会议议题"
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "source_kind", "source_ref"],
                                               condition=~models.Q(source_ref=""), name="agenda_source_once")]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """议定事项: what the meeting decided, who does it, by when (its time class), and the task it became."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("议定事项")
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    urgency = models.CharField("时限类别", max_length=12, choices=Urgency.choices, default=Urgency.MINUTES)
    urgent_days = models.PositiveSmallIntegerField("紧急事项办结工作日", null=True, blank=True)
    deadline = models.DateField("办结时限")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="decisions", verbose_name="所属议题")

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class SupervisionTask(models.Model):
    """A supervision task: its `supervision` case and its source."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="supervision", verbose_name="事项")
    source_kind = models.CharField("任务来源", max_length=20, choices=TaskSource.choices)
    # A decision's "meeting id/decision id", a document's 文号, a warning's key, an instruction's 批示 number.
    source_ref = models.CharField("来源编号", max_length=120, blank=True)
    decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="task",
                                    verbose_name="议定事项")
    urgency = models.CharField("时限类别", max_length=12, choices=Urgency.choices)
    # The head whose 批示 (or whose meeting) gave the task, and the leader's account that may add an
    # instruction in the 销号 window (or sign off early).
    instructing_head = models.ForeignKey(UnitHead, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="tasks_instructed", verbose_name="批示/交办领导")
    instructing_leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+", verbose_name="审定领导账号")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "督办任务"
        verbose_name_plural = "督办任务"
        ordering = ["-id"]
        indexes = [models.Index(fields=["source_kind", "source_ref"], name="suptask_source")]

    def __str__(self) -> str:
        return f"{self.case.code} {self.case.title}"
