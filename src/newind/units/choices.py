"""The units app's choices, written once: its models, calc and pages share the labels."""

from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市州"
    COUNTY = "county", "县市区"
    ZONE = "zone", "功能区"
    PARK = "park", "园区"
    DEPARTMENT = "department", "市直部门"
    ENTERPRISE = "enterprise", "企业"
    PEER_CITY = "peer_city", "外地同类城市"
