"""`newind assessment run --year 2017 --scheme FILE_OR_CODE [--kind county|park|department] [--format table|json]`
and `newind assessment review --quarter 2017Q3 …`: the annual assessment and the quarterly review, on the
same code path as the pages (assessment.queries). `--save` stores the result as a new version (草案)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.management.base import BaseCommand

from newind.assessment import queries, services
from newind.assessment.schemes import load_scheme
from newind.core.errors import AppError


def _quarter(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*[Qq季]\s*([1-4])\s*", text or "")
    if not match:
        raise AppError(f"季度「{text}」格式不对：请写成 2017Q3。")
    return int(match.group(1)), int(match.group(2))


class Command(BaseCommand):
    help = "考核评价：年度考核（run）与季度讲评（review）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, helptext in (("run", "按方案计算年度考核"), ("review", "按方案生成季度讲评")):
            p = sub.add_parser(name, help=helptext)
            if name == "run":
                p.add_argument("--year", type=int, required=True, help="考核年度，如 2017")
            else:
                p.add_argument("--quarter", required=True, help="季度，如 2017Q3")
            p.add_argument("--scheme", default=None, help="考核方案代码或 YAML 文件路径")
            p.add_argument("--kind", choices=["county", "park", "department"], default=None, help="考核对象")
            p.add_argument("--format", choices=["table", "json"], default="table")
            p.add_argument("--save", action="store_true", help="保存为新版本（草案），供公示和发布")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["scheme"] and not options["kind"]:
            raise AppError("请用 --scheme 指定考核方案，或用 --kind 指定考核对象（county、park、department）。")
        scheme = load_scheme(options["scheme"], kind=options["kind"])
        if options["action"] == "run":
            year, quarter = options["year"], None
        else:
            year, quarter = _quarter(options["quarter"])
        if options["save"]:
            saved = services.run(scheme, year, quarter=quarter, user=None)
            data = saved.result
        elif quarter is None:
            _, data = queries.assessment(scheme, year)
        else:
            data = queries.review(scheme, year, quarter)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(f"{data['period_label']} {data['scheme']['name']}（{data['scheme']['code']} "
                          f"第{data['scheme']['version']}版）")
        for u in data["units"]:
            change = f"  {u['rank_change_text']}" if "rank_change_text" in u else ""
            rank = "—" if u["rank"] is None else u["rank"]
            total = "—" if u["total"] is None else f"{u['total']:.2f}"
            grade = u["grade_label"] or "—"
            veto = "  一票否决" if u["veto"] else ""
            self.stdout.write(f"{rank:>3}  {u['name']}  {total}  {grade}{change}{veto}")
        for line in data.get("commentary", []):
            self.stdout.write(line)
        for talk in data.get("interview", []):
            self.stdout.write(f"约谈：{talk['name']}（{talk['rule']}）")
