"""The pairing app's choices: how an official contacted a firm, and why a firm is a key firm."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices

VISIT, CALL, MEETING = "visit", "call", "meeting"


class VisitKind(_Choices):
    VISIT = VISIT, "走访"
    CALL = CALL, "电话"
    MEETING = MEETING, "座谈"


class KeySource(_Choices):
    """Why a firm is a key firm (重点企业); a firm may have several reasons."""

    ABOVE_SIZE = "above_size", "规上企业"
    MUJUN = "mujun", "亩均A类"
    MANUAL = "manual", "办公室标记"
    PROJECT = "project", "重大项目"
