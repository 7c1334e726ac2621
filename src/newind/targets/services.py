"""Writes: save or delete one target, import targets from Excel (all or nothing), choose a year's rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.db import transaction

from newind.accounts.access import target_for, targets_in_scope
from newind.audit.services import record
from newind.core.errors import AppError, Conflict, Problem
from newind.core.xlsx import append_rows, workbook_bytes
from newind.indicators.models import MAX_FIGURE, Indicator, ValueKind
from newind.targets.calc import KIND_LABELS
from newind.targets.models import ScheduleBasis, Target, TargetKind, TargetType, WarningScheme
from newind.targets.rules import rule_set
from newind.units.models import Unit, UnitKind

if TYPE_CHECKING:
    from newind.imports.parsing import Sheet

# Units that may carry targets: the city, its counties and zones, parks and departments.
TARGET_UNIT_KINDS = (UnitKind.CITY, UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK, UnitKind.DEPARTMENT)
SHEET = "目标任务"
COLUMNS = ["年度", "指标代码", "指标名称", "单位代码", "单位名称", "目标类别", "目标形式", "目标值", "计量单位",
           "进度口径", "责任单位代码", "来源", "备注"]
REQUIRED = ["年度", "目标类别", "目标形式", "目标值"]
KIND_WORDS = {**{v: k for k, v in KIND_LABELS.items()}, **{k: k for k in KIND_LABELS}, "约束性指标": "hard",
              "校高指标": "stretch", "预期目标": "stretch"}
TYPE_WORDS = {"总量目标": "level", "总量": "level", "level": "level", "增速目标": "growth", "增速": "growth",
              "增长": "growth", "growth": "growth"}
BASIS_WORDS = {"": "", "按指标设置": "", "序时进度": "calendar", "calendar": "calendar", "上年同期进度": "last_year",
               "last_year": "last_year"}


def target_problems(indicator: Indicator, unit: Unit, year: int, kind: str, target_type: str,
                    value: Decimal) -> list[str]:
    """What is wrong with one target (empty when nothing), as complete Chinese sentences."""
    problems = []
    if not 2000 <= year <= 2100:
        problems.append(f"年度{year}超出范围：请填写2000—2100之间的年份。")
    if kind not in KIND_LABELS:
        problems.append(f"目标类别「{kind}」无效：请填写硬指标、底线指标或奋斗目标。")
    if target_type not in (TargetType.LEVEL, TargetType.GROWTH):
        problems.append(f"目标形式「{target_type}」无效：请填写总量目标或增速目标。")
    if unit.kind not in TARGET_UNIT_KINDS:
        problems.append(f"「{unit.name}」（{unit.get_kind_display()}）不能下达目标：目标只分解到市、县市区、功能区、园区和市直部门。")
    if target_type == TargetType.LEVEL and indicator.value_kind == ValueKind.RATE:
        problems.append(f"「{indicator.name}」是增速指标，只能设增速目标：请把目标形式改为增速目标。")
    if target_type == TargetType.LEVEL and indicator.value_kind in (ValueKind.LEVEL, ValueKind.COUNT) and value <= 0:
        problems.append(f"总量目标应大于0：请填写{indicator.measure_unit}为单位的正数。")
    if abs(value) >= MAX_FIGURE:  # PostgreSQL refused more than Target.value holds (a 500 before)
        problems.append(f"目标值 {value:f} 过大，超出可保存的范围（整数部分最多15位）：请检查数值和计量单位。")
    if target_type == TargetType.GROWTH and not Decimal(-100) < value < Decimal(1000):
        problems.append("增速目标应在-100%到1000%之间：请填写百分数（如增长8%填8）。")
    return problems


@transaction.atomic
def save_target(*, indicator: Indicator, unit: Unit, year: int, kind: str, target_type: str, value: Decimal,
                schedule_basis: str = "", responsible_unit: Unit | None = None, source: str = "", note: str = "",
                user: Any = None, target: Target | None = None) -> Target:
    """Create or update one target (one per indicator, unit, year and kind)."""
    targets_in_scope(user, write=True) if target is None else target_for(user, target, write=True)
    problems = target_problems(indicator, unit, year, kind, target_type, value)
    if problems:
        raise AppError(problems[0], problems=[Problem(p) for p in problems[1:]])
    clash = Target.objects.filter(indicator=indicator, unit=unit, year=year, kind=kind)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise Conflict(f"{year}年「{unit.name}」的「{indicator.name}」{KIND_LABELS[kind]}已存在：请修改原目标，"
                       "不要重复录入。")
    before = _audit_view(target) if target is not None else None
    obj = target or Target(created_by=user if getattr(user, "pk", None) else None)
    obj.indicator, obj.unit, obj.year, obj.kind = indicator, unit, year, kind
    obj.target_type, obj.value, obj.schedule_basis = target_type, value, schedule_basis
    obj.responsible_unit, obj.source, obj.note = responsible_unit, source, note
    obj.is_synthetic = False
    obj.save()
    record("target.change" if before else "target.add", user=user, obj=obj, unit=unit, before=before,
           after=_audit_view(obj), summary=f"{year}年{unit.name}{indicator.name}{KIND_LABELS[kind]}")
    return obj


def _audit_view(target: Target) -> dict[str, Any]:
    """What the audit log keeps of a target: enough to see what changed."""
    return {"indicator": target.indicator.code, "unit": target.unit.code, "year": target.year, "kind": target.kind,
            "target_type": target.target_type, "value": str(target.value), "schedule_basis": target.schedule_basis,
            "responsible_unit": getattr(target.responsible_unit, "code", None)}


@transaction.atomic
def delete_target(target: Target, user: Any = None) -> None:
    """Remove a target (e.g. entered for the wrong unit); the audit log keeps what it was."""
    target_for(user, target, write=True)
    record("target.delete", user=user, obj=target, unit=target.unit, before=_audit_view(target),
           summary=f"{target.year}年{target.unit.name}{target.indicator.name}")
    target.delete()


@transaction.atomic
def choose_rule_set(year: int, code: str, user: Any = None) -> WarningScheme:
    """Set which light rules apply to a year's targets (the code must name a shipped rule set)."""
    targets_in_scope(user, write=True)
    rule_set(code)  # raises a Chinese 404 for an unknown code
    previous = WarningScheme.objects.filter(year=year).values_list("rule_set", flat=True).first()
    scheme, _ = WarningScheme.objects.update_or_create(
        year=year, defaults={"rule_set": code, "updated_by": user if getattr(user, "pk", None) else None})
    record("setting.change", user=user, obj=scheme, before={"rule_set": previous}, after={"rule_set": code},
           summary=f"{year}年预警规则")
    return scheme


