"""The assessment app's choices, written once: models, calc, pages and the command share the labels."""

from __future__ import annotations

from django.db import models


class AssessedKind(models.TextChoices):
    """The kinds of unit a scheme assesses, one scheme per kind (issue 13 §4)."""

    COUNTY = "county", "县市区"
    PARK = "park", "园区"
    DEPARTMENT = "department", "市直部门"


class RunKind(models.TextChoices):
    ANNUAL = "annual", "年度考核"
    QUARTERLY = "quarterly", "季度讲评"


class RunStatus(models.TextChoices):
    DRAFT = "draft", "草案"
    PUBLICITY = "publicity", "公示中"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被新版本替代"


class ObjectionDecision(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "异议成立"
    REJECTED = "rejected", "异议不成立"


# The grades of an annual assessment (classes A–D of the scoring engine, by score thresholds in the scheme).
GRADE_LABELS = {"A": "优秀", "B": "良好", "C": "一般", "D": "较差"}
