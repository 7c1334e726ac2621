"""Pages: progress and warnings (leaders, office, reporters for their own unit), target entry, import and
rules (office only), the share target."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from newind.accounts.access import (
    TARGETS_MANAGE_PAGE,
    TARGETS_PAGE,
    page_required,
    target_for,
    target_units_in_scope,
    targets_in_scope,
)
from newind.accounts.throttle import throttled
from newind.audit.services import record
from newind.core import readcache
from newind.core.errors import AppError
from newind.core.numbers import fmt_number, fmt_range
from newind.core.office import office
from newind.core.redirects import safe_next_url
from newind.core.xlsx import ExportSheet, export_workbook, xlsx_response
from newind.imports.parsing import read_upload
from newind.indicators.models import Indicator
from newind.indicators.periods import Period, parse_period
from newind.indicators.queries import office_month
from newind.targets import queries, services
from newind.targets.calc import LIGHT_LABELS
from newind.targets.forms import ImportForm, ShareForm, TargetForm
from newind.targets.models import Target, TargetType
from newind.targets.rules import rule_set, rule_sets
from newind.units.models import Unit


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Display rows: numbers formatted with their unit ("—" alone when missing); a rate or ratio target
    compared with the actual figure in points (`vs_target_text`), never as a completion %."""
    out = []
    for r in frame.to_dict("records"):
        growth = r["target_type"] == TargetType.GROWTH or r["measure_unit"] == "%"
        unit = "%" if growth else r["measure_unit"]
        d = 1 if growth else 2
        by_points = bool(r.get("vs_target_text"))
        r.update({
            "target_text": fmt_number(r["target_value"], d, unit),
            "actual_text": fmt_number(r["actual"], d, unit),
            "completion_text": r["vs_target_gap_text"] if by_points else fmt_number(r["completion_pct"], 1, "%"),
            "schedule_text": fmt_number(r["schedule_pct"], 1, "%"),
            "gap_text": fmt_number(r["gap_pts"], 1),
            "forecast_text": fmt_number(r["forecast"], d, unit),
            "interval_text": fmt_range(r["forecast_lower"], r["forecast_upper"], d, unit),
            "prob_text": "—" if pd.isna(r["prob_meet"]) else f"{float(r['prob_meet']) * 100:.0f}%",
            "responsible": r["responsible_unit_name"] or r["unit_name"],
            "by_points": by_points,
        })
        out.append(r)
    return out


def _summary(frame: pd.DataFrame, by: str, label: str) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    counts = pd.crosstab([frame[by], frame[label]], frame["light"])
    rows = []
    for (code, name), row in counts.iterrows():
        rows.append({"code": code, "name": name, **{k: int(row.get(k, 0)) for k in LIGHT_LABELS}})
    rows.sort(key=lambda r: (-r["red"], -r["yellow"], r["name"]))
    return rows


def _selection(request: HttpRequest) -> tuple[Period | None, list[str] | None, str, str, list[str] | None, str]:
    """The page's choices, within the user's scope: period, unit codes, unit, indicator (codes), rule preview."""
    # The month asked for, else the office's month: the same default as the dashboard and the report. The
    # latest month reads the headline indicator's months (kept per process and data stamp, core.readcache).
    period = (parse_period(request.GET["period"]) if request.GET.get("period")
              else readcache.memoised("targets.office_month", None, office_month))
    unit_code = request.GET.get("unit") or ""
    if unit_code:
        get_object_or_404(Unit, code=unit_code)
    # None = all (office, leaders); a reporter's own unit and below; 403 for a unit outside the scope.
    unit_codes = target_units_in_scope(request.user, [unit_code] if unit_code else None)
    indicator_code = request.GET.get("indicator") or ""
    indicator_codes = [indicator_code] if indicator_code else None
    return period, unit_codes, unit_code, indicator_code, indicator_codes, request.GET.get("rules") or ""


