"""The submissions app's choices, shared by its models and its pure calc: each label is written once."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices


class State(_Choices):
    NOT_STARTED = "not_started", "未填报"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已发布"


class Action(_Choices):
    SAVE = "save", "保存"
    SUBMIT = "submit", "提交"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    PUBLISH = "publish", "发布"
    CORRECT = "correct", "更正"


class ReminderKind(_Choices):
    BEFORE = "before", "截止前提醒"
    OVERDUE = "overdue", "逾期催报"
    MANUAL = "manual", "办公室催报"  # sent from the task board (at most once a unit a day)


class Discipline(_Choices):
    ON_TIME = "on_time", "按时"
    LATE = "late", "迟报"
    MISSING = "missing", "缺报"
    PENDING = "pending", "未到期"


class WebhookStatus(_Choices):
    NOT_CONFIGURED = "not_configured", "未配置推送"
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败"


__all__ = ["Action", "Discipline", "ReminderKind", "State", "WebhookStatus"]
