"""The benchmarking page: selectors, rank table, share trend, 标兵/追兵 charts and the narrative."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from newind.accounts.access import benchmark_for
from newind.audit.services import record
from newind.benchmark.queries import BenchmarkResult, benchmark, selector_options
from newind.core import readcache
from newind.core.errors import AppError
from newind.core.office import office
from newind.core.xlsx import ExportSheet, export_workbook, xlsx_response


def defaults() -> dict[str, str]:
    """What the page opens with: the office's city, peer group, indicator and years (definitions/office.yaml)."""
    ident = office()
    return {"unit": ident.city.code, "group": ident.benchmark.group, "indicator": ident.benchmark.indicator,
            "from": str(ident.benchmark.from_year), "to": str(ident.benchmark.to_year), "period": ""}


def benchmark_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    benchmark_for(request.user)
    params = {k: (request.GET.get(k) or v).strip() for k, v in defaults().items()}
    if params["period"] and not (request.GET.get("from") or request.GET.get("to")):
        # A cumulative period alone (e.g. 2017-11) means that one year, not the default span.
        year = params["period"][:4]
        params["from"] = params["to"] = year
    # Options and results are the same for every business user: kept per process and data stamp.
    stamp = readcache.data_stamp()
    options = readcache.memoised("benchmark.options", params["group"], lambda: selector_options(params["group"]),
                                 stamp)
    notices = _fit_choices_to_group(params, options)
    context: dict[str, Any] = {"params": params, "options": options, "result": None, "error": None,
                               "notices": notices}
    try:
        context.update(readcache.memoised("benchmark.page", tuple(sorted(params.items())),
                                          lambda: _page_context(_benchmark(params)), stamp))
    except AppError as error:
        # Wrong choices are shown above the form so the user can correct them in place.
        context["error"] = error
        body = render_to_string("benchmark/_body.html", context)
        return render(request, "benchmark/page.html", {"body": mark_safe(body), "result": None},  # noqa: S308
                      status=error.status if error.status != 404 else 200)
    context["export_query"] = urlencode(params)
    # The rendered body too (the ranking tables are most of a cached visit's time): per choices and stamp.
    body = readcache.fragment(request, "benchmark", (tuple(sorted(params.items())), tuple(notices)),
                              "benchmark/_body.html", lambda: context, stamp)
    return render(request, "benchmark/page.html", {"body": body, "result": context["result"]})


def _benchmark(params: dict[str, str]) -> BenchmarkResult:
    return benchmark(params["unit"], params["group"], params["indicator"], _year(params["from"], "起始"),
                     _year(params["to"], "截止"), params["period"] or None)


def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The benchmark as shown (same parameters) in Excel: the yearly ranks and gaps, and each year's full
    ranking, with unit, period and source on every sheet; audited as an export."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    benchmark_for(request.user)
    params = {k: (request.GET.get(k) or v).strip() for k, v in defaults().items()}
    if params["period"] and not (request.GET.get("from") or request.GET.get("to")):
        params["from"] = params["to"] = params["period"][:4]
    result = benchmark(params["unit"], params["group"], params["indicator"], _year(params["from"], "起始"),
                       _year(params["to"], "截止"), params["period"] or None)
    data = result.as_dict()
    ind, unit, group = data["indicator"], data["unit"], data["group"]
    sources = "；".join(data["sources"]) + ("（含示例数据）" if data["synthetic"] else "")
    about = [f"单位：{ind['measure_unit']}（差距单位：{data['gap_unit']}）", f"时期：{data['period']['span']}",
             f"对标组：{group['name']}（{group['size']}个成员）", f"来源：{sources}"]
    share = bool(data["share_basis"])
    header = ["时期", f"{unit['name']}数值（{ind['measure_unit']}）", "位次", "有数据单位数"]
    header += [data["province_column"], "占组内合计%"] if share else []
    header += ["标兵（前一位）", f"差距（{data['gap_unit']}）", "追兵（后一位）", f"领先（{data['gap_unit']}）"]
    rows = []
    for y in data["years"]:
        row: list[Any] = [y["period"], y["value"], _rank_text(y["rank"], y["tied"]), f"{y['reported']}/{y['group_size']}"]
        row += [y["share_of_province_pct"], y["share_of_group_pct"]] if share else []
        for side in ("ahead", "behind"):
            other = y[side]
            row += [f"第{other['rank']}位 {other['name']}", other["gap"]] if other else ["—", None]
        rows.append(row)
    full = [[y["period"], _rank_text(r["rank"], r["tied"]), r["name"], r["code"], r["value"], r["share_of_group_pct"]]
            for y in data["years"] for r in y["ranking"]]
    title = f"{unit['name']} · {group['name']} · {ind['name']}"
    workbook = export_workbook([
        ExportSheet("逐年位次", f"{title}：逐年位次与标兵、追兵", about, header, rows),
        ExportSheet("各年完整排名", f"{title}：各年完整排名", about,
                    ["时期", "位次", "单位", "代码", f"数值（{ind['measure_unit']}）", "占组内合计%"], full,
                    frozenset({3})),
    ])
    record("export", user=request.user, request=request, object_type="benchmark",
           summary=f"导出对标分析 Excel：{title}（{data['period']['span']}）",
           after={"params": params, "rows": len(rows)})
    return xlsx_response(workbook, f"benchmark_{unit['code']}_{group['code']}_{ind['code']}_{params['from']}-{params['to']}.xlsx")


def _rank_text(rank: int | None, tied: bool) -> str:
    return "—" if rank is None else ("并列" if tied else "") + f"第{rank}位"


def _fit_choices_to_group(params: dict[str, str], options: dict[str, Any]) -> list[str]:
    """After switching the peer group on the page, keep the unit and indicator only if they fit the new
    group: otherwise pick 岳阳市 (or the group's first member) and the first indicator with figures,
    and say so. The API and the CLI never guess; they answer with an error instead."""
    notices = []
    units = {u["code"]: u["name"] for u in options["units"]}
    if units and params["unit"] not in units:
        fallback = office().city.code if office().city.code in units else next(iter(units))
        notices.append(f"所选单位不在该对标组中，已改为「{units[fallback]}」。")
        params["unit"] = fallback
    indicators = {i["code"]: i["name"] for i in options["indicators"]}
    if indicators and params["indicator"] not in indicators:
        wanted = office().benchmark.indicator
        fallback = wanted if wanted in indicators else next(iter(indicators))
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
