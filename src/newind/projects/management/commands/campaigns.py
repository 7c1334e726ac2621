"""`newind campaigns …`: the campaigns (专项活动) from the terminal.

load [--file definitions/projects/campaigns.yaml]
  Create or replace every campaign of the file with its county targets (audited; the office's, as an import).
show <code> [--as-of 2017-07-01] [--format table|json]
  Each county's targets, actuals and 完成率 (to min(ends_on, as_of)), and the summary once the campaign ended.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newind.accounts.access import COMMAND_LINE, PROJECT_CAMPAIGNS_PAGE, PROJECT_IMPORT_PAGE
from newind.core.errors import AppError, NotFound


def _fmt(v: Any, decimals: int = 0, unit: str = "") -> str:
    return "—" if v is None else f"{v:,.{decimals}f}{unit}"


class Command(BaseCommand):
    help = "专项活动：load（从 definitions/projects/campaigns.yaml 加载活动和各县市区目标）、show（完成情况和总结）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="加载专项活动定义（同一代码再次加载时整体替换）")
        load.add_argument("--file", help="定义文件，默认 definitions/projects/campaigns.yaml")
        show = sub.add_parser("show", help="某个专项活动各县市区的目标、完成数和完成率")
        show.add_argument("code", help="活动代码，如 zhaoshang-2017")
        show.add_argument("--as-of", help="统计截止日期，如 2017-07-01（默认今天）")
        show.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: object, **options: Any) -> None:
        from newind.projects.campaigns import campaign_progress, campaign_summary, load_campaigns
        from newind.projects.models import Campaign

        if options["action"] == "load":
            PROJECT_IMPORT_PAGE.require(COMMAND_LINE)
            loaded = load_campaigns(Path(options["file"]) if options["file"] else None, user=COMMAND_LINE)
            for c in loaded:
                self.stdout.write(f"已加载专项活动「{c.name}」（{c.code}，{c.starts_on}—{c.ends_on}），"
                                  f"{c.targets.count()} 个县市区目标" + ("【示例数据】" if c.is_synthetic else "") + "。")
            return
        PROJECT_CAMPAIGNS_PAGE.require(COMMAND_LINE)
        campaign = Campaign.objects.filter(code=options["code"]).first()
        if campaign is None:
            raise NotFound(f"没有代码为「{options['code']}」的专项活动：请先运行 newind campaigns load。")
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError:
            raise AppError(f"--as-of「{options['as_of']}」不是日期：请写成 2017-07-01。") from None
        progress = campaign_progress(campaign, as_of=as_of)
        summary = campaign_summary(campaign) if progress["ended"] else None
        if options["format"] == "json":
            self.stdout.write(json.dumps({"progress": progress, "summary": summary}, ensure_ascii=False, indent=2,
                                         default=str))
            return
        until = progress["counted_until"] or "（未开始）"
        self.stdout.write(f"{campaign.name}（{campaign.starts_on} 至 {until}；金额单位：万元）"
                          + ("【示例数据】" if campaign.is_synthetic else ""))
        self.stdout.write("\t".join(["县市区", "新开工目标", "新开工", "完成率", "新投产目标", "新投产", "完成率",
                                     "签约金额目标", "签约金额", "完成率"]))
        for r in progress["rows"]:
            cells = [r["name"]]
            for m, decimals in (("new_starts", 0), ("new_production", 0), ("signed_amount", 2)):
                cells += [_fmt(r[f"target_{m}"], decimals), _fmt(r[f"actual_{m}"], decimals),
                          _fmt(r[f"pct_{m}"], 1, "%")]
            self.stdout.write("\t".join(cells))
        for sentence in (summary or {}).get("sentences", []):
            self.stdout.write(sentence)
