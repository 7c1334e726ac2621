"""The project registry's choices, written once for models, calc, the import and the pages."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices


class Stage(_Choices):
    """A project's stage, in the order a project moves through them (谋划/储备 → … → 达产)."""

    PLANNING = "planning", "谋划储备"
    NEGOTIATING = "negotiating", "在谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册"
    LAND = "land", "供地"
    STARTED = "started", "开工"
    IN_STATS = "in_stats", "入库纳统"
    COMPLETED = "completed", "竣工"
    PRODUCING = "producing", "投产"
    FULL_PRODUCTION = "full_production", "达产"


# The stages in order; a stage's position decides "at or past" (a project at 投产 has also started).
STAGE_ORDER: tuple[str, ...] = tuple(str(s.value) for s in Stage)


def stage_index(code: str) -> int:
    return STAGE_ORDER.index(code)


class ProjectList(_Choices):
    """The lists a project can be on (a project can be on several)."""

    PROVINCE_FIVE_100 = "province_5x100", "省“五个100”"
    CITY_MAJOR = "city_major", "市重大项目"
    INDUSTRIAL = "industrial", "产业项目"


class InvestorFlag(_Choices):
    FORTUNE_500 = "fortune500", "世界500强"
    CHINA_500 = "china500", "中国500强"
    PRIVATE_500 = "private500", "民营500强"
    CENTRAL_SOE = "central_soe", "央企"
    FOREIGN = "foreign", "外资"
    OUT_OF_PROVINCE = "out_of_province", "省外资金"


class ChangeKind(_Choices):
    CREATED = "created", "建档"
    CHANGED = "changed", "变更"
    STAGE = "stage", "阶段变化"
    STOPPED = "stopped", "停工"
    RESUMED = "resumed", "复工"
    FALSIFIED = "falsified", "认定弄虚作假"
    CLEARED = "cleared", "撤销弄虚作假认定"


class StoppageReview(_Choices):
    PENDING = "pending", "待审核"
    CONFIRMED = "confirmed", "审核确认"
    REJECTED = "rejected", "审核不通过"
