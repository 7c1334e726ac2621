"""The policy library's choices (level, category, status, how a firm gets it), written once for models,
calc and pages."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices

# The codes as plain strings too (mypy, without Django's stubs, sees TextChoices members as tuples).
DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"


class PolicyLevel(_Choices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"
    MUNICIPAL = "municipal", "市"
    COUNTY = "county", "县"


class PolicyCategory(_Choices):
    FINANCE = "finance", "财政奖补"
    TAX = "tax", "税费减免"
    CREDIT = "credit", "金融信贷"
    TECH = "tech", "科技创新"
    UPGRADE = "upgrade", "技术改造"
    GROWTH = "growth", "企业培育"
    LAND = "land", "用地保障"
    ENERGY = "energy", "用电用能"
    TALENT = "talent", "人才用工"
    MARKET = "market", "市场开拓"
    GREEN = "green", "绿色发展"
    OTHER = "other", "其他"


class PolicyStatus(_Choices):
    DRAFT = DRAFT, "草稿"
    PUBLISHED = PUBLISHED, "已发布"
    WITHDRAWN = WITHDRAWN, "已下架"


class PolicyAction(_Choices):
    PUBLISH = "publish", "发布"
    WITHDRAW = "withdraw", "下架"


class Delivery(_Choices):
    """How a firm gets the policy: without applying (all criteria on data the platform holds) or by a quick
    application with what it must supply."""

    AUTOMATIC = "automatic", "免申即享"
    QUICK = "quick", "快申快享"


class Outcome(_Choices):
    """One firm against one policy."""

    QUALIFIED = "qualified", "符合"
    UNKNOWN = "unknown", "待补充数据"
    CLOSE = "close", "差一项"
    MISSED = "missed", "不符合"


class WebhookStatus(_Choices):
    NOT_CONFIGURED = "not_configured", "未配置推送"
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败"


__all__ = ["Delivery", "Outcome", "PolicyAction", "PolicyCategory", "PolicyLevel", "PolicyStatus", "WebhookStatus"]
