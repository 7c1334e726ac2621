"""Forms of the meeting pages: recording a meeting, a decision, the 销号 review."""

from __future__ import annotations

from typing import Any

from django import forms

from newind.supervision.choices import MeetingKind, TaskSource, Urgency
from newind.supervision.models import UnitHead
from newind.units.models import Unit


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices, initial=MeetingKind.MONTHLY)
    held_on = forms.DateField(label="召开日期", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "请填写召开日期。", "invalid": "日期格式不对：请写成 2017-10-09。"})
    title = forms.CharField(label="会议名称", max_length=200, error_messages={"required": "请填写会议名称。"})
    chair = forms.ModelChoiceField(label="主持人", queryset=UnitHead.objects.none(), empty_label="请选择主持人",
                                   error_messages={"required": "请选择主持人。", "invalid_choice": "所选主持人不在名单中。"})
    attendees = forms.ModelMultipleChoiceField(label="参会人员", queryset=UnitHead.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label="会议议程", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    report_period = forms.RegexField(label="所用月度调度通报（期别，如 2017-09）", regex=r"^\d{4}-\d{2}$", required=False,
                                     error_messages={"invalid": "期别格式不对：请写成 YYYY-MM，例如 2017-09。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        heads = UnitHead.objects.select_related("unit")
        self.fields["chair"].queryset = heads
        self.fields["attendees"].queryset = heads


class DecisionForm(forms.Form):
    text = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请写明议定事项的内容。"})
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), empty_label="请选择责任单位",
                                        error_messages={"required": "请选择责任单位。",
                                                        "invalid_choice": "所选单位不在名单中。"})
    urgency = forms.ChoiceField(label="时限类别", choices=Urgency.choices, initial=Urgency.MINUTES)
    urgent_days = forms.IntegerField(label="紧急事项办结工作日（1—5）", min_value=1, max_value=5, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(kind__in=["department", "county", "park"]).order_by(
            "kind", "sort_order", "code")


class TaskForm(forms.Form):
    """A leader's instruction (批示) or a document (文件) filed as a supervision task (issue 13 §2)."""

    source_kind = forms.ChoiceField(label="任务来源", choices=[(TaskSource.INSTRUCTION, TaskSource.INSTRUCTION.label),
                                                           (TaskSource.DOCUMENT, TaskSource.DOCUMENT.label)],
                                    initial=TaskSource.INSTRUCTION,
                                    error_messages={"invalid_choice": "任务来源只能是领导批示或文件。"})
    source_ref = forms.CharField(label="批示或文件编号（如：市长批示〔2017〕12号、岳政发〔2017〕5号）", max_length=120,
                                 error_messages={"required": "请填写批示或文件的编号，便于查证来源。"})
    title = forms.CharField(label="督办事项", max_length=200, error_messages={"required": "请填写督办事项名称。"})
    description = forms.CharField(label="批示或文件要求", widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "请写明批示内容或文件要求。"})
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), empty_label="请选择责任单位",
                                        error_messages={"required": "请选择责任单位。",
                                                        "invalid_choice": "所选单位不在名单中。"})
    instructing_head = forms.ModelChoiceField(label="批示领导", queryset=UnitHead.objects.none(), required=False,
                                              empty_label="（文件督办可不选）",
                                              error_messages={"invalid_choice": "所选领导不在名单中。"})
    urgency = forms.ChoiceField(label="时限类别", choices=Urgency.choices, initial=Urgency.NORMAL)
    urgent_days = forms.IntegerField(label="紧急事项办结工作日（1—5）", min_value=1, max_value=5, required=False,
                                     error_messages={"min_value": "紧急事项的办结时限为1—5个工作日。",
                                                     "max_value": "紧急事项的办结时限为1—5个工作日。",
                                                     "invalid": "办结工作日须为1—5的整数。"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = Unit.objects.filter(kind__in=["department", "county", "park"]).order_by(
            "kind", "sort_order", "code")
        self.fields["instructing_head"].queryset = UnitHead.objects.select_related("unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source_kind") == TaskSource.INSTRUCTION and not data.get("instructing_head"):
            self.add_error("instructing_head", "领导批示须选择作出批示的领导。")
        if data.get("urgency") == Urgency.URGENT and not data.get("urgent_days"):
            self.add_error("urgent_days", "紧急事项须填写办结工作日（1—5）。")
        return data
