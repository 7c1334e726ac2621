"""Choices of dispatch meetings and supervision tasks (labels written once)."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices


class MeetingKind(_Choices):
    MONTHLY = "monthly", "月调度"
    QUARTERLY = "quarterly", "季讲评"
    SPECIAL = "special", "专题调度"
    ONSITE = "onsite", "现场办公"


class AgendaSource(_Choices):
    RED_LIGHT = "red_light", "红灯预警"
    OVERDUE_CASE = "overdue_case", "逾期事项"
    PROJECT_PROBLEM = "project_problem", "项目问题"
    OTHER = "other", "其他"


class TaskSource(_Choices):
    """Where a supervision task comes from."""

    DECISION = "decision", "会议议定事项"
    INSTRUCTION = "instruction", "领导批示"
    DOCUMENT = "document", "文件"
    ASSESSMENT = "assessment", "考核发现"
    WARNING = "warning", "预警"
    OVERDUE_CASE = "overdue_case", "逾期事项"
    PROJECT_PROBLEM = "project_problem", "项目问题"


class Urgency(_Choices):
    """The time classes of definitions/sla/supervision.yaml (the profile holds the limits)."""

    URGENT = "urgent", "紧急事项"
    NORMAL = "normal", "一般事项"
    DIFFICULT = "difficult", "复杂疑难事项"
    DOCUMENT = "document", "文件督办事项"
    MINUTES = "minutes", "会议纪要事项"
    ANNUAL = "annual", "年度任务"


class TaskStatus(_Choices):
    """A task's status in the report and the bulletin, from its case (calc.task_status)."""

    OPEN = "open", "办理中"
    OVERDUE = "overdue", "逾期未办结"
    REVIEW = "review", "销号审核中"
    SENT_BACK = "sent_back", "退回重办"
    CLOSED_EARLY = "closed_early", "提前办结销号"
    CLOSED_ON_TIME = "closed_on_time", "按期办结销号"
    CLOSED_LATE = "closed_late", "逾期办结销号"
    NO_TASK = "no_task", "未转督办"