# --- Excel template and import -------------------------------------------------------------------------

def template_workbook(year: int) -> bytes:
    """An .xlsx template with the columns, one example row per target kind, and a sheet of valid codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    # Unit codes (column D, and the responsible unit in K) are text, so 430621 and Z430601 keep their form.
    append_rows(ws, [COLUMNS], widths=[8, 34, 20, 12, 18, 10, 10, 12, 8, 12, 14, 24, 16])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    append_rows(ws, [
        [year, "industrial_va_above_size", "规模工业增加值", "430600", "岳阳市", "硬指标", "总量目标", 1296.27,
         "亿元", "序时进度", "D430600-GXJ", "2017年目标任务分解文件", ""],
        [year, "industrial_va_above_size_growth_pct", "规模工业增加值增速", "430621", "岳阳县", "硬指标",
         "增速目标", 8, "%", "", "430621", "", ""],
    ], text_columns=frozenset({3, 10}))
    codes = wb.create_sheet("代码表")
    rows: list[list[object]] = [["指标代码", "指标名称", "计量单位", "", "单位代码", "单位名称", "", "目标类别",
                                 "目标形式", "进度口径"]]
    indicators = list(Indicator.objects.order_by("sort_order", "code").values_list("code", "name", "measure_unit"))
    units = list(Unit.objects.filter(kind__in=TARGET_UNIT_KINDS).order_by("sort_order", "code")
                 .values_list("code", "name"))
    extra = [("硬指标", "总量目标", "序时进度"), ("底线指标", "增速目标", "上年同期进度"), ("奋斗目标", "", "按指标设置")]
    for i in range(max(len(indicators), len(units), len(extra))):
        ind = indicators[i] if i < len(indicators) else ("", "", "")
        un = units[i] if i < len(units) else ("", "")
        ex = extra[i] if i < len(extra) else ("", "", "")
        rows.append([*ind, "", *un, "", *ex])
    append_rows(codes, rows, text_columns=frozenset({4}))
    return workbook_bytes(wb)


@dataclass
class ImportResult:
    added: int
    changed: int
    unchanged: int

    @property
    def message(self) -> str:
        return f"目标任务导入完成：新增 {self.added} 项，修改 {self.changed} 项，未变 {self.unchanged} 项。"


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _column_of(message: str, col: dict[str, int]) -> str:
    """Which template column a validation message is about."""
    if message.startswith("年度"):
        return "年度"
    if "不能下达目标" in message:
        return "单位代码" if "单位代码" in col else "单位名称"
    if "只能设增速目标" in message:
        return "目标形式"
    return "目标值"


def import_targets(data: bytes, file_name: str, user: Any = None, *, include_hidden: bool = False) -> ImportResult:
    """Import targets from an .xlsx/.csv in the template's layout. All or nothing: any bad cell refuses the
    whole file with every problem listed by sheet, row and column; hidden rows or columns refuse it too
    unless `include_hidden` (there is no preview to show them in)."""
    from newind.imports.parsing import upload_slot

    targets_in_scope(user, write=True)
    with upload_slot():  # the file's cells stay in memory until the rows are checked
        return _import_targets(data, file_name, user, include_hidden)


def _target_sheet(data: bytes, file_name: str, include_hidden: bool) -> Sheet:
    """The sheet to read: 「目标任务」, else the first (visible) sheet; hidden content refused unless chosen."""
    from newind.imports.parsing import hidden_parts, read_sheets

    _, sheets = read_sheets(data, file_name)
    shown = sheets if include_hidden else [s for s in sheets if not s.hidden] or sheets
    sheet = next((s for s in sheets if s.name == SHEET), shown[0])
    if sheet.has_hidden and not include_hidden:
        raise AppError(f"文件中有隐藏的内容（{'；'.join(hidden_parts([sheet]))}），整个文件未导入：在 Excel 中看不到的"
                       "目标不会被悄悄写入。请在 Excel 中取消隐藏核对（不要的行删除）后重新上传；如确需导入这些隐藏的内容，"
                       "请勾选「同时导入隐藏的行和列」后重新上传。")
    return sheet


def _import_targets(data: bytes, file_name: str, user: Any, include_hidden: bool) -> ImportResult:
    sheet = _target_sheet(data, file_name, include_hidden)
    cells = sheet.cells
    header_row = None
    for i in range(min(len(cells), 10)):
        texts = [_text(v) for v in cells.iloc[i].tolist()]
        if "目标值" in texts and ("指标代码" in texts or "指标名称" in texts):
            header_row = i
            break
    sheet_name = sheet.name if sheet.name != "CSV" and sheet.name else None
    if header_row is None:
        raise AppError(f"{'工作表「' + sheet_name + '」' if sheet_name else '文件'}中找不到表头（需有「指标代码」或"
                       "「指标名称」和「目标值」列）：请使用下载的目标任务模板填写。")
    header = [_text(v) for v in cells.iloc[header_row].tolist()]
    col = {name: header.index(name) for name in COLUMNS if name in header}
    problems: list[Problem] = []
    missing = [c for c in REQUIRED if c not in col]
    if "指标代码" not in col and "指标名称" not in col:
        missing.append("指标代码")
    if "单位代码" not in col and "单位名称" not in col:
        missing.append("单位代码")
    if missing:
        raise AppError(f"表头缺少列：{'、'.join(missing)}。请使用下载的目标任务模板填写。")
    indicators = {i.code: i for i in Indicator.objects.all()}
    ind_by_name = {i.name: i for i in indicators.values()}
    units = {u.code: u for u in Unit.objects.all()}
    unit_by_name = {**{u.name: u for u in units.values()}, **{u.short_name: u for u in units.values() if u.short_name}}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, int, str], int] = {}
    for r in range(header_row + 1, len(cells)):
        raw = [_text(v) for v in cells.iloc[r].tolist()]
        if not any(raw):
            continue
        excel_row = r + 1

        def get(name: str, raw: list[str] = raw) -> str:
            return raw[col[name]] if name in col and col[name] < len(raw) else ""

        def bad(name: str, message: str, excel_row: int = excel_row) -> None:
            problems.append(Problem(message, sheet=sheet_name, row=excel_row,
                                    column=f"{_letter(col[name])}「{name}」" if name in col else name))

        before = len(problems)
        indicator = indicators.get(get("指标代码")) or ind_by_name.get(get("指标名称"))
        if indicator is None:
            where = "指标代码" if "指标代码" in col else "指标名称"
            bad(where, f"找不到指标「{get('指标代码') or get('指标名称')}」：请按「代码表」填写指标代码。")
        unit = units.get(get("单位代码")) or unit_by_name.get(get("单位名称"))
        if unit is None:
            where = "单位代码" if "单位代码" in col else "单位名称"
            bad(where, f"找不到单位「{get('单位代码') or get('单位名称')}」：请按「代码表」填写单位代码。")
        try:
            year = int(float(get("年度")))
        except (ValueError, OverflowError):  # "abc", or "1e400" (infinite)
            year = 0
            bad("年度", f"年度「{get('年度')}」不是年份：请填写四位年份，如 2017。")
        kind = KIND_WORDS.get(get("目标类别"))
        if kind is None:
            bad("目标类别", f"目标类别「{get('目标类别')}」无效：请填写硬指标、底线指标或奋斗目标。")
        ttype = TYPE_WORDS.get(get("目标形式"))
        if ttype is None:
            bad("目标形式", f"目标形式「{get('目标形式')}」无效：请填写总量目标或增速目标。")
        text_value = get("目标值").replace(",", "").replace("%", "")
        try:
            value = Decimal(text_value)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            value = Decimal(0)
            bad("目标值", f"目标值「{get('目标值')}」不是数字：请填写数字（总量按指标的计量单位，增速填百分数）。")
        basis = BASIS_WORDS.get(get("进度口径"))
        if basis is None:
            bad("进度口径", f"进度口径「{get('进度口径')}」无效：请填写序时进度、上年同期进度，或留空按指标设置。")
        responsible = None
        if get("责任单位代码"):
            responsible = units.get(get("责任单位代码")) or unit_by_name.get(get("责任单位代码"))
            if responsible is None:
                bad("责任单位代码", f"找不到责任单位「{get('责任单位代码')}」：请按「代码表」填写单位代码。")
        measure = get("计量单位")
        if indicator is not None and ttype is not None and measure:
            expected = "%" if ttype == "growth" else indicator.measure_unit
            if measure != expected:
                bad("计量单位", f"计量单位「{measure}」与「{indicator.name}」的{('增速' if ttype == 'growth' else '')}"
                                f"计量单位「{expected}」不符：请换算为{expected}后填写。")
        if len(problems) == before and indicator and unit and kind and ttype:
            for message in target_problems(indicator, unit, year, kind, ttype, value):
                bad(_column_of(message, col), message)
            key = (indicator.code, unit.code, year, kind)
            if key in seen:
                bad("目标类别", f"与第{seen[key]}行重复（同一指标、单位、年度和目标类别）：请删除其中一行。")
            seen[key] = excel_row
        if len(problems) == before:
            rows.append({"indicator": indicator, "unit": unit, "year": year, "kind": kind, "target_type": ttype,
                         "value": value, "schedule_basis": basis, "responsible_unit": responsible,
                         "source": get("来源") or f"导入：{file_name}", "note": get("备注")})
    if problems:
        raise AppError(f"目标任务文件有 {len(problems)} 处问题，整个文件未导入：请逐条修改后重新上传。",
                       problems=problems)
    if not rows:
        raise AppError("文件中没有目标任务：请在模板表头下方逐行填写后再上传。")
    return _write_rows(rows, user)


@transaction.atomic
def _write_rows(rows: list[dict[str, Any]], user: Any) -> ImportResult:
    existing = {(t.indicator_id, t.unit_id, t.year, t.kind): t for t in Target.objects.filter(
        year__in={r["year"] for r in rows}, indicator__in={r["indicator"] for r in rows})}
    added = changed = unchanged = 0
    for r in rows:
        key = (r["indicator"].id, r["unit"].id, r["year"], r["kind"])
        current = existing.get(key)
        if current is not None and (current.value == r["value"] and current.target_type == r["target_type"]
                                    and current.schedule_basis == r["schedule_basis"]
                                    and current.responsible_unit_id == getattr(r["responsible_unit"], "id", None)):
            unchanged += 1
            continue
        save_target(user=user, target=current, **r)
        if current is None:
            added += 1
        else:
            changed += 1
    return ImportResult(added, changed, unchanged)


__all__ = ["ScheduleBasis", "TargetKind", "choose_rule_set", "delete_target", "import_targets", "save_target",
           "template_workbook"]
