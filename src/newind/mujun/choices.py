"""The 亩均 app's choices (the run's states, the workflow's actions, objection decisions), shared by its
models and its pure calc: each label is written once."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices


class RunState(_Choices):
    FILLING = "filling", "企业填报"
    VERIFYING = "verifying", "部门核实"
    CONFIRMING = "confirming", "企业确认"
    NOTICE = "notice", "公示"
    PUBLISHED = "published", "已发布"


class RunAction(_Choices):
    CLOSE_FILLING = "close_filling", "结束填报"
    VERIFY = "verify", "核实完成"
    START_NOTICE = "start_notice", "开始公示"
    PUBLISH = "publish", "发布"
    ADJUST = "adjust", "手动调档"
    CONFIRM = "confirm", "企业确认"
    OBJECT = "object", "提出异议"
    DECIDE = "decide", "处理异议"
    FILE = "file", "企业填报"


class ObjectionDecision(_Choices):
    UPHELD = "upheld", "异议成立"
    REJECTED = "rejected", "异议不成立"


__all__ = ["ObjectionDecision", "RunAction", "RunState"]
