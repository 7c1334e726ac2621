"""`newind mujun evaluate|bench`: the 亩均 evaluation from the terminal.

evaluate --year 2017 --scope 430600 [--scheme mujun-default] [--format table|json] [--frame FILE] [--flags FILE] [--save]
  Without --frame the input is the enterprise registry and the spine's annual figures, with the year's
  stored flags; --frame takes a frame file (CSV/XLSX, one row per firm) instead. --flags takes the year's
  否决/保护/不参评 flags (统一社会信用代码, 年度, 标记, 原因), overriding the stored ones. --save stores the
  evaluation as a new version (state 企业填报).
flags import FILE
  Store the flags of a file (统一社会信用代码, 年度, 标记, 原因): all or nothing, every bad cell named.
bench [--firms 20000] [--repeat 3]
  Synthetic firms (示例数据): reads them back from a CSV frame file, evaluates them in memory, computes
  what it would take and builds the JSON document, printing the best time of each step; the last line
  is one JSON object. No database is involved (the results are not stored yet).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from newind.core.errors import AppError
from newind.mujun.calc import evaluation_document, evaluation_table
from newind.mujun.queries import apply_flags, flags_from_file, frame_from_file, in_scope, registry_frame
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
        ev.add_argument("--flags", help="年度标记文件（统一社会信用代码、年度、标记、原因；标记为 否决/保护/不参评）")
        ev.add_argument("--save", action="store_true",
                        help="保存为一个新的评价版本（企业填报阶段），供页面、公示和异议流程使用")
        flags = sub.add_parser("flags", help="年度标记（否决/保护/不参评）")
        flags_sub = flags.add_subparsers(dest="flags_action", required=True)
        fi = flags_sub.add_parser("import", help="导入标记文件（统一社会信用代码、年度、标记、原因），全部正确才写入")
        fi.add_argument("file")
        bench = sub.add_parser("bench", help="合成企业评价的计算用时")
        bench.add_argument("--firms", type=int, default=20_000)
        bench.add_argument("--scheme", default="mujun-default")
        bench.add_argument("--repeat", type=int, default=3, help="重复次数，报告最快一次")
        bench.add_argument("--database", action="store_true",
                           help="在当前数据库中：读企业名录和年度数据、计算、写入结果（需空库或专用库；先载入合成企业）")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "bench" and options.get("database"):
            self._bench_database(int(str(options["firms"])), int(str(options["repeat"])))
            return
        if options["action"] == "bench":
            self._bench(int(str(options["firms"])), str(options["scheme"]), int(str(options["repeat"])))
            return
        if options["action"] == "flags":
            from newind.mujun.services import import_flags_file

            batch = import_flags_file(str(options["file"]))
            self.stdout.write(f"已导入年度标记 {batch.rows} 条（{batch.file_name}）。")
            return
        scheme = load_scheme(str(options["scheme"]), options.get("scheme_version"))  # type: ignore[arg-type]
        year, scope = int(str(options["year"])), str(options["scope"])
        flags = flags_from_file(str(options["flags"]), year) if options.get("flags") else None
        if options.get("frame"):
            frame = apply_flags(in_scope(frame_from_file(str(options["frame"]), scheme, year=year), scope), flags)
        else:
            frame = registry_frame(year, scope, scheme, flags)
        if options.get("save"):
            from newind.mujun.services import run_evaluation

            run = run_evaluation(year, scope, scheme_code=scheme.code, scheme_version=scheme.version, frame=frame)
            self.stderr.write(f"已保存：{run}（{run.firm_count} 家企业，状态 {run.get_state_display()}）。")
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
        wall: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}

        def timed(step: str, fn):  # noqa: ANN001, ANN202
            t, c = time.perf_counter(), time.process_time()
            result = fn()
            wall.setdefault(step, []).append(time.perf_counter() - t)
            cpu.setdefault(step, []).append(time.process_time() - c)
            return result

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "frame.csv"
            frame.to_csv(path, index=False, encoding="utf-8")
            for _ in range(max(repeat, 1)):
                read = timed("read_frame_file", lambda: frame_from_file(path, scheme))
        if len(read) != len(frame):
            raise AppError("基准测试读回的企业数与写出的不一致。")
        for _ in range(max(repeat, 1)):
            ev = timed("evaluate", lambda: evaluate(frame, scheme))
            timed("what_it_would_take", lambda: increase_to_next_class(ev))  # noqa: B023
            doc = timed("json_document", lambda: evaluation_document(  # noqa: B023
                frame, scheme, year=2017, scope="synthetic", evaluation=ev))  # noqa: B023
        best = {k: round(min(v), 4) for k, v in wall.items()}
        best_cpu = {k: round(min(v), 4) for k, v in cpu.items()}
        for k, v in best.items():
            self.stdout.write(f"  {k}: {v:.3f} 秒（CPU {best_cpu[k]:.3f} 秒）")
        load = os.getloadavg()[0]
        summary = {"bench": "mujun", "firms": firms, "scheme": scheme.code, "rated": len(doc["firms"]),
                   "not_rated": len(doc["not_rated"]), "class_counts": doc["class_counts"],
                   "seconds": best, "cpu_seconds": best_cpu,
                   "seconds_compute": round(best["evaluate"] + best["what_it_would_take"], 4),
                   "seconds_read_compute_document": round(sum(best.values()), 4), "load_average": round(load, 2)}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def _bench_database(self, firms: int, repeat: int) -> None:
        """Read (registry + spine), compute and write (bulk insert) one city evaluation of `firms` synthetic
        firms in the configured database; the firms are loaded once (the registry demo, scaled)."""
        from unittest import mock

        from django.db import connection

        from newind.enterprises import demo
        from newind.enterprises.models import EnterpriseProfile
        from newind.indicators.services import load_indicator_catalogue
        from newind.mujun.models import EvaluationRun
        from newind.mujun.services import run_evaluation
        from newind.units.services import load_reference_units

        have = EnterpriseProfile.objects.filter(is_synthetic=True).count()
        if have != firms:
            if have:
                raise AppError(f"数据库中已有 {have} 家合成企业，与 --firms {firms} 不一致：请用专用的空数据库。")
            t = time.perf_counter()
            load_reference_units()
            load_indicator_catalogue()
            above = round(firms * 0.75)
            with mock.patch.object(demo, "N_ABOVE", above), mock.patch.object(demo, "N_BELOW", firms - above):
                demo.load_demo(self.stdout)
            self.stdout.write(f"载入 {firms:,} 家合成企业及其年度数据：{time.perf_counter() - t:.1f} 秒（不计入评价用时）。")
        if connection.vendor == "postgresql":
            # Untimed: the planner statistics autovacuum keeps on a production server (a server running
            # with autovacuum off would otherwise plan the read for empty tables).
            from newind.core.bulk import refresh_planner_statistics
            from newind.indicators.models import Observation

            refresh_planner_statistics(Observation)
        runs: list[dict[str, float]] = []
        made = []
        for _ in range(max(repeat, 1)):
            timings: dict[str, float] = {}
            run = run_evaluation(2017, "430600", timings=timings)
            made.append(run.pk)
            runs.append(timings)
            self.stdout.write("  读取 {read:.3f} 秒，计算 {compute:.3f} 秒，写入 {write:.3f} 秒"
                              "（本进程 CPU {read_cpu:.3f} / {compute_cpu:.3f} / {write_cpu:.3f}）".format(**timings))
        EvaluationRun.objects.filter(pk__in=made).delete()  # the bench leaves no evaluations behind
        best = min(runs, key=lambda r: r["read"] + r["compute"] + r["write"])
        wall = {k: round(best[k], 3) for k in ("read", "compute", "write")}
        cpu = {k: round(best[f"{k}_cpu"], 3) for k in ("read", "compute", "write")}
        totals = [r["read"] + r["compute"] + r["write"] for r in runs]
        with open("/proc/loadavg", encoding="ascii") as f:
            load = f.read().split()[:3]
        summary = {"bench": "mujun-database", "database": connection.vendor, "firms": firms,
                   "seconds": wall, "seconds_total": round(sum(wall.values()), 3),
                   "totals": [round(t, 3) for t in totals], "median_total": round(statistics.median(totals), 3),
                   "max_total": round(max(totals), 3),
                   "median_split": {k: round(statistics.median(r[k] for r in runs), 3)
                                    for k in ("read", "compute", "write")},
                   "cpu_seconds_this_process": cpu, "loadavg": " ".join(load)}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
