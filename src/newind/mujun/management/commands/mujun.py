"""`newind mujun evaluate|bench`: the 亩均 evaluation from the terminal.

evaluate --year 2017 --scope 430600 [--scheme mujun-default] [--format table|json] --frame FILE
  The input is a frame file (CSV/XLSX, one row per firm) until the enterprise registry is merged;
  without --frame the command reads the registry and says so if it is not there.
bench [--firms 20000]
  Evaluates synthetic firms in memory and prints the compute times; the last line is one JSON object.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandParser

from newind.mujun.calc import evaluation_document, evaluation_table
from newind.mujun.queries import frame_from_file, in_scope, registry_frame
from newind.scoring.schemes import load_scheme


class Command(BaseCommand):
    help = "亩均效益综合评价：evaluate（按方案评价并输出结果）、bench（合成企业的计算用时）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="评价一个年度、一个范围内的企业")
        ev.add_argument("--year", type=int, required=True, help="评价年度，如 2017")
        ev.add_argument("--scope", required=True, help="范围：全市 430600、县市区代码或园区代码")
        ev.add_argument("--scheme", default="mujun-default", help="评价方案代码（definitions/schemes/）")
        ev.add_argument("--scheme-version", type=int, help="方案版本（默认最新）")
        ev.add_argument("--format", choices=["table", "json"], default="table")
        ev.add_argument("--frame", help="评价数据文件（CSV/XLSX，每行一家企业）；企业名录合入前必填")
        bench = sub.add_parser("bench", help="合成企业评价的计算用时")
        bench.add_argument("--firms", type=int, default=20_000)
        bench.add_argument("--scheme", default="mujun-default")
        bench.add_argument("--repeat", type=int, default=3, help="重复次数，报告最快一次")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "bench":
            self._bench(int(str(options["firms"])), str(options["scheme"]), int(str(options["repeat"])))
            return
        scheme = load_scheme(str(options["scheme"]), options.get("scheme_version"))  # type: ignore[arg-type]
        year, scope = int(str(options["year"])), str(options["scope"])
        if options.get("frame"):
            frame = in_scope(frame_from_file(str(options["frame"]), scheme, year=year), scope)
        else:
            frame = registry_frame(year, scope, scheme)
        doc = evaluation_document(frame, scheme, year=year, scope=scope)
        if options["format"] == "json":
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(evaluation_table(doc))

    def _bench(self, firms: int, scheme_code: str, repeat: int) -> None:
        from newind.mujun.synthetic import synthetic_frame
        from newind.scoring.calc import evaluate
        from newind.scoring.whatif import increase_to_next_class

        scheme = load_scheme(scheme_code)
        t = time.perf_counter()
        frame = synthetic_frame(firms)
        build = time.perf_counter() - t
        self.stdout.write(f"合成 {firms:,} 家示例数据企业：{build:.2f} 秒；方案 {scheme.label}，重复 {repeat} 次取最快。")
        timings: dict[str, list[float]] = {"evaluate": [], "what_it_would_take": [], "json_document": []}
        for _ in range(max(repeat, 1)):
            t = time.perf_counter()
            ev = evaluate(frame, scheme)
            timings["evaluate"].append(time.perf_counter() - t)
            t = time.perf_counter()
            increase_to_next_class(ev)
            timings["what_it_would_take"].append(time.perf_counter() - t)
            t = time.perf_counter()
            doc = evaluation_document(frame, scheme, year=2017, scope="synthetic", evaluation=ev)
            timings["json_document"].append(time.perf_counter() - t)
        best = {k: round(min(v), 4) for k, v in timings.items()}
        for k, v in best.items():
            self.stdout.write(f"  {k}: {v:.3f} 秒")
        summary = {"bench": "mujun", "firms": firms, "scheme": scheme.code, "rated": len(doc["firms"]),
                   "not_rated": len(doc["not_rated"]), "class_counts": doc["class_counts"],
                   "seconds": best, "seconds_compute": round(best["evaluate"] + best["what_it_would_take"], 4)}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
