"""The park registry's choices."""

from __future__ import annotations

from django.db import models


class ParkLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"


class ParkType(models.TextChoices):
    ECONOMIC = "economic", "经济技术开发区"
    HIGH_TECH = "high_tech", "高新技术产业开发区"
    INDUSTRIAL = "industrial", "工业园区（工业集中区）"
    PORT = "port", "临港产业园区"
    CHEMICAL = "chemical", "化工园区"
    CIRCULAR = "circular", "循环经济产业园"