@page_required(TARGETS_PAGE)
def progress_page(request: HttpRequest) -> HttpResponse:
    """目标进度与预警: the warning list (with changes since last month), per unit, per indicator, all targets."""
    period, unit_codes, unit_code, indicator_code, indicator_codes, preview = _selection(request)
    can_manage = _is_office(request)
    context: dict[str, Any] = {"period": period, "unit_code": unit_code, "indicator_code": indicator_code,
                               "preview": preview, "can_manage": can_manage, "query": request.GET.urlencode()}
    stamp = readcache.data_stamp()
    choices = (tuple(unit_codes) if unit_codes is not None else None, unit_code, indicator_code, preview,
               can_manage, context["query"])
    if period is None:
        body = readcache.fragment(request, "targets.empty", choices, "targets/_progress_body.html",
                                  lambda: {**context, "empty": True}, stamp)
        return render(request, "targets/progress.html", {**context, "body": body})
    rules = rule_set(preview) if preview else queries.rule_set_for_year(period.year)
    key = (period.key, tuple(unit_codes) if unit_codes is not None else None,
           tuple(indicator_codes) if indicator_codes is not None else None, rules.code)
    # The same for everyone with the same scope and choices: computed once per process and data stamp.
    figures = readcache.memoised("targets.progress", key,
                                 lambda: _progress(period, unit_codes, indicator_codes, rules), stamp)

    def body_context() -> dict[str, Any]:
        visible_units = Unit.objects.filter(targets__year=period.year).distinct().order_by("sort_order", "code")
        if unit_codes is not None and not unit_code:
            visible_units = visible_units.filter(code__in=unit_codes)
        return {**context, **figures, "rules": rules, "rule_sets": rule_sets(),
                "periods": [Period.month(period.year, n) for n in range(2, 13)], "units": list(visible_units),
                "indicators": list(Indicator.objects.filter(targets__year=period.year).distinct())}

    # And the rendered page below its title (the table of every target is most of a cached visit).
    body = readcache.fragment(request, "targets.progress", (key, *choices), "targets/_progress_body.html",
                              body_context, stamp)
    return render(request, "targets/progress.html",
                  {**context, "body": body, "synthetic": figures["synthetic"]})


def _progress(period: Period, unit_codes: list[str] | None, indicator_codes: list[str] | None,
              rules: Any) -> dict[str, Any]:
    """The page's figures: progress and lights now, the warning list, and their summaries."""
    now = queries.target_progress(period, unit_codes=unit_codes, indicator_codes=indicator_codes, rules=rules)
    warnings = queries.warning_list(period, unit_codes=unit_codes, indicator_codes=indicator_codes, rules=rules,
                                    current=now)
    counts = now["light"].value_counts().to_dict() if not now.empty else {}
    return {
        "warnings": _rows(warnings) if not warnings.empty else [], "rows": _rows(now),
        "by_unit": _summary(now, "unit_code", "unit_name"),
        "by_indicator": _summary(now, "indicator_code", "indicator_name"),
        "counts": {k: int(counts.get(k, 0)) for k in LIGHT_LABELS},
        "synthetic": bool(now["is_synthetic"].any()) if not now.empty else False,
        "changes": (warnings["change"].value_counts().to_dict() if not warnings.empty else {}),
    }


EXPORT_COLUMNS = [
    ("灯", "light_label"), ("单位", "unit_name"), ("单位代码", "unit_code"), ("指标", "indicator_name"),
    ("类别", "target_kind_label"), ("目标", "target_text"), ("至今", "actual_text"), ("完成", "completion_text"),
    ("序时进度", "schedule_text"), ("落后（个百分点）", "gap_text"), ("预警原因", "light_reason"),
    ("预计全年", "forecast_text"), ("预测区间", "interval_text"), ("预测方法", "forecast_method"),
    ("完成可能性", "prob_text"), ("责任单位", "responsible"), ("来源", "source"),
]


