"""The form of a 向上争取 item (register and edit) and of a status action."""

from __future__ import annotations

from typing import Any

from django import forms

from newind.funding.choices import Action, Level
from newind.units.choices import UnitKind
from newind.units.models import Unit

# The units that own 向上争取 items: the city itself, counties, zones, parks and departments.
OWNER_KINDS = (UnitKind.CITY, UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK, UnitKind.DEPARTMENT)


class OpportunityForm(forms.Form):
    title = forms.CharField(label="事项名称", max_length=200)
    programme = forms.CharField(label="资金或政策渠道", max_length=200)
    level = forms.ChoiceField(label="层级", choices=Level.choices)
    issuer = forms.CharField(label="发布部门", max_length=100, required=False)
    window_start = forms.DateField(label="申报开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label="申报截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    owner_person = forms.CharField(label="责任人", max_length=50)
    amount_sought = forms.DecimalField(label="争取金额（万元）", max_digits=14, decimal_places=2, min_value=0.01)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, owner_units: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(kind__in=OWNER_KINDS).order_by("kind", "code")
        if owner_units is not None:
            units = units.filter(pk__in=owner_units)
        field = self.fields["owner_unit"]
        field.queryset = units  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = "请从列表中选择责任单位（只能选择本单位或下属单位）。"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, deadline = data.get("window_start"), data.get("deadline")
        if start and deadline and start > deadline:
            self.add_error("deadline", "截止日期不能早于申报开始日期。")
        return data


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices)
    amount_obtained = forms.DecimalField(label="获批金额（万元）", max_digits=14, decimal_places=2, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)
