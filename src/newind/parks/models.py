"""The park registry: a profile beside each park `Unit` (level, type, areas, leading industries, county)."""

from __future__ import annotations

from django.db import models

from newind.parks.choices import ParkLevel, ParkType
from newind.units.models import Unit


class ParkProfile(models.Model):
    """What the office keeps about one park. Its figures are spine observations of the park unit; the
    figures of its firms roll up to it through the enterprises' `park` (parks.queries)."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="park_profile", verbose_name="园区")
    level = models.CharField("级别", max_length=12, choices=ParkLevel.choices)
    park_type = models.CharField("类型", max_length=12, choices=ParkType.choices)
    planned_area = models.DecimalField("规划面积（平方公里）", max_digits=10, decimal_places=2, null=True, blank=True)
    built_area = models.DecimalField("建成区面积（平方公里）", max_digits=10, decimal_places=2, null=True, blank=True)
    # [{"name": "石油化工", "codes": ["25", "26"]}, …]: GB/T 4754-2017 code prefixes (大类/中类/小类) per industry.
    leading_industries = models.JSONField("主导产业", default=list, blank=True)
    managing_body = models.CharField("管理机构", max_length=100, blank=True)
    county = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="所在县市区")
    is_synthetic = models.BooleanField("示例数据", default=False)

    class Meta:
        verbose_name = "园区档案"
        verbose_name_plural = "园区档案"

    def __str__(self) -> str:
        return self.unit.name

    @property
    def leading_codes(self) -> list[str]:
        return [str(c) for item in self.leading_industries for c in item.get("codes", [])]

    @property
    def leading_names(self) -> str:
        return "、".join(str(item.get("name", "")) for item in self.leading_industries)
