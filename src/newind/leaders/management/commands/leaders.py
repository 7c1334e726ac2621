"""`newind leaders show --period 2017Q3 [--format table|json]`: the leaders' responsibility table."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from newind.leaders.queries import as_json


class Command(BaseCommand):
    help = "主要领导履责（亲自部署、亲自调度、亲自负责）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="按期别列出各单位主要负责人的履责记录")
        show.add_argument("--period", required=True, help="期别，如 2017-09、2017Q3、2017")
        show.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        data = as_json(options["period"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(f"{data['period_label']} 主要领导履责")
        for h in data["heads"]:
            self.stdout.write(h["summary"])
        if not data["heads"]:
            self.stdout.write("尚未登记各单位主要负责人。")
