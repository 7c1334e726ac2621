"""`newind projects …`: the major projects from the terminal.

portfolio --period 2017-06 [--format table|json] [--publish]
  The portfolio figures of every county and park (签约、开工率、投资完成率、竣工投产率、履约率、资金到位率、
  立项转化率、产业契合度, the investment bands and the quota check); --publish writes the month's figures into
  the spine (a new version where they changed).
league --period 2017-06 [--scheme projects-saima] [--format table|json]
  The county 赛马 league table: item points, deductions, bonus, total, rank, 进位/退位 and the commentary.
import FILE [--apply]
  The office's project workbook (项目库): prints the plan (new projects, changed fields, unchanged ones);
  --apply writes it in one transaction (nothing at all when a cell is wrong).

(Other parts of the app add their own subcommands here.)
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newind.accounts.access import COMMAND_LINE, PROJECT_IMPORT_PAGE, PROJECT_LEAGUE_PAGE


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    return f"{v:,.2f}{unit}" if isinstance(v, float) else f"{v}{unit}"


class Command(BaseCommand):
    help = "重大项目：portfolio（县市区和园区组合指标）、league（县市区项目赛马排名）、import（导入项目库）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pf = sub.add_parser("portfolio", help="县市区和园区的重大项目组合指标（1—N月累计）")
        pf.add_argument("--period", required=True, help="期别：2017-06（1—6月）、2017Q2（1—2季度）或 2017（全年）")
        pf.add_argument("--format", choices=["table", "json"], default="table")
        pf.add_argument("--publish", action="store_true", help="把该月的组合指标写入指标库（有变化的写新版本）")
        lg = sub.add_parser("league", help="县市区重大项目赛马排名")
        lg.add_argument("--period", required=True, help="期别：2017-06、2017Q2 或 2017")
        lg.add_argument("--scheme", default="projects-saima", help="赛马方案代码（definitions/schemes/）")
        lg.add_argument("--format", choices=["table", "json"], default="table")
        im = sub.add_parser("import", help="导入项目库（Excel，每个项目一行）：默认只预览，--apply 才写入")
        im.add_argument("file", help="项目库文件（.xlsx 或 .csv）")
        im.add_argument("--apply", action="store_true", help="确认写入（不加时只打印导入计划）")

    def handle(self, *args: object, **options: Any) -> None:
        if options["action"] == "import":
            PROJECT_IMPORT_PAGE.require(COMMAND_LINE)
            self._import(options)
            return
        PROJECT_LEAGUE_PAGE.require(COMMAND_LINE)
        if options["action"] == "portfolio":
            self._portfolio(options)
        elif options["action"] == "league":
            self._league(options)

    def _portfolio(self, options: dict[str, Any]) -> None:
        from newind.indicators.periods import PeriodKind
        from newind.projects.portfolio import as_period, portfolio
        from newind.projects.spine import publish_portfolio

        period = as_period(options["period"])
        data = portfolio(period)
        if options["publish"]:
            if period.kind != PeriodKind.MONTH_CUM:
                from newind.core.errors import AppError

                raise AppError("组合指标按月（1—N月累计）写入指标库：请用 --period 2017-06 这样的月份。")
            written = publish_portfolio(period, user=COMMAND_LINE)
            data["published"] = written
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{data['period_label']}重大项目组合指标（金额单位：万元；来源：{data['source']}）"
                          + ("【示例数据】" if data["synthetic"] else ""))
        head = ["代码", "名称", "签约个数", "签约金额", "开工率", "投资完成率", "竣工投产率", "履约率", "资金到位率",
                "立项转化率", "产业契合度", *[b["label"] for b in data["bands"]], "引进指标", "一票否决"]
        self.stdout.write("\t".join(head))
        for u in data["units"]:
            quota = "—" if u["quota_met"] is None else ("完成" if u["quota_met"] else "未完成")
            self.stdout.write("\t".join([
                u["code"], u["name"], str(u["signed_count"]), _fmt(u["signed_amount"]),
                *[_fmt(u[c], "%") for c in ("started_rate_pct", "investment_completion_pct",
                                            "completed_production_rate_pct", "performance_rate_pct",
                                            "funds_in_place_pct", "conversion_rate_pct", "industry_fit_pct")],
                *[str(u["bands"][b["code"]]) for b in data["bands"]], quota, "是" if u["veto"] else "否"]))
        if options["publish"]:
            self.stdout.write(f"已写入指标库 {data['published']} 个数据（未变化的不重复写入）。")

    def _league(self, options: dict[str, Any]) -> None:
        from newind.projects.league import league_table

        data = league_table(options["period"], options["scheme"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{data['period_label']}{data['scheme_name']}（方案 {data['scheme']} 第{data['scheme_version']}版）"
                          + ("【示例数据】" if data["synthetic"] else ""))
        labels = [i["label"] for i in data["units"][0]["items"]] if data["units"] else []
        self.stdout.write("\t".join(["名次", "进退位", "代码", "名称", *labels, "扣分", "加分", "总分"]))
        for u in data["units"]:
            change = u["rank_change"]
            move = "—" if change is None else (f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "0")
            self.stdout.write("\t".join([_fmt(u["rank"]), move, u["code"], u["name"],
                                         *[_fmt(i["points"]) for i in u["items"]],
                                         f"-{u['deductions']:.2f}", f"+{u['bonus']:.2f}", _fmt(u["total"])]))
        for sentence in data["narrative"]:
            self.stdout.write(sentence)

    def _import(self, options: dict[str, Any]) -> None:
        from pathlib import Path

        from newind.projects.registry import apply_project_import, import_project_file

        preview, _ = import_project_file(Path(options["file"]), COMMAND_LINE, dry_run=True)
        self.stdout.write(f"项目库「{preview.file_name}」导入计划：{preview.summary()}")
        for n in preview.notes:
            self.stdout.write(n)
        for a in preview.added_lines(None):
            self.stdout.write(f"新增\t{a['code']}\t{a['name']}\t{a['county']}\t{a['stage']}\t总投资 {a['total']} 万元")
        for c in preview.change_lines(None):
            self.stdout.write(f"变更\t{c['code']}\t{c['name']}\t{c['field']}\t{c['old']} → {c['new']}")
        if not options["apply"]:
            if not preview.is_noop:
                self.stdout.write("以上为预览，未写入任何内容：确认无误后加 --apply 写入。")
            return
        batch = apply_project_import(preview, COMMAND_LINE)
        if batch is None:
            self.stdout.write("项目档案均未变化，未写入任何内容。")
        else:
            self.stdout.write(f"已写入：项目导入批次 #{batch.pk}，新增 {batch.added} 个，变更 {batch.changed} 个，"
                              f"未变 {batch.unchanged} 个。")
