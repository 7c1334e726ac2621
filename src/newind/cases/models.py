"""Cases (企业诉求, 督办事项, 项目问题), their categories, timeline, extension requests and notices.

A case's state and deadlines change only through `cases.services`, which applies `cases.calc.step` and
writes a `CaseEvent` and an audit entry in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.cases.choices import (
    Action,
    CaseKind,
    CaseRole,
    Channel,
    EventKind,
    ExtensionState,
    NoticeKind,
    Rating,
    State,
    UnsatisfiedReason,
    WebhookStatus,
)
from newind.units.models import Unit


class Case(models.Model):
    """One case with its parties, its state, the SLA profile it runs under and the deadlines it got."""

    code = models.CharField("编号", max_length=32, unique=True)
    kind = models.CharField("类型", max_length=20, choices=CaseKind.choices, default=CaseKind.APPEAL)
    channel = models.CharField("来源渠道", max_length=24, choices=Channel.choices, default=Channel.PLATFORM)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("事项内容", blank=True)
    # The firm or unit concerned: an enterprise (Unit of kind enterprise) for an appeal, or any unit; null
    # when the filer is not yet in the registry (the name is then in `concerned_name`).
    concerned_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="cases_concerning", verbose_name="涉及企业/单位")
    concerned_name = models.CharField("涉及企业/单位名称", max_length=200, blank=True)
    lead_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_led",
                                  verbose_name="牵头承办单位")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="cases_co_handled", verbose_name="协办单位")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="经办人")
    handler_name = models.CharField("经办人姓名", max_length=50, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.RECEIVED)
    sla_profile = models.CharField("时限方案", max_length=40)
    is_complex = models.BooleanField("复杂疑难事项", default=False)
    received_at = models.DateTimeField("受理时间")
    # Every stage's deadline as computed at receipt (ISO strings, Shanghai time; 00:00 = 24:00 of the day
    # before). `close_deadline` is the one the case is judged against: it moves only with an approved extension.
    deadlines = models.JSONField("各环节时限", default=dict)
    close_deadline = models.DateTimeField("办结时限")
    original_close_deadline = models.DateTimeField("原办结时限")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    dispute_used = models.BooleanField("已提出过交办异议", default=False)
    first_closed_at = models.DateTimeField("首次办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Set at closure (working days after the day of receipt up to the day of closure), so the metrics average
    # it in SQL instead of counting working days for every case on every read.
    working_days_to_close = models.PositiveIntegerField("办结用时（工作日）", null=True, blank=True)
    redo_count = models.PositiveSmallIntegerField("退回重办次数", default=0)
    extensions_approved = models.PositiveSmallIntegerField("批准延期次数", default=0)
    rating = models.CharField("评价", max_length=24, choices=Rating.choices, blank=True)
    unsatisfied_reason_kind = models.CharField("不满意原因类型", max_length=12, choices=UnsatisfiedReason.choices,
                                               blank=True)
    unsatisfied_reason = models.CharField("不满意原因", max_length=500, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    # 督办 (issue 13 §2): the time class filed under (the profile's time_classes; "" for the profile's own
    # closing stage), when 销号 was asked and when the office's review passed (the leader's window runs from it).
    time_class = models.CharField("时限类别", max_length=16, blank=True)
    closure_submitted_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    review_passed_at = models.DateTimeField("销号审核通过时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "事项"
        verbose_name_plural = "事项"
        ordering = ["-received_at", "-id"]
        indexes = [
            # The overdue list and the metrics: open cases past their deadline, per lead unit and month.
            models.Index(fields=["state", "close_deadline"], name="case_state_deadline"),
            models.Index(fields=["lead_unit", "received_at"], name="case_lead_received"),
            models.Index(fields=["kind", "received_at"], name="case_kind_received"),
            # Covering the metrics per department (every column the GROUP BY reads): SQLite scans this index
            # instead of the wide rows (100,000 cases: 0.54 → 0.30 s of CPU, docs/performance.md).
            models.Index(fields=["lead_unit", "state", "close_deadline", "closed_at", "extensions_approved", "rating",
                                 "working_days_to_close", "redo_count", "unsatisfied_reason_kind", "received_at",
                                 "kind"], name="case_metrics_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CaseCategory(models.Model):
    """A category tag of a case (definitions/cases/categories.yaml); a case may have several."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField("分类", max_length=24)

    class Meta:
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"
        constraints = [models.UniqueConstraint(fields=["case", "category"], name="case_category_once")]
        indexes = [models.Index(fields=["category", "case"], name="case_category_lookup")]

    def __str__(self) -> str:
        return self.category


class CaseEvent(models.Model):
    """One entry of a case's timeline: a transition or a note, with who did it in which role and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    kind = models.CharField("类别", max_length=24, choices=[*EventKind.choices, *Action.choices])
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="操作人")
    actor_name = models.CharField("操作人名称", max_length=150, blank=True)
    role = models.CharField("事项中的角色", max_length=16, choices=CaseRole.choices, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="操作单位")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "事项动态"
        verbose_name_plural = "事项动态"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ExtensionRequest(models.Model):
    """A lead unit's request to move the closing deadline; it moves only when approved."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extension_requests")
    requested_at = models.DateTimeField("申请时间")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="申请人")
    reason = models.TextField("延期理由")
    old_deadline = models.DateTimeField("原办结时限")
    new_deadline = models.DateTimeField("申请的新时限")
    state = models.CharField("审批状态", max_length=12, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="审批人")
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"


class CaseNotice(models.Model):
    """A reminder, 催办 notice, escalation or call-back task produced by the jobs, recorded once.

    The deadline it was for is part of the key, so an approved extension (a new deadline) gets its own
    reminders, and a job that runs twice records nothing twice.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类别", max_length=12, choices=NoticeKind.choices)
    stage = models.CharField("环节", max_length=40, blank=True)
    level = models.PositiveSmallIntegerField("升级级别", default=0)
    deadline = models.DateTimeField("对应时限", null=True, blank=True)
    due_at = models.DateTimeField("应发时间")
    created_at = models.DateTimeField("生成时间")
    recipient = models.CharField("接收方", max_length=100)
    message = models.CharField("内容", max_length=500)
    webhook_status = models.CharField("推送状态", max_length=16, choices=WebhookStatus.choices,
                                      default=WebhookStatus.NOT_CONFIGURED)
    webhook_error = models.CharField("推送错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "事项提醒"
        verbose_name_plural = "事项提醒"
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "stage", "level", "deadline"],
                                               name="case_notice_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.stage}"


class CaseAttachment(models.Model):
    """A file attached to a case (at filing, or with a reply): type and size checked, stored under
    NEWIND_ATTACHMENT_DIR (outside the web root) by a random name, served only through access.case_for."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments",
                              verbose_name="所属动态")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("文件类型", max_length=8)  # pdf, jpg, png, docx, xlsx
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    stored_as = models.CharField("存储路径", max_length=200)  # relative to NEWIND_ATTACHMENT_DIR
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="上传人")
    uploaded_by_name = models.CharField("上传人名称", max_length=150, blank=True)

    class Meta:
        verbose_name = "事项附件"
        verbose_name_plural = "事项附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
