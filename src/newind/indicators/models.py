"""The indicator catalogue (loaded from definitions/indicators/*.yaml) and versioned observations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

# Choices are written once, in choices.py (calc and pages share the labels); imported here by name.
from newind.indicators.choices import DerivedKind as DerivedKind
from newind.indicators.choices import Direction as Direction
from newind.indicators.choices import Frequency as Frequency
from newind.indicators.choices import PriceBasis as PriceBasis
from newind.indicators.choices import Release as Release
from newind.indicators.choices import ValueKind as ValueKind
from newind.indicators.periods import Period, PeriodKind
from newind.units.models import Unit


class Indicator(models.Model):
    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    name_en = models.CharField("英文名称", max_length=150)
    measure_unit = models.CharField("计量单位", max_length=20)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField("频度", max_length=10, choices=Frequency.choices)
    # True: quarterly/monthly figures are cumulative from January (1–N月), 1–2月 combined.
    cumulative = models.BooleanField("累计值", default=True)
    price_basis = models.CharField("价格口径", max_length=12, choices=PriceBasis.choices, default=PriceBasis.NONE)
    value_kind = models.CharField("数值类型", max_length=10, choices=ValueKind.choices, default=ValueKind.LEVEL)
    additive = models.BooleanField("可跨单位加总", default=False)
    # The indicator that carries the published growth of this level (e.g. gdp -> gdp_real_growth_pct).
    growth_indicator = models.CharField("对应增速指标", max_length=60, blank=True)
    decimals = models.PositiveSmallIntegerField("显示小数位", default=2)
    definition = models.TextField("定义", blank=True)
    source_department = models.CharField("来源部门", max_length=100, blank=True)
    aliases = models.JSONField("别名（导入时识别的中文列名）", default=list, blank=True)
    sort_order = models.IntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


# Which release wins as "current" when several exist for one figure: a yearbook figure supersedes the
# first release even if it was imported earlier; within the same precedence the latest version wins.
RELEASE_PRECEDENCE = {
    Release.ESTIMATE: 0,
    Release.FLASH: 1,
    Release.FIRST: 2,
    Release.OFFICIAL: 3,
    Release.PUBLISHED: 3,
    Release.YEARBOOK: 4,
    Release.REVISED: 5,
}


class ImportBatch(models.Model):
    """One imported file (or one publish of a submission): who, when, its hash and what it did."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64, db_index=True)
    source_kind = models.CharField("来源", max_length=20, default="import")  # import | submission | demo | bench
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    added = models.IntegerField("新增", default=0)
    changed = models.IntegerField("变更", default=0)
    unchanged = models.IntegerField("未变", default=0)
    notes = models.JSONField("说明", default=list, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


# The largest figure any table stores: below 10**15 in absolute value. The columns could hold more (28 or 20
# digits), but Django reads SQLite decimals with 15 significant digits, so a larger figure reads back
# rounded, and past the column's precision raised on every page showing it (a 500); no real figure comes
# near (10**15 元 is 1000 trillion yuan).
MAX_FIGURE = Decimal(10) ** 15


class Observation(models.Model):
    """One version of one figure. Append-only: a changed figure is a new row; `is_current` marks the
    figure in force (highest release precedence, then latest version) for each (indicator, unit, period)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="observations")
    year = models.SmallIntegerField("年份")
    period_kind = models.CharField("时期类型", max_length=1, choices=[(k.value, k.name) for k in PeriodKind])
    period_n = models.SmallIntegerField("截至季/月", default=0)
    value = models.DecimalField("数值", max_digits=28, decimal_places=8)
    measure_unit = models.CharField("计量单位", max_length=20)
    price_basis = models.CharField("价格口径", max_length=12, choices=PriceBasis.choices, default=PriceBasis.NONE)
    release = models.CharField("发布类型", max_length=12, choices=Release.choices, default=Release.OFFICIAL)
    source = models.CharField("来源", max_length=300)
    # As it stood in the file before unit conversion, e.g. "31009000 万元"; blank when unchanged.
    original = models.CharField("原始值", max_length=80, blank=True)
    is_synthetic = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="superseded_by", verbose_name="替代的版本")
    is_current = models.BooleanField("当前有效", default=True)
    reason = models.CharField("修改原因", max_length=300, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="observations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "观测值"
        verbose_name_plural = "观测值"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "period_kind", "period_n", "version"], name="one_row_per_version"
            ),
        ]
        indexes = [
            # The hot path: all current figures of one indicator for one period, across units. The value and
            # the synthetic flag close the key so the index covers the read (an index-only scan on PostgreSQL,
            # a covering index on SQLite): one period's rows are spread over the whole table (figures arrive
            # unit by unit), so fetching each from the table read most of it (docs/performance.md). As key
            # columns rather than INCLUDE, which SQLite does not have; `is_current` too, because SQLite (3.40)
            # counts a partial index's own condition column as not covered.
            models.Index(fields=["indicator", "year", "period_kind", "period_n", "unit", "value", "is_synthetic",
                                 "is_current"], name="obs_hot_path", condition=models.Q(is_current=True)),
            models.Index(fields=["unit", "indicator", "year"], name="obs_by_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period} = {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.year, PeriodKind(self.period_kind), self.period_n)


class DerivedFigure(models.Model):
    """A figure computed set-wise from current observations for one period: a roll-up along a hierarchy,
    a nominal year-on-year growth, or a rank. Rebuilt per period (delete + bulk insert), never edited;
    see newind.indicators.derived. Published comparable-price growth is never recomputed here."""

    # No FK indexes or database-level FK constraints: the rows are a cache rebuilt by period from current
    # observations (whose own FKs are enforced), read by period (index below); per-row FK checks made the
    # PostgreSQL COPY of a province's 600k rows several times slower (docs/performance.md).
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_index=False,
                                  db_constraint=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False,
                             db_constraint=False)
    year = models.SmallIntegerField("年份")
    period_kind = models.CharField("时期类型", max_length=1, choices=[(k.value, k.name) for k in PeriodKind])
    period_n = models.SmallIntegerField("截至季/月", default=0)
    kind = models.CharField("类型", max_length=10, choices=DerivedKind.choices)
    # Roll-up: the hierarchy code ('admin', 'park'); rank: 'group:<peer group code>' or 'siblings:<hierarchy>';
    # growth: 'nominal'.
    scope = models.CharField("范围", max_length=60, blank=True)
    value = models.FloatField("数值", null=True)  # roll-up sum; growth in %; the figure that was ranked
    last_year_value = models.FloatField("上年同期", null=True)  # growth rows: the base of the growth
    rank = models.IntegerField("名次", null=True)
    reported = models.IntegerField("参与单位数", null=True)  # roll-up: leaves summed; rank: units ranked
    tied = models.BooleanField("并列", default=False)
    is_synthetic = models.BooleanField("示例数据", default=False)  # any input figure was synthetic
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "派生数据"
        verbose_name_plural = "派生数据"
        indexes = [
            models.Index(fields=["year", "period_kind", "period_n", "kind", "indicator"], name="derived_by_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.scope}/{self.indicator_id}/{self.unit_id}/{self.year}-{self.period_n} = {self.value}"
