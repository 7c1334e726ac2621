"""向上争取 items: opportunities from national and provincial programmes the city goes after (speech §一.一)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.funding.choices import Level, Status
from newind.units.models import Unit


class Opportunity(models.Model):
    """One programme round the city applies to, its owner, the amount sought and what came of it.

    The status changes only through `funding.services.transition` (the table in `funding.calc`), audited.
    """

    code = models.CharField("编号", max_length=32, unique=True)
    title = models.CharField("事项名称", max_length=200)
    programme = models.CharField("资金或政策渠道", max_length=200,
                                 help_text="例如：长江经济带绿色发展专项、工业转型升级资金、制造强省专项")
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    issuer = models.CharField("发布部门", max_length=100, blank=True)
    window_start = models.DateField("申报开始日期", null=True, blank=True)
    deadline = models.DateField("申报截止日期", null=True, blank=True)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="funding_items",
                                   verbose_name="责任单位")
    owner_person = models.CharField("责任人", max_length=50)
    amount_sought = models.DecimalField("争取金额（万元）", max_digits=14, decimal_places=2)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.RESEARCHING)
    amount_obtained = models.DecimalField("获批金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    applied_on = models.DateField("申报日期", null=True, blank=True)
    decided_on = models.DateField("批复日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "向上争取事项"
        verbose_name_plural = "向上争取事项"
        ordering = ["deadline", "code"]
        indexes = [models.Index(fields=["status", "deadline"], name="funding_status_deadline"),
                   models.Index(fields=["owner_unit", "status"], name="funding_owner_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
