"""The visit form (phone-friendly), the list upload and its confirmation, the appeal button's category."""

from __future__ import annotations

from django import forms

from newind.pairing.choices import VisitKind


class VisitForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "请填写日期。", "invalid": "请填写如 2017-12-05 的日期。"})
    kind = forms.ChoiceField(label="方式", choices=VisitKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "请选择走访、电话或座谈。"})
    participants = forms.CharField(label="参加人员", max_length=200,
                                   widget=forms.TextInput(attrs={"placeholder": "如 包联干部张三、企业总经理李四"}),
                                   error_messages={"required": "请填写参加人员。"})
    discussed = forms.CharField(label="交流内容", widget=forms.Textarea(attrs={"rows": 4}),
                                error_messages={"required": "请填写交流内容。"})
    problems = forms.CharField(label="发现的问题（每行一个，可留空）", required=False,
                               widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如 扩建用地指标未落实"}))

    def problem_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("problems", "").splitlines() if line.strip()]


class UploadForm(forms.Form):
    file = forms.FileField(label="包联名单文件（.xlsx 或 .csv）")


class ConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    plan = forms.RegexField(regex=r"^[0-9a-f]{64}$")
    file_name = forms.CharField(max_length=255)


class AppealForm(forms.Form):
    category = forms.CharField(max_length=24, required=False)