@page_required(TARGETS_PAGE)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """Every target of the page's choice in Excel, exactly as the page shows it (same texts and units),
    with the period, rules and sources above the table; audited as an export."""
    period, unit_codes, unit_code, _, indicator_codes, preview = _selection(request)
    if period is None:
        raise AppError("还没有任何目标进度可以导出：请先录入年度目标和月度数据。", status=404, code="not_found")
    rules = rule_set(preview) if preview else queries.rule_set_for_year(period.year)
    rows = _rows(queries.target_progress(period, unit_codes=unit_codes, indicator_codes=indicator_codes,
                                         rules=rules))
    sources = sorted({str(r["source"]) for r in rows if r.get("source")})
    synthetic = any(bool(r.get("is_synthetic")) for r in rows)
    about = ["单位：各行「目标」「至今」列注明计量单位；完成、序时进度为%，落后为个百分点",
             f"时期：{period.label}（1—N月累计），{period.year}年度目标", f"预警规则：{rules.name}",
             "来源：" + ("；".join(sources) or "本平台数据库") + ("（含示例数据）" if synthetic else "")]
    scope = f"（{unit_code}）" if unit_code else ""
    data = export_workbook([ExportSheet(
        "目标进度", f"目标进度与预警{scope}：{period.label}", about, [t for t, _ in EXPORT_COLUMNS],
        [["" if r.get(k) is None or r.get(k) != r.get(k) else r.get(k) for _, k in EXPORT_COLUMNS] for r in rows],
        frozenset({2}))])
    record("export", user=request.user, request=request, object_type="targets",
           summary=f"导出目标进度 Excel：{period.label}，{len(rows)} 项目标",
           after={"period": period.key, "unit": unit_code, "rows": len(rows)})
    return xlsx_response(data, f"targets_{period.key}{'_' + unit_code if unit_code else ''}.xlsx")


def _is_office(request: HttpRequest) -> bool:
    return TARGETS_MANAGE_PAGE.allows(request.user)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year")
    if raw:
        try:
            year = int(raw)
        except ValueError:
            raise AppError(f"年度「{raw}」不是年份：请填写四位年份，如 2017。") from None
        if not 1900 <= year <= 2100:  # (a huge number overflows the database's integer: a 500 before)
            raise AppError(f"年度「{raw}」超出范围：请填写1900—2100之间的年份。")
        return year
    latest = office_month()
    return latest.year if latest else office().targets.default_year


def _decompositions(year: int) -> list[dict[str, Any]]:
    city_targets = Target.objects.filter(year=year, target_type=TargetType.LEVEL, unit__kind="city") \
        .select_related("indicator", "unit")
    return [queries.decomposition(t.indicator, year, t.kind, t.unit) for t in city_targets]


@page_required(TARGETS_MANAGE_PAGE)
def manage_page(request: HttpRequest) -> HttpResponse:
    """目标任务管理: the year's targets, decomposition checks, entry form, Excel import and the year's rules."""
    year = _year(request)
    form = TargetForm(initial={"year": year})
    return _manage(request, year, form)


def _manage(request: HttpRequest, year: int, form: TargetForm, status: int = 200,
            editing: Target | None = None) -> HttpResponse:
    targets = targets_in_scope(request.user, write=True).filter(year=year).select_related("indicator", "unit", "responsible_unit")
    scheme = queries.rule_set_for_year(year)
    return render(request, "targets/manage.html", {
        "year": year, "targets": targets, "form": form, "import_form": ImportForm(), "editing": editing,
        "decompositions": _decompositions(year), "rule_sets": rule_sets(), "current_rules": scheme,
    }, status=status)


def _save_from_form(request: HttpRequest, form: TargetForm, target: Target | None) -> Target:
    d = form.cleaned_data
    return services.save_target(
        indicator=d["indicator"], unit=d["unit"], year=d["year"], kind=d["kind"], target_type=d["target_type"],
        value=d["value"], schedule_basis=d["schedule_basis"] or "", responsible_unit=d["responsible_unit"],
        source=d["source"], note=d["note"], user=request.user, target=target)


