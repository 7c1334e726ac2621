"""Targets (目标任务) per indicator × unit × year, and the warning scheme chosen for a year."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.indicators.models import Indicator

# Kinds, types and schedule bases are written once, in choices.py (calc reads the same labels).
from newind.targets.choices import ScheduleBasis as ScheduleBasis
from newind.targets.choices import TargetKind as TargetKind
from newind.targets.choices import TargetType as TargetType
from newind.units.models import Unit


class Target(models.Model):
    """One year's target for one indicator and unit, of one kind (hard / floor / stretch).

    A level target is a year-end amount in the indicator's unit (e.g. 亿元); a growth target is a rate in
    percent (e.g. 8.0 for 增长8%). Decomposition (分解) is the set of targets of the units below the city
    for the same indicator, year and kind; `services.decomposition_check` compares them with the whole.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name="指标")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets", verbose_name="单位")
    year = models.SmallIntegerField("年度")
    kind = models.CharField("目标类别", max_length=10, choices=TargetKind.choices, default=TargetKind.HARD)
    target_type = models.CharField("目标形式", max_length=10, choices=TargetType.choices,
                                   default=TargetType.LEVEL)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    schedule_basis = models.CharField("进度口径", max_length=12, choices=ScheduleBasis.choices, blank=True,
                                      default=ScheduleBasis.INDICATOR)
    responsible_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="责任单位")
    source = models.CharField("来源", max_length=300, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "目标任务"
        verbose_name_plural = "目标任务"
        ordering = ["year", "indicator__sort_order", "indicator__code", "unit__sort_order", "unit__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year", "kind"], name="one_target_per_kind"),
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="target_year_indicator")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.unit} {self.indicator} {self.get_kind_display()} {self.value}"


class WarningScheme(models.Model):
    """Which light rule set (definitions/warning_rules/<code>.yaml) applies to a year's targets."""

    year = models.SmallIntegerField("年度", unique=True)
    rule_set = models.CharField("预警规则", max_length=40, default="default")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "预警规则设置"
        verbose_name_plural = "预警规则设置"

    def __str__(self) -> str:
        return f"{self.year}年：{self.rule_set}"
