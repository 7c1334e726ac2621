"""The case engine's choices: states, actions, roles in a case, kinds, channels, ratings (labels written once)."""

from __future__ import annotations

from newind.core.choices import Choices as _Choices


class CaseKind(_Choices):
    APPEAL = "appeal", "企业诉求"
    SUPERVISION = "supervision", "督办事项"
    PROJECT_PROBLEM = "project_problem", "项目问题"


class Channel(_Choices):
    VISIT = "visit", "走访收集"
    HOTLINE_12345 = "hotline_12345", "12345热线转办"
    PLATFORM = "platform", "平台提交"
    MEETING = "meeting", "会议交办"
    LEADER_INSTRUCTION = "leader_instruction", "领导批示"


class State(_Choices):
    RECEIVED = "received", "受理"
    ASSIGNED = "assigned", "交办"
    DISPUTED = "disputed", "交办异议"
    IN_PROGRESS = "in_progress", "办理中"
    EXTENSION_PENDING = "extension_pending", "申请延期"
    CLOSED = "closed", "办结"
    REDO = "redo", "退回重办"
    # 督办销号 (a profile with closure_review): the lead unit asks for 销号, the office reviews the checklist,
    # then the instructing leader has N working days to add an instruction before the case closes.
    REVIEW = "review", "销号审核"
    AWAITING_LEADER = "awaiting_leader", "待领导审定"
    EVALUATED = "evaluated", "回访评价"
    ARCHIVED = "archived", "归档"


class Action(_Choices):
    ASSIGN = "assign", "交办"
    DISPUTE = "dispute", "提出交办异议"
    SETTLE_KEEP = "settle_keep", "维持原交办"
    SETTLE_REASSIGN = "settle_reassign", "改派承办单位"
    ACCEPT = "accept", "签收办理"
    REPLY = "reply", "答复进展"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "延期批准"
    REJECT_EXTENSION = "reject_extension", "延期驳回"
    CLOSE = "close", "办结"
    RATE_SATISFIED = "rate_satisfied", "回访满意"
    RATE_UNSATISFIED_REDO = "rate_unsatisfied_redo", "不满意，退回重办"
    RATE_UNSATISFIED_FINAL = "rate_unsatisfied_final", "不满意（客观原因，不再重办）"
    ARCHIVE = "archive", "归档"
    SUBMIT_CLOSURE = "submit_closure", "申请销号"
    REVIEW_PASS = "review_pass", "销号审核通过"
    REVIEW_FAIL = "review_fail", "销号审核不通过，退回重办"
    LEADER_INSTRUCT = "leader_instruct", "领导补充批示"
    SIGN_OFF = "sign_off", "销号"


class CaseRole(_Choices):
    """A user's role in one case (not their platform role): decided per case by the access layer."""

    FIRM = "firm", "企业"
    LEAD = "lead", "牵头承办单位"
    CO_HANDLER = "co_handler", "协办单位"
    OFFICE = "office", "市新型工业化办公室"
    LEADER = "leader", "市领导"


class Rating(_Choices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class UnsatisfiedReason(_Choices):
    """Why a firm is unsatisfied: a subjective reason (attitude, effort) sends the case back for redo; an
    objective one (the law or policy does not allow what was asked) is recorded and the case is evaluated."""

    SUBJECTIVE = "subjective", "主观原因（态度、力度、时效）"
    OBJECTIVE = "objective", "客观原因（政策不允许、条件不具备）"


class ExtensionState(_Choices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class EventKind(_Choices):
    """Timeline entries that are not transitions."""

    CREATED = "created", "登记受理"
    NOTE = "note", "备注"


class NoticeKind(_Choices):
    REMINDER = "reminder", "到期提醒"
    CHASE = "chase", "催办"
    ESCALATION = "escalation", "逾期升级"
    CALLBACK = "callback", "回访任务"
    PROGRESS = "progress", "进展报告提醒"


class WebhookStatus(_Choices):
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败"
    NOT_CONFIGURED = "not_configured", "未配置推送"
