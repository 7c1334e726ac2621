"""Labels of the 向上争取 items (levels, statuses, actions), written once."""

from __future__ import annotations

from newind.core.choices import Choices


class Level(Choices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"


class Status(Choices):
    RESEARCHING = "researching", "研究"
    APPLYING = "applying", "申报"
    APPROVED = "approved", "获批"
    REJECTED = "rejected", "未获批"


class Action(Choices):
    APPLY = "apply", "提交申报"
    APPROVE = "approve", "登记获批"
    REJECT = "reject", "登记未获批"
    REOPEN = "reopen", "退回研究"


class Urgency(Choices):
    """How close an open item's deadline is (the dashboard's list and the page's lights)."""

    OVERDUE = "overdue", "已过截止日期"
    RED = "red", "7日内截止"
    YELLOW = "yellow", "30日内截止"
    GREEN = "green", "时间充裕"
    CLOSED = "closed", "已申报或已结束"
