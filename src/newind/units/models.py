"""Units (anything that reports or is ranked), the hierarchies they sit in, and peer groups."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

# Choices are written once, in choices.py (calc and pages share the labels); imported here by name.
from newind.units.choices import UnitKind as UnitKind


class Unit(models.Model):
    """A reporting or ranked unit. `code` is the stable key used in files, URLs and the API:
    the GB/T 2260 code for regions, the 统一社会信用代码 for enterprises, an office-assigned code otherwise."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    division_code = models.CharField("行政区划代码(GB/T 2260)", max_length=6, blank=True, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    industry_code = models.CharField("国民经济行业代码(GB/T 4754)", max_length=5, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Hierarchy(models.Model):
    """A named tree over units: `admin` (行政隶属) or `park` (园区归属). Roll-ups follow one hierarchy."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "层级"
        verbose_name_plural = "层级"

    def __str__(self) -> str:
        return self.name


class UnitLink(models.Model):
    """`child` sits under `parent` in `hierarchy`. A unit has at most one parent per hierarchy."""

    hierarchy = models.ForeignKey(Hierarchy, on_delete=models.CASCADE, related_name="links")
    parent = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="child_links")
    child = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="parent_links")

    class Meta:
        verbose_name = "层级关系"
        verbose_name_plural = "层级关系"
        constraints = [models.UniqueConstraint(fields=["hierarchy", "child"], name="one_parent_per_hierarchy")]

    def __str__(self) -> str:
        return f"{self.hierarchy}: {self.parent} ⊃ {self.child}"


class PeerGroup(models.Model):
    """A named set of units compared with each other, e.g. `hunan-14` (湖南省14个市州)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    # The province whose own figure is the denominator of "share of the province", when there is one.
    province = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name="所属省份")
    editable = models.BooleanField("办公室可编辑", default=True)
    # Below this many members with a figure there is no rank and no share of the group (a unit alone is
    # not "第1位"): the same rule on every page, the API, the CLI and the report
    # (`indicators.calc.ranking_applies`, whose default MIN_REPORTING is this field's default).
    min_reporting = models.PositiveSmallIntegerField(
        "排名所需最少有数据成员数", default=2, validators=[MinValueValidator(2)],
        help_text="少于这么多成员有数据时，不排位次、不计算占组内合计的比重。")
    members = models.ManyToManyField(Unit, through="PeerGroupMember", related_name="peer_groups")

    class Meta:
        verbose_name = "对标组"
        verbose_name_plural = "对标组"

    def __str__(self) -> str:
        return self.name


class PeerGroupMember(models.Model):
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE)
    sort_order = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "unit"], name="unit_once_per_group")]
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return f"{self.group} ∋ {self.unit}"
