"""The office's policy form (criteria as editable JSON), the payout form and the payout upload."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from newind.policies.choices import PolicyCategory, PolicyLevel

DATE = forms.DateInput(attrs={"type": "date"})


class PolicyForm(forms.Form):
    code = forms.SlugField(label="政策代码", max_length=60, help_text="字母、数字和连字符，如 yy-fgjj-01；保存后不能修改。")
    title = forms.CharField(label="政策名称", max_length=200)
    issuer = forms.CharField(label="发文单位", max_length=200)
    doc_number = forms.CharField(label="文号", max_length=100, required=False)
    level = forms.ChoiceField(label="层级", choices=PolicyLevel.choices)
    category = forms.ChoiceField(label="类别", choices=PolicyCategory.choices)
    valid_from = forms.DateField(label="有效期起", required=False, widget=DATE)
    valid_to = forms.DateField(label="有效期止", required=False, widget=DATE)
    department_name = forms.CharField(label="执行部门", max_length=100, required=False,
                                      help_text="平台中的市直部门按名称或简称自动关联，如 市工信局。")
    summary = forms.CharField(label="政策要点", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    guide_who = forms.CharField(label="申报对象", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guide_conditions = forms.CharField(label="申报条件", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guide_materials = forms.CharField(label="申报材料", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guide_deadline = forms.DateField(label="申报截止", required=False, widget=DATE)
    guide_contact = forms.CharField(label="联系方式", max_length=200, required=False)
    source_text = forms.CharField(label="政策原文", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    criteria = forms.CharField(
        label="认定条件（JSON）", required=False, widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        help_text='每条一个对象，如 [{"field": "sales_revenue", "op": "ge", "value": 2000}, '
                  '{"field": "rd_spending", "op": "ratio", "of": "sales_revenue", "value": 3, "label": "研发投入占比"}, '
                  '{"field": "dishonest", "op": "not"}, {"op": "supply", "label": "高新技术企业证书"}]')

    def clean_criteria(self) -> Any:
        text = self.cleaned_data.get("criteria") or "[]"
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"认定条件不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）：请检查引号、逗号和括号。") from None


class PayoutForm(forms.Form):
    policy = forms.ModelChoiceField(label="政策", queryset=None, to_field_name="code")  # type: ignore[arg-type]
    credit_code = forms.CharField(label="企业统一社会信用代码", max_length=18)
    amount = forms.DecimalField(label="兑现金额（万元）", max_digits=14, decimal_places=4, min_value=0)
    paid_on = forms.DateField(label="兑现日期", widget=DATE)
    department_name = forms.CharField(label="兑现部门", max_length=100, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, policies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies  # type: ignore[attr-defined]


class PayoutUploadForm(forms.Form):
    file = forms.FileField(label="兑现台账（.xlsx 或 .csv）")


class PayoutConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    plan = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)
