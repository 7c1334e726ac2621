"""The targets app's choices, written once: models, calc (labels of kinds, bases and lights) and pages share them."""

from __future__ import annotations

from django.db import models


class TargetKind(models.TextChoices):
    HARD = "hard", "硬指标"
    FLOOR = "floor", "底线指标"
    STRETCH = "stretch", "奋斗目标"


class TargetType(models.TextChoices):
    LEVEL = "level", "总量目标"
    GROWTH = "growth", "增速目标"


class ScheduleBasis(models.TextChoices):
    INDICATOR = "", "按指标设置"
    CALENDAR = "calendar", "序时进度"
    LAST_YEAR = "last_year", "上年同期进度"


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"
    NONE = "none", "无数据"
