"""How the audit log reads in Chinese: action names, object types and field labels, as one mapping.

The log stores short English codes (`login`, `submission.approve`, `observations.write`) and JSON
before/after values; these tables say what the auditor reads instead. Nothing here touches the stored
entries (or their hash chain): it is display only. An action not listed shows its family's name and
the code, so a new action is never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ACTION_LABELS: dict[str, str] = {
    # accounts: sign-in, sessions, security settings
    "login": "登录",
    "login.failed": "登录失败",
    "login.totp_failed": "登录失败（动态口令错误）",
    "login.lockout": "账号锁定",
    "logout": "退出登录",
    "logout.idle": "超时自动退出",
    "password.change": "修改密码",
    "totp.enable": "启用动态口令",
    "totp.disable": "关闭动态口令",
    "session.end": "结束会话",
    "settings.change": "修改安全策略",
    "user.create": "新建用户",
    "user.add.cli": "新建用户（命令行）",
    "user.change": "修改用户",
    "user.delete": "删除用户",
    "role.assign": "分配角色",
    "role.change": "修改角色",
    "permission.change": "修改权限",
    "group.create": "新建用户组",
    "group.change": "修改用户组",
    "admin.add": "后台新增",
    "admin.change": "后台修改",
    "admin.delete": "后台删除",
    "admin.other": "后台操作",
    # audit log itself
    "audit.verify": "校验审计链",
    "audit.purge": "清理审计日志",
    "export": "导出下载",
    # figures
    "observations.write": "写入数据",
    "observation.revise": "修订数据",
    # monthly reports (填报)
    "submission.task_issue": "下达填报任务",
    "submission.value_edit": "修改报表数值",
    "submission.template_export": "下载填报模板",
    "submission.remind": "催报提醒",
    "submission.save": "保存报表草稿",
    "submission.submit": "提交报表",
    "submission.return": "退回报表",
    "submission.approve": "审核通过报表",
    "submission.publish": "发布报表",
    "submission.correct": "更正已发布数据",
    # targets and forecasts
    "target.add": "新增目标",
    "target.change": "修改目标",
    "target.delete": "删除目标",
    "setting.change": "修改预警规则",
    "forecast.backtest": "运行预测回测",
    # enterprises and parks
    "enterprises.import": "导入企业名录",
    "parks.profile": "更新园区档案",
    # cases (企业诉求): each transition is "case.<action>", the notices "case.notice.<kind>"
    "case.file": "受理事项",
    "case.attachment": "上传事项附件",
    # assessment (考核评价)
    "assessment.run": "计算考核结果（新版本）",
    "assessment.publicity": "考核结果开始公示",
    "assessment.objection.file": "提出考核异议",
    "assessment.objection.decide": "处理考核异议",
    "assessment.publish": "发布考核结果",
}

# The family (first part of the code) of an action that is not listed above.
ACTION_FAMILIES: dict[str, str] = {
    "login": "登录", "logout": "退出登录", "password": "密码", "totp": "动态口令", "session": "会话",
    "settings": "安全策略", "user": "用户", "role": "角色", "permission": "权限", "group": "用户组",
    "admin": "后台", "audit": "审计日志", "export": "导出", "observation": "数据", "observations": "数据",
    "submission": "月度报表", "target": "目标", "setting": "设置", "forecast": "预测", "import": "数据导入",
    "upload": "上传", "report": "通报", "enterprises": "企业档案", "parks": "园区",
    "case": "事项", "assessment": "考核评价",
}

# Object types that are not models (or whose model has no page of its own), by their stored type.
OBJECT_TYPE_LABELS: dict[str, str] = {
    "reports.monthly": "月度调度通报",
    "audit.auditentry": "审计日志",
    "auth.user": "用户",
    "auth.group": "用户组",
}

# Keys of the before/after JSON that are not fields of the object's model.
FIELD_LABELS: dict[str, str] = {
    "state": "状态", "reason": "原因", "value": "数值", "indicator": "指标", "explanation": "说明",
    "via": "填报方式", "period": "时期", "units": "单位", "unit": "单位", "unit_id": "单位", "deadline": "截止日期",
    "kind": "类型", "for_date": "日期", "format": "格式", "file": "文件", "filter": "筛选条件", "rows": "条数",
    "batch": "导入批次", "added": "新增条数", "changed": "变更", "release": "发布类型", "rule_set": "预警规则",
    "target_type": "目标口径", "schedule_basis": "进度口径", "responsible_unit": "责任单位", "year": "年份",
    "action": "操作", "items": "明细", "name": "名称", "password": "密码", "role": "角色",
    "must_change_password": "首次登录须改密", "totp_enabled": "已启用动态口令", "username": "用户名",
    "first_name": "姓名", "is_active": "有效", "is_staff": "可登录后台", "is_superuser": "超级用户",
    "indicators": "指标数", "cases": "回测次数", "seconds": "用时（秒）", "beats": "优于基准的指标数",
    "person": "人员", "from": "起始日期", "to": "截止日期",
}

# Stored codes of some values, by key, and what they mean.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "state": {"not_started": "未填报", "draft": "草稿", "submitted": "已提交", "returned": "退回",
              "approved": "已审核", "published": "已发布"},
    "via": {"form": "网页表单", "excel": "Excel 上传"},
    "kind": {"hard": "硬指标", "floor": "底线指标", "stretch": "奋斗目标", "before": "截止前提醒",
             "overdue": "逾期催报"},
    "target_type": {"level": "总量目标", "growth": "增速目标"},
    "schedule_basis": {"calendar": "序时进度", "last_year": "上年同期进度"},
    "release": {"flash": "快报", "first": "初步核算", "official": "正式", "published": "公开发布",
                "yearbook": "年鉴", "revised": "修订", "estimate": "预估"},
    "role": {"sysadmin": "系统管理员", "secadmin": "安全管理员", "auditor": "审计员",
             "office": "市新型工业化办公室（全市）", "leader": "市领导", "reporter": "单位填报员",
             "reviewer": "单位审核员", "enterprise": "企业用户", "department": "市直部门用户"},
}


def action_label(code: str) -> str:
    """The Chinese name of an action code; unknown codes show their family's name and the code."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    family = ACTION_FAMILIES.get(code.split(".")[0])
    return f"{family}（{code}）" if family else code


def field_label(key: str, model_labels: Mapping[str, str] | None = None) -> str:
    """The label of a before/after key: the object's model field label, else the mapping, else the key."""
    if model_labels and key in model_labels:
        return model_labels[key]
    return FIELD_LABELS.get(key, key)


def value_text(key: str, value: Any, names: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A before/after value as the auditor reads it: codes as their labels, booleans as 是/否, lists joined.

    `names` maps a key to {stored code: display name} for values looked up in the database (indicator
    codes, unit codes), and for the choices of the object's model fields.
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(key, v, names) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}：{value_text(k, v, names)}" for k, v in value.items()) or "—"
    text = str(value)
    looked_up = (names or {}).get(key, {})
    if text in looked_up:
        return looked_up[text]
    return VALUE_LABELS.get(key, {}).get(text, text)
