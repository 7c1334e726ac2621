"""The enterprise registry's choices, written once for models, calc and the import."""

from __future__ import annotations

from django.db import models

# The codes as plain strings too (mypy, without Django's stubs, sees TextChoices members as tuples).
ABOVE, BELOW = "above", "below"
PRODUCING, SUSPENDED, DEREGISTERED = "producing", "suspended", "deregistered"
CREATED, CHANGED = "created", "changed"


class SizeClass(models.TextChoices):
    """规上 (annual main-business revenue ≥ 2000万元) or 规下; the codes are the scoring frame's `size`."""

    ABOVE = ABOVE, "规上"
    BELOW = BELOW, "规下"


class Status(models.TextChoices):
    PRODUCING = PRODUCING, "在产"
    SUSPENDED = SUSPENDED, "停产"
    DEREGISTERED = DEREGISTERED, "注销"


class ChangeKind(models.TextChoices):
    CREATED = CREATED, "建档"
    CHANGED = CHANGED, "变更"
