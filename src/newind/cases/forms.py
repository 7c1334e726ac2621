"""Forms of the appeal pages: filing an appeal (a firm, or the office on its behalf) and one action on a case.

The filters of the metrics and the overdue list, read once for the pages, the Excel exports and the API.

The lead units a user's figures cover are decided by `accounts.access.case_metrics_scope` (a department
user: its own unit; an edited `unit` parameter naming another unit is a 403 there); this module only reads
the parameters and turns them into `queries.case_filter` lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone

from newind.accounts.access import case_metrics_scope
from newind.cases.choices import CaseKind, Channel, Rating, UnsatisfiedReason
from newind.cases.queries import GROUPINGS, case_filter, categories
from newind.cases.sla import TZ, to_local
from newind.core.errors import AppError
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


LISTS = {"still_open": "逾期未办结", "done_late": "逾期办结"}


@dataclass(frozen=True)
class Filters:
    """What the user asked for (`by`, `year`, `kind`, `unit`, `at`, `list`, `page`) and what it selects."""

    by: str
    year: int | None
    kind: str | None
    unit: int | None
    at: dt.date | None
    now: dt.datetime
    list: str
    page: int
    units: set[int] | None  # the lead units covered (None: every case)
    where: dict[str, Any] = field(default_factory=dict)

    def query(self, **changes: Any) -> str:
        """The URL query of these filters (with `changes`), for links between the pages and the exports."""
        from urllib.parse import urlencode

        values = {"by": self.by, "year": self.year, "kind": self.kind, "unit": self.unit,
                  "at": self.at.isoformat() if self.at else None, "list": self.list, **changes}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    @property
    def about(self) -> str:
        """The selection in words (export headers, page captions)."""
        parts = [f"{self.year}年受理" if self.year else "全部年度", CaseKind(self.kind).label if self.kind else "全部类型"]
        parts.append(f"统计时点 {to_local(self.now):%Y-%m-%d %H:%M}")
        return "，".join(parts)


MAX_ID = 2**31 - 1  # ids and page numbers beyond what the databases' integers hold are refused, not a 500


def _int(data: Mapping[str, Any], name: str, label: str) -> int | None:
    text = str(data.get(name) or "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise AppError(f"参数「{name}」（{label}）应为整数，收到「{text[:20]}」。") from None
    if not -MAX_ID <= value <= MAX_ID:
        raise AppError(f"参数「{name}」（{label}）超出范围，收到「{text[:20]}」。")
    return value


def read_filters(user: Any, data: Mapping[str, Any]) -> Filters:
    """The filters from a query string; the lead units from the access module (403 for another unit)."""
    by = str(data.get("by") or "department")
    if by not in GROUPINGS:
        raise AppError(f"参数「by」不能是「{by}」：请选择 {'、'.join(f'{k}（{v}）' for k, v in GROUPINGS.items())}。")
    chosen_list = str(data.get("list") or "still_open")
    if chosen_list not in LISTS:
        raise AppError(f"参数「list」不能是「{chosen_list}」：请选择 still_open（逾期未办结）或 done_late（逾期办结）。")
    year = _int(data, "year", "年度")
    unit = _int(data, "unit", "牵头承办单位")
    page = min(max(1, _int(data, "page", "页码") or 1), MAX_ID // 100)
    kind = str(data.get("kind") or "").strip() or None
    at_text = str(data.get("at") or "").strip()
    at: dt.date | None = None
    if at_text:
        try:
            at = dt.date.fromisoformat(at_text)
        except ValueError:
            raise AppError(f"参数「at」（统计日期）应为日期，如 2017-12-31，收到「{at_text[:20]}」。") from None
        if not 2000 <= at.year <= 2100:
            raise AppError(f"参数「at」（统计日期）应在 2000—2100 年之间，收到「{at_text[:20]}」。")
    # "As of a day": the end of that day (24:00, stored as 00:00 of the next); else the clock.
    now = dt.datetime.combine(at + dt.timedelta(days=1), dt.time(), tzinfo=TZ) if at else to_local(timezone.now())
    units = case_metrics_scope(user, unit)
    where = case_filter(units=units, year=year, kind=kind)
    return Filters(by=by, year=year, kind=kind, unit=unit, at=at, now=now, list=chosen_list, page=page, units=units,
                   where=where)
