"""The policy library (惠企政策), its payouts (兑现) and the match notices sent to paired officials.

Changed only through newind.policies.services, which audits every write (newind.audit).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.policies.choices import PolicyCategory, PolicyLevel, PolicyStatus, WebhookStatus
from newind.units.models import Unit


class Policy(models.Model):
    """One preferential policy: the document, its application guide and its eligibility criteria (a
    list validated by policies.calc.Criterion, stored as JSON)."""

    code = models.SlugField("政策代码", max_length=60, unique=True)
    title = models.CharField("政策名称", max_length=200)
    issuer = models.CharField("发文单位", max_length=200)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    level = models.CharField("层级", max_length=12, choices=PolicyLevel.choices)
    category = models.CharField("类别", max_length=12, choices=PolicyCategory.choices)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_to = models.DateField("有效期止", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    # The executing department: a department unit when the platform has it, else its name.
    department = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="执行部门", limit_choices_to={"kind": "department"})
    department_name = models.CharField("执行部门名称", max_length=100, blank=True)
    summary = models.TextField("政策要点", blank=True)
    guide_who = models.TextField("申报对象", blank=True)
    guide_conditions = models.TextField("申报条件", blank=True)
    guide_materials = models.TextField("申报材料", blank=True)
    guide_deadline = models.DateField("申报截止", null=True, blank=True)
    guide_contact = models.CharField("联系方式", max_length=200, blank=True)
    source_text = models.TextField("政策原文", blank=True)
    source_url = models.CharField("原文链接", max_length=300, blank=True)
    criteria = models.JSONField("认定条件", default=list, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("下架时间", null=True, blank=True)

    class Meta:
        verbose_name = "惠企政策"
        verbose_name_plural = "惠企政策"
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "code"], name="policy_by_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def department_label(self) -> str:
        return self.department.name if self.department_id and self.department else self.department_name


class PayoutBatch(models.Model):
    """One payout file imported (or the demo's load): who, when, its hash, how many rows."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64, db_index=True)
    rows = models.IntegerField("条数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "兑现导入批次"
        verbose_name_plural = "兑现导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class Payout(models.Model):
    """Money (or its equivalent) paid to one firm under one policy (兑现)."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="payouts", verbose_name="政策")
    firm = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="企业")
    amount = models.DecimalField("兑现金额（万元）", max_digits=14, decimal_places=4)
    paid_on = models.DateField("兑现日期")
    department = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="兑现部门")
    department_name = models.CharField("兑现部门名称", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    batch = models.ForeignKey(PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts",
                              verbose_name="导入批次")
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "政策兑现"
        verbose_name_plural = "政策兑现"
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["policy", "paid_on"], name="payout_by_policy"),
                   models.Index(fields=["firm", "paid_on"], name="payout_by_firm")]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.firm_id} {self.amount}万元"

    @property
    def department_label(self) -> str:
        return self.department.name if self.department_id and self.department else self.department_name


class MatchNotice(models.Model):
    """A firm newly matched by a published policy, told to one of its paired officials (recorded once)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="notices", verbose_name="政策")
    firm = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="企业")
    year = models.SmallIntegerField("数据年度")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="接收人")
    recipient_name = models.CharField("接收人", max_length=150)
    outcome = models.CharField("匹配结果", max_length=12)
    message = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    webhook_status = models.CharField("推送状态", max_length=16, choices=WebhookStatus.choices,
                                      default=WebhookStatus.NOT_CONFIGURED)
    webhook_error = models.CharField("推送错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "政策匹配提醒"
        verbose_name_plural = "政策匹配提醒"
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["policy", "firm", "recipient_name"],
                                               name="policy_match_notice_once")]

    def __str__(self) -> str:
        return f"{self.policy_id} → {self.recipient_name}: {self.firm_id}"
