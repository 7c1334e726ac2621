"""The benchmarking page: selectors, rank table, share trend, 标兵/追兵 charts and the narrative."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.accounts.access import BENCHMARK_PAGE, role_of
from newind.benchmark.queries import BenchmarkResult, benchmark, selector_options
from newind.core.errors import AppError

DEFAULTS = {"unit": "430600", "group": "hunan-14", "indicator": "gdp", "from": "2012", "to": "2016", "period": ""}


def require_benchmark_access(user: Any) -> None:
    """The one access check of benchmarking (the page and the API; the CLI runs as the operator).

    Benchmarking shows published statistics, so every business user (office, leaders, reporters,
    reviewers, enterprises) may see it; the 三员 (system, security administrator, auditor) and users
    without a role may not. Scope rules for unpublished figures would be hooked in here, and only here.
    """
    if not getattr(user, "is_authenticated", False):
        raise AppError("请先登录再查看对标分析。", status=401, code="unauthenticated")
    if not BENCHMARK_PAGE.allows(user):
        role = role_of(user)
        mine = f"您的角色（{role.label}）" if role else "您的账号尚未分配角色，"
        raise AppError(f"{mine}不能查看业务数据：对标分析仅对业务账号开放，如需访问请联系市新型工业化领导小组办公室。",
                       status=403, code="forbidden")


def benchmark_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require_benchmark_access(request.user)
    params = {k: (request.GET.get(k) or v).strip() for k, v in DEFAULTS.items()}
    if params["period"] and not (request.GET.get("from") or request.GET.get("to")):
        # A cumulative period alone (e.g. 2017-11) means that one year, not the default span.
        year = params["period"][:4]
        params["from"] = params["to"] = year
    options = selector_options(params["group"])
    notices = _fit_choices_to_group(params, options)
    context: dict[str, Any] = {"params": params, "options": options, "result": None, "error": None,
                               "notices": notices}
    try:
        result = benchmark(params["unit"], params["group"], params["indicator"], _year(params["from"], "起始"),
                           _year(params["to"], "截止"), params["period"] or None)
    except AppError as error:
        # Wrong choices are shown above the form so the user can correct them in place.
        context["error"] = error
        return render(request, "benchmark/page.html", context, status=error.status if error.status != 404 else 200)
    context.update(_page_context(result))
    return render(request, "benchmark/page.html", context)


def _fit_choices_to_group(params: dict[str, str], options: dict[str, Any]) -> list[str]:
    """After switching the peer group on the page, keep the unit and indicator only if they fit the new
    group: otherwise pick 岳阳市 (or the group's first member) and the first indicator with figures,
    and say so. The API and the CLI never guess; they answer with an error instead."""
    notices = []
    units = {u["code"]: u["name"] for u in options["units"]}
    if units and params["unit"] not in units:
        fallback = DEFAULTS["unit"] if DEFAULTS["unit"] in units else next(iter(units))
        notices.append(f"所选单位不在该对标组中，已改为「{units[fallback]}」。")
        params["unit"] = fallback
    indicators = {i["code"]: i["name"] for i in options["indicators"]}
    if indicators and params["indicator"] not in indicators:
        fallback = DEFAULTS["indicator"] if DEFAULTS["indicator"] in indicators else next(iter(indicators))
        notices.append(f"该对标组没有所选指标的数据，已改为「{indicators[fallback]}」。")
        params["indicator"] = fallback
    return notices


def _year(text: str, which: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise AppError(f"{which}年份「{text}」不是年份：请填写四位数字，例如 2016。") from None


def _page_context(result: BenchmarkResult) -> dict[str, Any]:
    data = result.as_dict()
    ind = data["indicator"]
    decimals = ind["decimals"]
    rows = []
    for y in data["years"]:
        rows.append({**y, "value_text": _fmt(y["value"], decimals),
                     "ahead_gap_text": _fmt(y["ahead"]["gap"], decimals) if y["ahead"] else "—",
                     "behind_gap_text": _fmt(y["behind"]["gap"], decimals) if y["behind"] else "—"})
    chart = {
        "years": [y["period"] for y in data["years"]],
        "unit": ind["measure_unit"],
        "gap_unit": data["gap_unit"],
        "decimals": decimals,
        "unit_name": data["unit"]["name"],
        "values": [y["value"] for y in data["years"]],
        "ranks": [y["rank"] for y in data["years"]],
        "ahead_gap": [y["ahead"]["gap"] if y["ahead"] else None for y in data["years"]],
        "ahead_name": [y["ahead"]["name"] if y["ahead"] else None for y in data["years"]],
        "behind_gap": [y["behind"]["gap"] if y["behind"] else None for y in data["years"]],
        "behind_name": [y["behind"]["name"] if y["behind"] else None for y in data["years"]],
        "share_group": [y["share_of_group_pct"] for y in data["years"]],
        "share_province": [y["share_of_province_pct"] for y in data["years"]],
        "share_labels": data["share_basis"],
        "province_series": data["province_column"].rstrip("%") + "比重",
    }
    return {"result": result, "data": data, "rows": rows, "chart": chart,
            "trend_labels": {k: TREND_LABELS.get(v, "—") for k, v in data["trend"].items() if k != "share_basis"}}


TREND_LABELS = {"rising": "上升", "falling": "下降", "stable": "基本稳定", "widening": "扩大",
                "narrowing": "缩小", None: "—"}


def _fmt(value: float | None, decimals: int) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"
