"""The one base for the apps' choices (each app's choices.py): Django's TextChoices, typed for mypy.

Without Django type stubs mypy sees TextChoices members as tuples; under TYPE_CHECKING the base describes
them as what they are at run time: str enums with a Chinese `label`, `choices` and `values`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from django.db import models

if TYPE_CHECKING:
    class Choices(StrEnum):
        choices: ClassVar[list[tuple[str, str]]]
        values: ClassVar[list[str]]

        @property
        def label(self) -> str: ...
else:
    Choices = models.TextChoices

__all__ = ["Choices"]
