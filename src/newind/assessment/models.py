"""Assessment runs (年度考核, 季度讲评) and the objections (异议) filed during their 公示.

A run stores its whole result as computed (every unit's items with the raw figure, its version and source,
the points and the rule) rather than recomputing it when read: publication freezes the result, so a figure
revised later does not change a published assessment. A re-run is a new version beside the old one, and
the difference between the two is shown from the two stored results.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.assessment.choices import AssessedKind, ObjectionDecision, RunKind, RunStatus
from newind.units.models import Unit


class AssessmentRun(models.Model):
    kind = models.CharField("类型", max_length=10, choices=RunKind.choices)
    year = models.SmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", null=True, blank=True)
    assessed_kind = models.CharField("考核对象", max_length=12, choices=AssessedKind.choices)
    scheme_code = models.CharField("方案代码", max_length=60)
    scheme_version = models.PositiveSmallIntegerField("方案版本")
    scheme_name = models.CharField("方案名称", max_length=200)
    scheme_sha256 = models.CharField("方案 SHA-256", max_length=64)
    version = models.PositiveIntegerField("结果版本", default=1)
    status = models.CharField("状态", max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    result = models.JSONField("结果", default=dict)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="superseded_by", verbose_name="替代的版本")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="计算人")
    created_at = models.DateTimeField("计算时间", auto_now_add=True)
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="发布人")
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        ordering = ["-year", "kind", "-quarter", "assessed_kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "quarter", "assessed_kind", "scheme_code",
                                                       "version"], name="assessment_run_version_unique")]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def period_label(self) -> str:
        return f"{self.year}年" if self.quarter is None else f"{self.year}年第{self.quarter}季度"

    @property
    def title(self) -> str:
        return f"{self.period_label}{self.scheme_name}" + ("讲评" if self.kind == RunKind.QUARTERLY else "结果")


class Objection(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="objections")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="提出单位")
    text = models.TextField("异议内容")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="登记人")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decision = models.CharField("处理结果", max_length=10, choices=ObjectionDecision.choices,
                                default=ObjectionDecision.PENDING)
    reason = models.TextField("处理理由", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "考核异议"
        verbose_name_plural = "考核异议"
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit}对{self.run}的异议"
