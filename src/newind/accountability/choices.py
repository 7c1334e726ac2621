"""Choices of the accountability list (问责清单) and the alerts (预警推送): labels written once."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices


class Cause(_Choices):
    """Why a unit is on the accountability list (issue 13 §6)."""

    OVERDUE_TASK = "overdue_task", "督办事项逾期超过升级阶梯"
    STALLED_PROJECT = "stalled_project", "重大项目停滞"
    LATE_REPORTS = "late_reports", "月度报表多次迟报缺报"


class EntryStatus(_Choices):
    OPEN = "open", "待处理"
    HANDLED = "handled", "已采取措施"
    CLOSED = "closed", "已办结"


class MeasureKind(_Choices):
    """What was done about an entry, from the mildest to the heaviest."""

    INTERVIEW = "interview", "约谈"
    CRITICISM = "criticism", "通报批评"
    ADMONITION = "admonition", "诫勉"
    ACCOUNTABILITY = "accountability", "问责"


class EntryEventKind(_Choices):
    CREATED = "created", "列入问责清单"
    UPDATED = "updated", "复核更新"
    MEASURE = "measure", "记录问责措施"
    CLOSED = "closed", "办结"
    REOPENED = "reopened", "重新打开"


class AlertRule(_Choices):
    """What raises an alert (issue 13 §7)."""

    RED_LIGHT = "red_light", "目标红灯"
    TASK_OVERDUE = "task_overdue", "督办事项新逾期"
    VETO_RISK = "veto_risk", "项目一票否决风险"


class AlertState(_Choices):
    OPEN = "open", "待确认"
    ACKNOWLEDGED = "acknowledged", "已确认"
    RESOLVED = "resolved", "已解除"


class AlertEventKind(_Choices):
    RAISED = "raised", "触发预警"
    ACKNOWLEDGED = "acknowledged", "确认"
    RESOLVED = "resolved", "解除"
    REOPENED = "reopened", "再次触发，重新打开"
    PUSHED = "pushed", "推送"
