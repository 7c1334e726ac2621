"""`newind benchmark --unit 430600 --group hunan-14 --indicator gdp --from 2012 --to 2016 [--format table|json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newind.accounts.access import COMMAND_LINE, benchmark_for
from newind.benchmark.queries import BenchmarkResult, benchmark
from newind.indicators.sources import sources_text

TREND_WORDS = {"rising": "上升", "falling": "下降", "stable": "基本稳定", "widening": "扩大", "narrowing": "缩小"}


class Command(BaseCommand):
    help = "对标分析：某单位在对标组内某指标的逐年位次、占比、与标兵和追兵的差距及文字分析。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="单位代码，如 430600（岳阳市）")
        parser.add_argument("--group", required=True, help="对标组代码，如 hunan-14")
        parser.add_argument("--indicator", required=True, help="指标代码，如 gdp")
        parser.add_argument("--from", dest="year_from", type=int, help="起始年份，如 2012")
        parser.add_argument("--to", dest="year_to", type=int, help="截止年份，如 2016")
        parser.add_argument("--period", help="累计时期，如 2017-11 表示各年1—11月；不填为年度数据")
        parser.add_argument("--format", choices=["table", "json"], default="table", help="输出格式，默认 table")

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_for(COMMAND_LINE)
        result = benchmark(options["unit"], options["group"], options["indicator"], options["year_from"],
                           options["year_to"], options["period"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(result))


def _cell(value: float | None, decimals: int) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def render_table(result: BenchmarkResult) -> str:
    """A readable Chinese table (fixed-width, CJK counted double) followed by the narrative."""
    data = result.as_dict()
    ind = data["indicator"]
    d = ind["decimals"]
    unit, gap_unit = ind["measure_unit"], data["gap_unit"]
    head = ["时期", f"数值（{unit}）", "位次", "有数据", "占组合计%", data["province_column"],
            "标兵", f"差距（{gap_unit}）", "追兵", f"领先（{gap_unit}）"]
    shares = bool(data["share_basis"])
    if not shares:  # rates and ratios: no shares, so no share columns
        head = head[:4] + head[6:]
    rows = [head]
    for y in data["years"]:
        place = "—" if y["rank"] is None else f"{'并列' if y['tied'] else ''}第{y['rank']}位"
        share_cells = [_cell(y["share_of_group_pct"], 2), _cell(y["share_of_province_pct"], 2)] if shares else []
        rows.append([
            y["period"], _cell(y["value"], d), place, f"{y['reported']}/{y['group_size']}", *share_cells,
            y["ahead"]["name"] if y["ahead"] else "—", _cell(y["ahead"]["gap"], d) if y["ahead"] else "—",
            y["behind"]["name"] if y["behind"] else "—", _cell(y["behind"]["gap"], d) if y["behind"] else "—",
        ])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    lines = [f"{data['unit']['name']} · {data['group']['name']} · {ind['name']}（{unit}）· {data['period']['span']}"]
    if data["synthetic"]:
        lines[0] += " · 示例数据"
    for r in rows:
        lines.append("  ".join(_pad(c, w, i == 0) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    t = data["trend"]
    lines.append("")
    trends = [("占比", t["share"])] if data["share_basis"] else []
    trends += [("与标兵差距", t["gap_ahead"]), ("对追兵领先", t["gap_behind"])]
    lines.append("趋势：" + "；".join(f"{what}{TREND_WORDS.get(v or '', '—')}" for what, v in trends))
    lines.append("")
    lines.append("分析：")
    lines += [f"  {s}" for s in data["narrative"]]
    lines.append("")
    lines.append("来源：" + sources_text(data["sources"], "本平台数据库"))
    lines.append("发布类型：" + "、".join(r["label"] for r in data["releases"]))
    for basis, label in data["share_basis"].items():
        lines.append(f"说明：{'占组合计%' if basis == 'share_of_group_pct' else data['province_column']} = {label}")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text
