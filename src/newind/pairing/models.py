"""Pairings (包联): officials paired with firms, the office's imported lists, the visit log and its problems.

Pairings are created and changed only through `pairing.services` (the Excel list: plan → preview → apply);
visits and a problem's conversion into an appeal too. Every write is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.cases.models import Case
from newind.pairing.choices import VisitKind
from newind.units.models import Unit


class PairingBatch(models.Model):
    """One pairing list imported (or the demo's load): who, when, its hash and what it did."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64, db_index=True)
    source_kind = models.CharField("来源", max_length=20, default="import")  # import | demo
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    added = models.IntegerField("新增包联", default=0)
    changed = models.IntegerField("变更包联", default=0)
    unchanged = models.IntegerField("未变包联", default=0)

    class Meta:
        verbose_name = "包联名单导入批次"
        verbose_name_plural = "包联名单导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class Official(models.Model):
    """A paired official (包联干部): a named contact (name, unit, phone), linked to a platform account when
    the official has one (then the official logs their own visits). Identified by name and phone."""

    name = models.CharField("姓名", max_length=50)
    unit_name = models.CharField("所在单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="pairing_official", verbose_name="平台账号")
    # The official's own quota of key firms; null: the default of definitions/pairing/rules.yaml.
    quota = models.PositiveSmallIntegerField("包联上限（重点企业数）", null=True, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "包联干部"
        verbose_name_plural = "包联干部"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "phone"], name="pairing_official_once")]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_name}）" if self.unit_name else self.name


class Pairing(models.Model):
    """One official paired with one firm from a start date (to an end date), with the monthly cadence."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="pairings",
                                 verbose_name="包联干部")
    firm = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pairings", verbose_name="企业")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    visits_per_month = models.PositiveSmallIntegerField("每月走访次数", default=1)
    calls_per_month = models.PositiveSmallIntegerField("每月电话次数", default=1)
    batch = models.ForeignKey(PairingBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings",
                              verbose_name="导入批次")
    is_synthetic = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "包联关系"
        verbose_name_plural = "包联关系"
        ordering = ["official__name", "firm__name", "id"]
        constraints = [models.UniqueConstraint(fields=["official", "firm", "start_date"], name="pairing_once")]
        indexes = [models.Index(fields=["firm", "start_date"], name="pairing_by_firm")]

    def __str__(self) -> str:
        return f"{self.official_id} → {self.firm_id}"


class Visit(models.Model):
    """One contact of a pairing: a visit, a call or a meeting, who took part, what was discussed."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits", verbose_name="包联关系")
    # The pairing's official and firm, kept on the row so the gaps and a firm's visits are read without a join.
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="visits", verbose_name="包联干部")
    firm = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pairing_visits", verbose_name="企业")
    date = models.DateField("日期")
    kind = models.CharField("方式", max_length=10, choices=VisitKind.choices)
    participants = models.CharField("参加人员", max_length=200)
    discussed = models.TextField("交流内容")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["pairing", "date"], name="visit_by_pairing"),
                   models.Index(fields=["firm", "date"], name="visit_by_firm")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.firm_id}"


class VisitProblem(models.Model):
    """A problem found on a visit; turned into an appeal (企业诉求), it keeps the case it became."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="problems", verbose_name="走访")
    description = models.CharField("问题", max_length=500)
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="visit_problem",
                                verbose_name="转成的诉求")
    appealed_at = models.DateTimeField("转诉求时间", null=True, blank=True)

    class Meta:
        verbose_name = "走访发现的问题"
        verbose_name_plural = "走访发现的问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:40]


class KeyFirmFlag(models.Model):
    """A firm the office marks as a key firm by hand (beside 规上 and 亩均 A-class firms)."""

    firm = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="key_firm_flag", verbose_name="企业")
    reason = models.CharField("原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="标记人")
    created_at = models.DateTimeField("标记时间", auto_now_add=True)
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "重点企业标记"
        verbose_name_plural = "重点企业标记"

    def __str__(self) -> str:
        return f"{self.firm_id} {self.reason}"