@page_required(TARGETS_MANAGE_PAGE)
@require_POST
def create_target(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST)
    year = _year(request)
    if not form.is_valid():
        return _manage(request, year, form, status=400)
    try:
        target = _save_from_form(request, form, None)
    except AppError as error:
        form.add_error(None, error.message)
        for p in error.problems:
            form.add_error(None, str(p))
        return _manage(request, year, form, status=error.status)
    messages.success(request, f"已保存：{target}。")
    return redirect(f"/targets/manage/?year={target.year}")


@page_required(TARGETS_MANAGE_PAGE)
def edit_target(request: HttpRequest, pk: int) -> HttpResponse:
    target = target_for(request.user, pk, write=True)
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            try:
                _save_from_form(request, form, target)
            except AppError as error:
                form.add_error(None, error.message)
                return _manage(request, target.year, form, status=error.status, editing=target)
            messages.success(request, f"已修改：{target}。")
            return redirect(f"/targets/manage/?year={target.year}")
        return _manage(request, target.year, form, status=400, editing=target)
    form = TargetForm(initial={
        "indicator": target.indicator.code, "unit": target.unit.code, "year": target.year, "kind": target.kind,
        "target_type": target.target_type, "value": target.value, "schedule_basis": target.schedule_basis,
        "responsible_unit": target.responsible_unit.code if target.responsible_unit else None,
        "source": target.source, "note": target.note,
    })
    return _manage(request, target.year, form, editing=target)


@page_required(TARGETS_MANAGE_PAGE)
@require_POST
def delete_target(request: HttpRequest, pk: int) -> HttpResponse:
    target = target_for(request.user, pk, write=True)
    year, text = target.year, str(target)
    services.delete_target(target, user=request.user)
    messages.success(request, f"已删除：{text}。")
    return redirect(f"/targets/manage/?year={year}")


@page_required(TARGETS_MANAGE_PAGE)
@require_POST
def choose_rules(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    code = request.POST.get("rule_set", "").strip()
    if not code:
        # A missing choice is not the default rule set: say so instead of changing anything.
        raise AppError(f"请选择{year}年要使用的预警规则后再保存。")
    services.choose_rule_set(year, code, request.user)
    messages.success(request, f"{year}年预警规则已改为：{rule_set(code).name}。")
    return redirect(safe_next_url(request, f"/targets/manage/?year={year}"))


@page_required(TARGETS_MANAGE_PAGE)
def template_download(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    response = HttpResponse(services.template_workbook(year),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=\"targets-template-{year}.xlsx\""
    return response


@page_required(TARGETS_MANAGE_PAGE)
@require_POST
@throttled("upload")
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    year = _year(request)
    if not form.is_valid():
        return _manage(request, year, TargetForm(initial={"year": year}), status=400)
    upload = form.cleaned_data["file"]
    try:
        result = services.import_targets(read_upload(upload), upload.name, request.user,
                                         include_hidden=form.cleaned_data["include_hidden"])
    except AppError as error:
        return render(request, "targets/import_error.html", {"error": error, "year": year, "file": upload.name},
                      status=error.status)
    messages.success(request, result.message)
    return redirect(f"/targets/manage/?year={year}")


@page_required(TARGETS_PAGE)
def share_page(request: HttpRequest) -> HttpResponse:
    """占全省比重目标: the growth differential needed each year, and whether the recent trend gets there."""
    form = ShareForm(request.GET or None)
    result = None
    error = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            result = queries.share_target(d["indicator"].code, d["unit"].code, target_share_pct=d["target"],
                                          by_year=d["by"], province_growth_pct=d["province_growth"],
                                          recent_years=d["recent"])
        except AppError as exc:
            error = exc
    chart = None
    if result is not None:
        p = result.path.path
        chart = {"years": [int(y) for y in p["year"]],
                 "required": [round(float(v), 3) for v in p["required_share_pct"]],
                 "trend": [None if pd.isna(v) else round(float(v), 3) for v in p["trend_share_pct"]]}
    return render(request, "targets/share.html", {"form": form, "result": result, "error": error,
                                                  "chart": chart})
