"""Forms: one target, the import upload, the share-target question."""

from __future__ import annotations

from typing import Any

from django import forms

from newind.core.office import office
from newind.indicators.models import Indicator
from newind.targets.models import ScheduleBasis, TargetKind, TargetType
from newind.units.models import Unit, UnitKind

TARGET_UNIT_KINDS = [UnitKind.CITY, UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK, UnitKind.DEPARTMENT]


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(Indicator.objects.all(), label="指标", to_field_name="code")
    unit = forms.ModelChoiceField(Unit.objects.filter(kind__in=TARGET_UNIT_KINDS), label="单位",
                                  to_field_name="code")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(choices=TargetKind.choices, label="目标类别")
    target_type = forms.ChoiceField(choices=TargetType.choices, label="目标形式")
    value = forms.DecimalField(label="目标值", max_digits=20, decimal_places=4,
                               help_text="总量目标按指标的计量单位填写；增速目标填百分数，如增长8%填8。")
    schedule_basis = forms.ChoiceField(choices=ScheduleBasis.choices, label="进度口径", required=False)
    responsible_unit = forms.ModelChoiceField(Unit.objects.filter(kind__in=TARGET_UNIT_KINDS), label="责任单位",
                                              to_field_name="code", required=False)
    source = forms.CharField(label="来源", max_length=300, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="目标任务文件（.xlsx 或 .csv）")
    # Without it a file with hidden rows or columns is refused (there is no preview to show them in).
    include_hidden = forms.BooleanField(label="同时导入隐藏的行和列", required=False)


class ShareForm(forms.Form):
    indicator = forms.ModelChoiceField(Indicator.objects.filter(additive=True, frequency="annual"), label="指标",
                                       to_field_name="code")
    unit = forms.ModelChoiceField(Unit.objects.filter(kind=UnitKind.CITY), label="单位", to_field_name="code")
    target = forms.FloatField(label="目标占比（%）", min_value=0.01, max_value=100, initial=12)
    by = forms.IntegerField(label="目标年份", min_value=2000, max_value=2100, initial=2020)
    province_growth = forms.FloatField(label="假设全省年增长（%，不填按近年平均）", required=False,
                                       min_value=-50, max_value=100)
    recent = forms.IntegerField(label="近期趋势看几年", min_value=1, max_value=10, initial=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The office's own city and share indicator (definitions/office.yaml) are the defaults.
        self.fields["unit"].initial = office().city.code
        self.fields["indicator"].initial = office().targets.share_indicator
