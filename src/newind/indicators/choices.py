"""The indicators app's choices, written once: its models, calc and pages share the labels."""

from __future__ import annotations

from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Frequency(models.TextChoices):
    ANNUAL = "annual", "年度"
    QUARTERLY = "quarterly", "季度"
    MONTHLY = "monthly", "月度"


class PriceBasis(models.TextChoices):
    CURRENT = "current", "现价"
    COMPARABLE = "comparable", "可比价"
    NONE = "none", "不适用"


class ValueKind(models.TextChoices):
    LEVEL = "level", "总量"
    RATE = "rate", "增速"
    RATIO = "ratio", "比率/占比"
    COUNT = "count", "个数"
    PER_UNIT = "per_unit", "人均/单位"


class Release(models.TextChoices):
    """What kind of release a figure comes from. Order matters: see RELEASE_PRECEDENCE."""

    ESTIMATE = "estimate", "预估"
    FLASH = "flash", "快报"
    FIRST = "first", "初步核算"
    OFFICIAL = "official", "正式"
    PUBLISHED = "published", "公开发布"
    YEARBOOK = "yearbook", "年鉴"
    REVISED = "revised", "修订"


class DerivedKind(models.TextChoices):
    ROLLUP = "rollup", "汇总（沿层级加总）"
    GROWTH = "growth", "同比增长（现价名义，由两期数据推算）"
    RANK = "rank", "排名"
