"""Forms of the appeal pages: filing an appeal (a firm, or the office on its behalf) and one action on a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from newind.cases.choices import Channel, Rating, UnsatisfiedReason
from newind.cases.queries import categories
from newind.cases.sla import TZ
from newind.units.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the attachments); each is checked by services.add_attachment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def category_choices() -> list[tuple[str, str]]:
    return list(categories().items())


class AppealForm(forms.Form):
    """An appeal: title, what the firm needs, categories from the taxonomy, attachments; the office also names
    the firm (its code or name from the registry)."""

    firm = forms.CharField(label="企业（统一社会信用代码）", required=False, max_length=64,
                           widget=forms.TextInput(attrs={"list": "firm-options", "autocomplete": "off",
                                                         "placeholder": "输入企业名称或代码后从列表中选择"}))
    channel = forms.ChoiceField(label="来源渠道", required=False, choices=Channel.choices, initial=Channel.VISIT)
    title = forms.CharField(label="诉求标题", max_length=200,
                            error_messages={"required": "请填写诉求标题（一句话说明需要解决什么）。"},
                            widget=forms.TextInput(attrs={"placeholder": "如：新厂房用电增容审批"}))
    description = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"required": "请填写诉求内容：写明遇到的问题和希望解决的事项。"})
    categories = forms.MultipleChoiceField(label="分类（可多选）", widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "请至少选择一个分类（不确定时选「其他」）。"})
    attachments = MultipleFileField(label="附件（PDF、JPG/PNG、Word、Excel，每个不超过 10 MB，可不传）")

    def __init__(self, *args: Any, on_behalf: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()
        if on_behalf:
            self.fields["firm"].required = True
            self.fields["firm"].error_messages["required"] = "请选择代为提交诉求的企业（从企业名录中选择）。"
        else:
            del self.fields["firm"]
            del self.fields["channel"]  # a firm's own appeal comes through the platform


def end_of_day(day: dt.date) -> dt.datetime:
    """A date chosen as a deadline means 24:00 of that day: 00:00 of the next day, Shanghai time."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=TZ)


class ActionForm(forms.Form):
    """One action on a case; which fields it needs depends on the action (services check them)."""

    action = forms.CharField(max_length=32)
    reason = forms.CharField(label="理由", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label="申请延期至", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"invalid": "延期日期格式应为 2017-10-19。"})
    lead_unit = forms.ModelChoiceField(label="牵头承办单位", required=False, queryset=Unit.objects.none(),
                                       error_messages={"invalid_choice": "所选牵头承办单位不在市直部门名单中。"})
    co_units = forms.ModelMultipleChoiceField(label="协办单位", required=False, queryset=Unit.objects.none(),
                                              widget=forms.CheckboxSelectMultiple,
                                              error_messages={"invalid_choice": "所选协办单位不在市直部门名单中。"})
    rating = forms.ChoiceField(label="评价", required=False, choices=[("", "请选择"), *Rating.choices])
    reason_kind = forms.ChoiceField(label="不满意原因类型", required=False,
                                    choices=[("", "（满意、基本满意时不填）"), *UnsatisfiedReason.choices])
    attachments = MultipleFileField(label="附件（可不传）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Unit.objects.filter(kind="department").order_by("sort_order", "code")
        self.fields["lead_unit"].queryset = departments
        self.fields["co_units"].queryset = departments

    def fields_for_service(self) -> dict[str, Any]:
        """What services.act takes for this action."""
        data = self.cleaned_data
        action = data["action"]
        if action == "rate":
            return {"rating": data.get("rating") or "", "reason": data.get("reason") or "",
                    "reason_kind": data.get("reason_kind") or ""}
        out: dict[str, Any] = {"reason": data.get("reason") or "", "note": data.get("note") or ""}
        if data.get("new_deadline"):
            out["new_deadline"] = end_of_day(data["new_deadline"])
        if data.get("lead_unit") is not None:
            out["lead_unit"] = data["lead_unit"]
        if action == "assign":
            co = [u for u in data.get("co_units") or [] if data.get("lead_unit") is None or u.pk != data["lead_unit"].pk]
            out["co_units"] = co
        return out
