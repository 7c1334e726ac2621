"""`newind policies load [FILE …]`: load policies from definitions/policies/*.yaml (all or nothing).
`newind policies match --firm CODE --year 2017 [--format json|table]`: the policies a firm qualifies for,
those it needs to supply data for and those it misses, each criterion with its reason.
`newind policies eligible --policy CODE --year 2017 [--format json|table]`: the firms that qualify and
those close to it (only "?" or exactly one criterion missed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from newind.accounts.access import COMMAND_LINE, policy_eligible_for, policy_for, policy_matches_for
from newind.audit.commands import AuditedCommand
from newind.core.errors import NotFound
from newind.policies import queries, services


class Command(AuditedCommand):
    help = "惠企政策：载入政策定义，查询企业符合哪些政策、政策有哪些企业符合（逐条说明理由）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        load = sub.add_parser("load", help="载入 definitions/policies/*.yaml（或给出的文件）中的政策")
        load.add_argument("files", nargs="*", help="政策定义文件（YAML），默认 definitions/policies/*.yaml")
        match = sub.add_parser("match", help="一家企业符合、待补充和不符合的政策")
        match.add_argument("--firm", required=True, help="企业的统一社会信用代码（或单位代码）")
        match.add_argument("--year", type=int, required=True, help="数据年度，如 2017")
        match.add_argument("--format", choices=["json", "table"], default="table", help="输出格式，默认 table")
        eligible = sub.add_parser("eligible", help="一项政策的符合企业和接近符合的企业")
        eligible.add_argument("--policy", required=True, help="政策代码")
        eligible.add_argument("--year", type=int, required=True, help="数据年度，如 2017")
        eligible.add_argument("--format", choices=["json", "table"], default="table", help="输出格式，默认 table")

    def handle(self, *args: Any, **options: Any) -> None:
        {"load": self._load, "match": self._match, "eligible": self._eligible}[options["subcommand"]](options)

    def _load(self, options: dict[str, Any]) -> None:
        files = [Path(f) for f in options["files"]] or None
        result = services.load_definitions(files, user=COMMAND_LINE)
        self.stdout.write(result.summary())

    def _match(self, options: dict[str, Any]) -> None:
        from newind.enterprises.models import EnterpriseProfile

        code = str(options["firm"]).strip().upper()
        profile = EnterpriseProfile.objects.filter(unit__code__iexact=code).first() or \
            EnterpriseProfile.objects.filter(credit_code=code).first()
        if profile is None:
            raise NotFound(f"未找到统一社会信用代码为「{code}」的企业：请检查代码。")
        profile = policy_matches_for(COMMAND_LINE, profile.unit_id)
        year = int(options["year"])
        matches = queries.matches_for_firm(profile.unit_id, year)
        groups = {k: [m.as_dict() for m in matches if m.outcome in outcomes] for k, outcomes in
                  (("qualified", ("qualified",)), ("to_supply", ("unknown",)), ("missed", ("close", "missed")))}
        if options["format"] == "json":
            self.stdout.write(json.dumps({"firm": {"code": profile.unit.code, "credit_code": profile.credit_code,
                                                   "name": profile.unit.name}, "year": year, **groups},
                                         ensure_ascii=False))
            return
        self.stdout.write(f"{profile.unit.name}（{profile.credit_code}），{year}年数据")
        titles = {"qualified": "符合的政策", "to_supply": "待补充数据或材料的政策", "missed": "不符合的政策"}
        for key, title in titles.items():
            self.stdout.write(f"\n{title}（{len(groups[key])}项）")
            for m in groups[key]:
                self.stdout.write(f"- {m['title']}［{m['code']}］{m['delivery']}")
                for c in m["criteria"]:
                    self.stdout.write(f"    {c['reason']}")

    def _eligible(self, options: dict[str, Any]) -> None:
        policy = policy_eligible_for(COMMAND_LINE, policy_for(COMMAND_LINE, str(options["policy"])))
        year = int(options["year"])
        firms = queries.eligible_firms(policy, year)
        qualified = [f.as_dict() for f in firms if f.outcome == "qualified"]
        close = [f.as_dict() for f in firms if f.outcome != "qualified"]
        if options["format"] == "json":
            self.stdout.write(json.dumps({"policy": {"code": policy.code, "title": policy.title,
                                                     "doc_number": policy.doc_number}, "year": year,
                                          "qualified": qualified, "close": close}, ensure_ascii=False))
            return
        self.stdout.write(f"{policy.title}［{policy.code}］，{year}年数据：符合 {len(qualified)} 家，接近符合 {len(close)} 家")
        for title, rows in (("符合的企业", qualified), ("接近符合的企业（仅缺数据或差一项）", close)):
            self.stdout.write(f"\n{title}")
            for f in rows:
                self.stdout.write(f"- {f['name']}（{f['code']}，{f['county']}）{f['outcome_label']}")
                for c in f["criteria"]:
                    if c["mark"] != "✓":
                        self.stdout.write(f"    {c['reason']}")
