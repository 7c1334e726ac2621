"""Stored 亩均 evaluations: the year's flags, an evaluation run (one version of one year and scope under one
scheme), each firm's result in it, and the objections (异议) firms file during the public notice (公示).

Results are written set-wise (newind.core.bulk.bulk_insert) and changed afterwards only through
newind.mujun.services, which audits every change; a published run is frozen (a re-evaluation is a new
version of the same year and scope).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.mujun.calc import FLAG_CHOICES
from newind.mujun.choices import ObjectionDecision, RunState
from newind.units.models import Unit


class FlagBatch(models.Model):
    """One flags file imported: who, when, its hash and how many flags it holds."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64)
    rows = models.IntegerField("标记数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "年度标记导入批次"
        verbose_name_plural = "年度标记导入批次"

    def __str__(self) -> str:
        return self.file_name


class YearFlag(models.Model):
    """A firm's flag for one evaluation year: 否决 (at best C), 保护 (at worst C) or 不参评 (class T)."""

    year = models.IntegerField("年度")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="企业")
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    flag = models.CharField("标记", max_length=8, choices=FLAG_CHOICES)
    reason = models.CharField("原因", max_length=300, blank=True)
    batch = models.ForeignKey(FlagBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="flags",
                              verbose_name="导入批次")

    class Meta:
        verbose_name = "年度标记"
        verbose_name_plural = "年度标记"
        constraints = [models.UniqueConstraint(fields=["year", "credit_code"], name="mujun_flag_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.credit_code} {self.flag}"


class EvaluationRun(models.Model):
    """One evaluation of a year and scope under one scheme version; `version` counts re-evaluations."""

    year = models.IntegerField("年度")
    scope = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="评价范围")
    scope_code = models.CharField("范围代码", max_length=32)
    version = models.IntegerField("版本", default=1)
    scheme_code = models.CharField("方案代码", max_length=64)
    scheme_version = models.IntegerField("方案版本")
    scheme_sha256 = models.CharField("方案哈希", max_length=64)
    state = models.CharField("状态", max_length=16, choices=RunState.choices, default=RunState.FILLING)
    notice_days = models.IntegerField("公示天数", default=7)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    # Benchmarks, cut-offs, class counts, not-rated list and aggregates of the evaluation document.
    summary = models.JSONField("评价汇总", default=dict)
    firm_count = models.IntegerField("企业数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="评价人")
    created_at = models.DateTimeField("评价时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "亩均评价"
        verbose_name_plural = "亩均评价"
        ordering = ["-year", "scope_code", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "scope_code", "version"],
                                               name="mujun_run_version_once")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.scope_code} 第{self.version}版"


class FirmResult(models.Model):
    """One firm's result in a run; rated firms have a rank, not-rated ones (T or missing data) a reason."""

    # No single-column indexes on run and unit: the two composite indexes below lead with them (each index
    # costs the 20,000-row write of a province's evaluation).
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results", verbose_name="评价",
                            db_index=False)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="企业", db_index=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("企业名称", max_length=200)
    size = models.CharField("规模", max_length=8)
    county = models.CharField("县市区", max_length=32, blank=True)
    park = models.CharField("园区", max_length=32, blank=True)
    industry = models.CharField("行业代码", max_length=8, blank=True)
    rated = models.BooleanField("参评", default=True)
    items = models.JSONField("指标得分", default=list)
    tax_per_mu = models.FloatField("亩均税收", null=True, blank=True)
    va_per_mu = models.FloatField("亩均增加值", null=True, blank=True)
    total = models.FloatField("总分", null=True, blank=True)
    rank = models.IntegerField("排名", null=True, blank=True)
    rated_among = models.IntegerField("参评企业数", null=True, blank=True)
    class_initial = models.CharField("初评类别", max_length=2, blank=True)
    klass = models.CharField("类别", max_length=2, blank=True, db_column="class")
    adjust_reason = models.CharField("调档原因", max_length=300, blank=True)
    reasons = models.JSONField("说明", default=list)
    what_it_would_take = models.JSONField("升档所需", null=True, blank=True)
    confirmed_at = models.DateTimeField("企业确认时间", null=True, blank=True)
    # 企业填报: when the firm's own account last saved its figures for this run (and who), None if not yet.
    filed_at = models.DateTimeField("企业填报时间", null=True, blank=True)
    # (No index: never looked up by filer, and each index costs the 20,000-row write.)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="填报人", db_index=False)

    class Meta:
        verbose_name = "企业评价结果"
        verbose_name_plural = "企业评价结果"
        indexes = [models.Index(fields=["run", "klass"], name="mujun_result_by_class"),
                   models.Index(fields=["unit", "run"], name="mujun_result_by_firm")]

    def __str__(self) -> str:
        return f"{self.name} {self.klass}"


class Objection(models.Model):
    """An objection (异议) a firm files during the notice; the office decides it with a reason."""

    result = models.ForeignKey(FirmResult, on_delete=models.CASCADE, related_name="objections",
                               verbose_name="评价结果")
    text = models.TextField("异议内容")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="提出人")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decision = models.CharField("处理结果", max_length=10, choices=ObjectionDecision.choices, blank=True)
    decision_reason = models.CharField("处理理由", max_length=500, blank=True)
    class_after = models.CharField("处理后类别", max_length=2, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "评价异议"
        verbose_name_plural = "评价异议"
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"异议 {self.pk}（{self.get_decision_display() or '待处理'}）"
