"""Forms of the submission workflow: issuing a task, and the office's choices when publishing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from newind.core.errors import AppError
from newind.indicators.models import Release
from newind.indicators.periods import Period
from newind.submissions import queries
from newind.submissions.calc import default_deadline
from newind.units.models import Unit
from newind.units.queries import peer_group_by_code, peer_group_units

DEFAULT_GROUP = "yueyang-counties-zones"


def _default_unit_ids() -> list[int]:
    try:
        return [u.pk for u in peer_group_units(peer_group_by_code(DEFAULT_GROUP))]
    except AppError:
        return []


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Units by id; an id no database integer can hold is an invalid choice (SQLite raised OverflowError)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                ok = 0 < int(pk) < 2**63
            except (TypeError, ValueError):
                continue  # Django names a non-number itself
            if not ok:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


def _form_label(code: str) -> str:
    """A reporting form as the office knows it: its name and 表号, e.g. 工业经济主要指标月报（岳新工办统1表）."""
    definition = queries.read_report_definition(code)
    number = definition.get("form_number")
    return f"{definition['name']}（{number}）" if number else str(definition["name"])


class IssueTaskForm(forms.Form):
    period = forms.CharField(label="报告期", max_length=20, widget=forms.TextInput(attrs={"placeholder": "2017-03"}),
                             help_text="如 2017-03 表示 2017年1—3月累计（1—2月合并，无1月）。")
    form_code = forms.ChoiceField(label="报表", choices=())
    units = UnitChoiceField(label="填报单位", queryset=Unit.objects.none(),
                            widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label="截止日期", required=False,
                               help_text="留空则为报告期次月8日，遇节假日顺延至下一个工作日（含调休）。",
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_code"].choices = [(c, _form_label(c)) for c in queries.report_definition_codes()]
        self.fields["units"].queryset = Unit.objects.filter(kind__in=["county", "zone", "park", "department"])
        if not self.is_bound:
            self.initial.setdefault("units", _default_unit_ids())
            self.initial.setdefault("form_code", "monthly-industry")

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except AppError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period")
        if isinstance(period, Period) and data.get("deadline") is None:
            data["deadline"] = default_deadline(period.year, period.kind.value, period.n)
        deadline = data.get("deadline")
        if isinstance(period, Period) and isinstance(deadline, dt.date) and deadline.year < period.year:
            self.add_error("deadline", "截止日期早于报告期，请重新选择。")
        return data


class PublishForm(forms.Form):
    release = forms.ChoiceField(label="发布类型", choices=[("flash", Release("flash").label),
                                                       ("official", Release("official").label)])


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "审核通过"), ("return", "退回")])
    reason = forms.CharField(label="退回原因", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "退回报表必须填写退回原因：请写明需要修改的指标和问题。")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label="填好的 Excel 模板（.xlsx）")
