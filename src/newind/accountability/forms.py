"""Forms of the accountability pages: a measure, closing or reopening an entry, a scan, a subscription."""

from __future__ import annotations

from typing import Any

from django import forms

from newind.accountability.choices import MeasureKind


class _Form(forms.Form):
    """No ASCII colon after a label (the pages' labels are Chinese)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MeasureForm(_Form):
    kind = forms.ChoiceField(label="措施", choices=MeasureKind.choices, initial=MeasureKind.INTERVIEW,
                             error_messages={"required": "请选择措施。", "invalid_choice": "请选择约谈、通报批评、诫勉或问责。"})
    taken_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": "请填写采取措施的日期。",
                                               "invalid": "日期格式不对：请写成 2017-10-09。"})
    document_no = forms.CharField(label="文号", max_length=100, required=False)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请写明措施的内容（对象、事由、结论）。"})


class NoteForm(_Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请写明处理结果或理由。"})


class ScanForm(_Form):
    period = forms.RegexField(label="扫描期别（如 2017-09）", regex=r"^\d{4}-\d{2}$", required=False,
                              error_messages={"invalid": "期别格式不对：请写成 YYYY-MM，例如 2017-09。"})
