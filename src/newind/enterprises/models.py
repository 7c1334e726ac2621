"""The enterprise registry (一企一档): a profile beside each enterprise `Unit`, and the history of its changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from newind.enterprises.choices import ChangeKind, SizeClass, Status
from newind.units.models import Unit


class RegistryBatch(models.Model):
    """One registry file imported (or the demo's load): who, when, its hash and what it did."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64, db_index=True)
    source_kind = models.CharField("来源", max_length=20, default="import")  # import | demo
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    added = models.IntegerField("新增企业", default=0)
    changed = models.IntegerField("变更企业", default=0)
    unchanged = models.IntegerField("未变企业", default=0)

    class Meta:
        verbose_name = "企业档案导入批次"
        verbose_name_plural = "企业档案导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class EnterpriseProfile(models.Model):
    """The registry's facts about one enterprise. Name, short name, credit code and industry code live on the
    `Unit` (which imports, search and the spine already read); the rest lives here. Changed only through
    `enterprises.services`, which writes an `EnterpriseChange` row for every field it changes."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="enterprise", verbose_name="企业")
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    former_names = models.JSONField("曾用名", default=list, blank=True)
    size = models.CharField("规模", max_length=8, choices=SizeClass.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PRODUCING)
    county = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="所在县市区")
    park = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="所在园区")
    land_area = models.DecimalField("用地面积（含租用，亩）", max_digits=14, decimal_places=4, null=True, blank=True)
    land_rented = models.DecimalField("其中租用（亩）", max_digits=14, decimal_places=4, null=True, blank=True)
    is_utility = models.BooleanField("公用事业", default=False)
    # Registry attributes the policy criteria read (newind.policies): the founding date (a firm's age) and
    # whether the firm is on the 失信 (dishonest) list of the credit authority.
    founded_on = models.DateField("成立日期", null=True, blank=True)
    dishonest = models.BooleanField("列入失信名单", default=False)
    # Initials of the name and short name in pinyin ("yyslh …"), so a search for "yysl" finds 岳阳石化….
    pinyin_initials = models.CharField("拼音首字母", max_length=120, blank=True, db_index=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业档案"
        verbose_name_plural = "企业档案"
        indexes = [models.Index(fields=["park", "size"], name="ent_by_park"),
                   models.Index(fields=["county", "size"], name="ent_by_county")]

    def __str__(self) -> str:
        return f"{self.unit.name}（{self.credit_code}）"


class EnterpriseChange(models.Model):
    """One field of one enterprise changed (or the firm created): who, when, old → new, from which batch."""

    profile = models.ForeignKey(EnterpriseProfile, on_delete=models.PROTECT, related_name="changes",
                                verbose_name="企业")
    kind = models.CharField("类型", max_length=10, choices=ChangeKind.choices, default=ChangeKind.CHANGED)
    field = models.CharField("字段", max_length=30, blank=True)
    old_value = models.CharField("原值", max_length=200, blank=True)
    new_value = models.CharField("新值", max_length=200, blank=True)
    batch = models.ForeignKey(RegistryBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="changes",
                              verbose_name="导入批次")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="操作人")
    changed_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "企业档案变更"
        verbose_name_plural = "企业档案变更"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.field}: {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        from newind.enterprises.calc import FIELD_LABELS

        return {**FIELD_LABELS, "county_id": "所在县市区", "park_id": "所在园区"}.get(self.field, self.field)
