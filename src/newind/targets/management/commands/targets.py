"""`newind targets share|progress|warnings|rules` — the share target, progress and lights from the CLI."""

from __future__ import annotations

import math
from typing import Any

from django.core.management.base import CommandParser

from newind.accounts.access import COMMAND_LINE, target_units_in_scope
from newind.audit.commands import AuditedCommand
from newind.core.errors import AppError
from newind.core.numbers import fmt_number, fmt_range
from newind.indicators.periods import Period, resolve_period
from newind.indicators.queries import office_month
from newind.targets.queries import share_target, target_progress, warning_list
from newind.targets.rules import rule_set, rule_sets


def _f(x: object, d: int = 1) -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    return "—" if math.isnan(v) else f"{v:,.{d}f}"


class Command(AuditedCommand):
    help = ("目标任务：share 计算占全省比重目标所需的增速差；progress 列出目标完成进度与灯色；"
            "warnings 列出预警清单及较上期变化；rules 列出可选的预警规则。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["share", "progress", "warnings", "rules"])
        parser.add_argument("--indicator", action="append", help="指标代码，如 gdp（share 只取第一个）")
        parser.add_argument("--unit", action="append", help="单位代码，如 430600")
        parser.add_argument("--target", type=float, help="share：目标占比（%%），如 12")
        parser.add_argument("--by", type=int, help="share：目标年份，如 2020")
        parser.add_argument("--province", default="430000", help="share：全省代码，默认 430000")
        parser.add_argument("--province-growth", type=float,
                            help="share：假设全省今后每年增长（%%，与数据同口径）；不填按全省近几年平均增速")
        parser.add_argument("--recent", type=int, default=3, help="share：看近几年的趋势，默认 3")
        parser.add_argument("--period", help="progress/warnings：时期，如 2017-03；不填为最新一期（与网页相同）")
        parser.add_argument("--rules", help="progress/warnings：预警规则代码，不填按当年设置")

    def handle(self, *args: Any, **options: Any) -> None:
        target_units_in_scope(COMMAND_LINE)  # the command line reads every unit's targets
        getattr(self, f"_{options['action']}")(options)

    def _share(self, o: dict[str, Any]) -> None:
        if not (o["indicator"] and o["unit"] and o["target"] is not None and o["by"]):
            raise AppError("请同时给出 --indicator、--unit、--target 和 --by，如 --indicator gdp --unit 430600 "
                           "--target 12 --by 2020。")
        r = share_target(o["indicator"][0], o["unit"][0], target_share_pct=o["target"], by_year=o["by"],
                         province_code=o["province"], province_growth_pct=o["province_growth"],
                         recent_years=o["recent"])
        p = r.path
        w = self.stdout.write
        w(f"{r.unit.name}「{r.indicator.name}」占{r.province.name}比重目标：{p.by_year}年达到{p.target_share_pct:g}%"
          f"（数据{r.years[0]}—{r.years[-1]}年，{r.indicator.measure_unit}，现价；"
          f"来源：{r.source}{'；示例数据' if r.is_synthetic else ''}）\n")
        assumed = "按全省近几年平均增速假设" if r.province_growth_assumed else "按给定假设"
        w(f"全省今后每年增长 {p.province_growth_pct:.2f}%（{assumed}，名义增速，与总量同口径）。\n")
        w(f"{p.message}\n\n")
        w(f"{'年份':<8}{'需达到的占比%':>14}{'按近期趋势的占比%':>18}\n")
        for _, row in p.path.iterrows():
            w(f"{int(row['year']):<8}{_f(row['required_share_pct'], 2):>14}{_f(row['trend_share_pct'], 2):>18}\n")

    def _period(self, o: dict[str, Any]) -> Period:
        """The period asked for, else the office's latest month — as the web page and the dashboard do."""
        return resolve_period(o["period"] or None, office_month(), kind=None,
                              what="目标任务或本年度数据（可用 --period 指定时期，如 --period 2017-03）")

    def _progress(self, o: dict[str, Any]) -> None:
        period = self._period(o)
        rules = rule_set(o["rules"]) if o["rules"] else None
        f = target_progress(period, unit_codes=o["unit"], indicator_codes=o["indicator"], rules=rules)
        if f.empty:
            raise AppError(f"{period.year}年没有目标任务：请先录入或导入目标。")
        self.stdout.write(f"{period.label} 目标完成进度（规则：{f['rule_set'].iloc[0]}）\n")
        for _, r in f.iterrows():
            if r["vs_target_text"]:  # a rate or ratio: the actual against the target, in points
                progress = f"{r['vs_target_text']} "
            else:
                progress = (f"目标{_f(r['target_value'], 2)} 至今{fmt_number(r['actual'], 2, r['measure_unit'])} "
                            f"完成{fmt_number(r['completion_pct'], 1, '%')} 进度{fmt_number(r['schedule_pct'], 1, '%')} ")
            self.stdout.write(
                f"[{r['light_label']}] {r['unit_name']} {r['indicator_name']}{r['target_kind_label']} {progress}"
                f"预计全年{_f(r['forecast'], 2)}（{fmt_range(r['forecast_lower'], r['forecast_upper'], 2)}）："
                f"{r['light_reason']}{' · 示例数据' if r['is_synthetic'] else ''}\n")

    def _warnings(self, o: dict[str, Any]) -> None:
        period = self._period(o)
        rules = rule_set(o["rules"]) if o["rules"] else None
        f = warning_list(period, unit_codes=o["unit"], indicator_codes=o["indicator"], rules=rules)
        self.stdout.write(f"{period.label} 预警清单（{len(f)} 项，红灯 {int((f['light'] == 'red').sum())} 项，"
                          f"黄灯 {int((f['light'] == 'yellow').sum())} 项）\n")
        for _, r in f.iterrows():
            self.stdout.write(f"[{r['light_label']}·{r['change']}] {r['unit_name']} {r['indicator_name']}"
                              f"{r['target_kind_label']}：{r['light_reason']}；责任单位："
                              f"{r['responsible_unit_name'] or r['unit_name']}\n")

    def _rules(self, o: dict[str, Any]) -> None:
        for code, rs in rule_sets().items():
            self.stdout.write(f"{code}：{rs.name}（{len(rs.rules)} 条规则）\n")
