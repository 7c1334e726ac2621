"""`newind bench spine --scale city|province [--keep] [--factor F]`: the scale benchmark of the data spine.
`newind bench load [--users 50 --seconds 60 --think 1 | --profile]`: signed-in users on the production
server against a hello view (newind.bench.load; it needs NEWIND_DATABASE_URL and keeps its data).
`newind bench cases [--cases 100000] [--runs 3] [--keep]`: the case engine at scale (newind.bench.cases): the
overdue list's first page and the metrics per department, category and month (goal ≤ 1 s each).
`newind bench projects [--projects 5000] [--months 60] [--runs 3] [--period 2017-06] [--keep]`: the major
projects at scale (newind.bench.projects): the month's portfolio figures and county league table (goal ≤ 1 s).

The database is NEWIND_DATABASE_URL when set (it must hold no observations yet), otherwise a temporary
SQLite file that is deleted afterwards unless --keep. The command migrates the target database itself
(cli.py does not auto-migrate for `bench`). The last output line is one JSON object with the figures.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from newind.bench.spine import SCALES, delete_bench_data, run_spine, summary_line
from newind.core.errors import AppError


class Command(BaseCommand):
    help = ("规模基准测试：生成合成企业观测值（城市级 2,000 家、全省级 20,000 家企业 × 12 项月度指标 × 5 年），"
            "测量批量写入速度、单月汇总/同比/排名重算用时和峰值内存；最后一行输出 JSON。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", choices=["spine", "load", "cases", "projects", "assessment"],
                            help="基准测试对象：spine（数据主干）、load（生产服务器并发访问）、cases（事项办理统计与逾期清单）"
                                 "、projects（重大项目组合指标与赛马）或 assessment（全省年度考核）")
        parser.add_argument("--scale", choices=sorted(SCALES), default="city", help="规模：city 或 province")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据（临时 SQLite 文件不删除）")
        parser.add_argument("--enterprises", type=int, help="覆盖企业数（用于小规模试跑）")
        parser.add_argument("--indicators", type=int, choices=range(1, 13), metavar="1-12",
                            help="覆盖指标数（1—12）")
        parser.add_argument("--years", type=int, help="覆盖年数（默认 5）")
        parser.add_argument("--before", action="store_true",
                            help="同时测量旧的数据框重算（读入 pandas 再写回每一行，含每家企业）作对照")
        parser.add_argument("--no-floor", action="store_true",
                            help="不运行 DuckDB 对照（默认运行，需要可选依赖 duckdb：pip install -e '.[bench]'）")
        parser.add_argument("--recompute-only", action="store_true",
                            help="沿用 NEWIND_DATABASE_URL 中以 --keep 保留的基准数据，只重新测量单月重算")
        parser.add_argument("--factor", type=int, default=1,
                            help="spine：把企业数和市州数乘以该倍数（2、5 用于外推单节点的上限，见 docs/scaling.md）")
        cases = parser.add_argument_group("cases（事项办理）")
        cases.add_argument("--cases", type=int, default=100_000, help="合成事项数，默认 100,000")
        cases.add_argument("--runs", type=int, default=3, help="每项测量重复次数，默认 3（cases、projects）")
        projects = parser.add_argument_group("projects（重大项目）")
        projects.add_argument("--projects", type=int, default=5_000, help="合成项目数，默认 5,000")
        projects.add_argument("--months", type=int, default=60, help="月度进度覆盖的月数（截至2017年12月），默认 60")
        projects.add_argument("--period", default="2017-06", help="测量的期别（1—N月），默认 2017-06")
        load = parser.add_argument_group("load（并发访问）")
        load.add_argument("--users", type=int, default=50, help="同时在线的登录用户数，默认 50")
        load.add_argument("--seconds", type=float, default=60.0, help="测量时长（秒），默认 60")
        load.add_argument("--think", type=float, default=1.0, help="每个用户两次请求之间的平均停顿（秒），默认 1")
        load.add_argument("--rounds", type=int, default=200, help="每个用户最多访问几轮全部页面，默认 200")
        load.add_argument("--workers", type=int, help="服务器工作进程数，默认同 newind serve")
        load.add_argument("--no-read-cache", action="store_true",
                          help="服务器关闭页面读缓存（NEWIND_READ_CACHE=0），用于对比缓存前后")
        load.add_argument("--profile", action="store_true",
                          help="不压测：在本进程内逐页打开一次，给出 SQL 条数和用时（加 --profiler 输出 pyinstrument 剖析）")
        load.add_argument("--profiler", action="store_true", help="与 --profile 一起用：输出 pyinstrument 剖析")
        load.add_argument("--repeat", type=int, default=3,
                          help="与 --profile 一起用：每页打开几次（第一次计算，其余取中位数），默认 3")

    def handle(self, *args: object, **options: object) -> None:
        if options["target"] == "load":
            self._load(options)
            return
        if options["target"] == "cases":
            self._cases(options)
            return
        if options["target"] == "projects":
            self._projects(options)
            return
        if options["target"] == "assessment":
            self._assessment(options)
            return
        scale = SCALES[str(options["scale"])]
        overrides = {k: options[k] for k in ("enterprises", "indicators", "years") if options.get(k)}
        if overrides:
            scale = replace(scale, **overrides)  # type: ignore[arg-type]
        factor = int(options["factor"])  # type: ignore[call-overload]
        if factor < 1:
            raise AppError("--factor 须是不小于 1 的整数。")
        if factor > 1:
            # More cities of the same shape: counties and parks keep the province's size, so the cost per
            # unit of the recompute is comparable across factors and only the volume grows.
            scale = replace(scale, name=f"{scale.name}×{factor}", enterprises=scale.enterprises * factor,
                            cities=scale.cities * factor)
        recompute_only = bool(options["recompute_only"])
        if recompute_only and not os.environ.get("NEWIND_DATABASE_URL"):
            raise AppError("--recompute-only 需要用 NEWIND_DATABASE_URL 指向以 --keep 保留了基准数据的数据库。")
        temp_path = None if os.environ.get("NEWIND_DATABASE_URL") else self._use_temporary_sqlite()
        call_command("migrate", verbosity=0, interactive=False)
        db = connections["default"].settings_dict
        self.stdout.write(f"数据库：{connections['default'].vendor} {db.get('NAME')}；规模：{scale.name}，"
                          f"{scale.enterprises:,} 家企业 × {scale.indicators} 项指标 × {scale.periods} 期"
                          f"（{scale.years} 年 × 11 个1—N月累计期，1—2月合并）= {scale.observations:,} 个观测值。")
        summary = run_spine(scale, progress=self.stdout.write, recompute_only=recompute_only,
                            before=bool(options["before"]), floor=not options["no_floor"])
        if not options["keep"] and not recompute_only:
            t = time.perf_counter()
            if temp_path is None:
                delete_bench_data()
                self.stdout.write(f"已删除基准测试数据（{time.perf_counter() - t:.1f} 秒）；保留请加 --keep。")
            else:
                connections["default"].close()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{temp_path}{suffix}").unlink(missing_ok=True)
                self.stdout.write("已删除临时数据库文件；保留请加 --keep。")
        elif temp_path is not None:
            self.stdout.write(f"数据保留在 {temp_path}")
        self.stdout.write(summary_line(summary))

    def _load(self, options: dict[str, Any]) -> None:
        """`newind bench load`: on the database of NEWIND_DATABASE_URL only (it keeps what it writes)."""
        from newind.bench import load

        if not os.environ.get("NEWIND_DATABASE_URL"):
            raise AppError("newind bench load 需要用 NEWIND_DATABASE_URL 指定一个数据库（应为 PostgreSQL，"
                           "例如 postgresql://postgres@127.0.0.1:5432/newind_load）：它会写入全省规模的合成数据并保留。")
        call_command("migrate", verbosity=0, interactive=False)
        from newind.jobs.queue import ensure_queue_ready

        ensure_queue_ready()
        if options["profile"]:
            load.ensure_data(self.stdout.write, enterprises=options.get("enterprises"))
            user = load.ensure_users(1, load.new_password())[0]
            result = load.profile_pages(user, load.page_paths(), repeat=max(2, options["repeat"]),
                                        with_profiler=bool(options["profiler"]),
                                        progress=self.stdout.write)
            self.stdout.write(load.summary_line({"bench": "load-profile", "loadavg": load.loadavg(), "pages": result}))
            return
        if options["no_read_cache"]:
            os.environ["NEWIND_READ_CACHE"] = "0"  # read by the server process this run starts
        plan = load.LoadPlan(users=int(options["users"]), duration_s=float(options["seconds"]),
                             think_s=float(options["think"]), max_rounds=int(options["rounds"]))
        summary = load.run_load(plan, self.stdout.write, settings.VAR_DIR, workers=options.get("workers"),
                                enterprises=options.get("enterprises"))
        self.stdout.write(load.table(summary))
        self.stdout.write(f"目标：每页 p95 ≤ {load.GOAL_P95_MS:.0f} ms，且不超过 hello 的 {load.GOAL_RATIO:.0f} 倍；"
                          f"{'全部达标' if summary['goals_met'] else '有页面未达标'}。负载（1/5/15 分钟）：测前 "
                          f"{summary['loadavg_before']}，测后 {summary['loadavg_after']}。")
        self.stdout.write(load.summary_line(summary))

    def _cases(self, options: dict[str, Any]) -> None:
        """`newind bench cases`: NEWIND_DATABASE_URL (its BENCH cases are deleted afterwards unless --keep) or a
        temporary SQLite file."""
        from newind.bench.cases import delete_bench_cases, generate_cases, measure, summary_line

        n = int(options["cases"])
        if n < 1:
            raise AppError("--cases 须是正整数。")
        temp_path = None if os.environ.get("NEWIND_DATABASE_URL") else self._use_temporary_sqlite()
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(f"数据库：{connections['default'].vendor} {connections['default'].settings_dict.get('NAME')}；"
                          f"写入 {n:,} 件合成事项（示例数据）……")
        written = generate_cases(n, progress=self.stdout.write)
        self.stdout.write(f"写入用时 {written['load_s']} 秒；测量（每项 {options['runs']} 次）……")
        figures = {**measure(runs=int(options["runs"])), "load_s": written["load_s"]}
        for key, value in figures.items():
            if key.endswith("_s") and isinstance(value, list):
                self.stdout.write(f"  {key}: {', '.join(f'{v:.3f}' for v in value)} 秒")
        self.stdout.write(f"目标：逾期清单首页和按承办单位统计各 ≤ {figures['goal_s']} 秒；"
                          f"{'达标' if figures['goal_met'] else '未达标'}。负载（1/5/15 分钟）：测前 "
                          f"{figures['loadavg_before']}，测后 {figures['loadavg_after']}。")
        self._clean_up(options, temp_path, lambda: f"已删除基准测试事项 {delete_bench_cases():,} 行")
        self.stdout.write(summary_line(figures))

    def _projects(self, options: dict[str, Any]) -> None:
        """`newind bench projects`: NEWIND_DATABASE_URL (its BENCH projects are deleted afterwards unless --keep)
        or a temporary SQLite file."""
        from newind.bench.projects import delete_bench_projects, generate_projects, measure, summary_line
        from newind.units.models import Unit
        from newind.units.services import load_reference_units

        n, months = int(options["projects"]), int(options["months"])
        if n < 1 or not 1 <= months <= 120:
            raise AppError("--projects 须是正整数，--months 须在 1 至 120 之间。")
        temp_path = None if os.environ.get("NEWIND_DATABASE_URL") else self._use_temporary_sqlite()
        call_command("migrate", verbosity=0, interactive=False)
        if not Unit.objects.filter(kind="park").exists():
            load_reference_units()
        self.stdout.write(f"数据库：{connections['default'].vendor} {connections['default'].settings_dict.get('NAME')}；"
                          f"写入 {n:,} 个合成项目（示例数据）× {months} 个月的月度进度……")
        written = generate_projects(n, months)
        self.stdout.write(f"生成用时 {written['generate_s']} 秒，写入用时 {written['write_s']} 秒 "
                          f"{written['written']}；测量 {options['period']}（每项 {options['runs']} 次）……")
        figures = {**measure(runs=int(options["runs"]), period=str(options["period"])),
                   "generate_s": written["generate_s"], "write_s": written["write_s"]}
        for key in ("portfolio_s", "league_s", "lights_s"):
            self.stdout.write(f"  {key}: {', '.join(f'{v:.3f}' for v in figures[key])} 秒"
                              f"（中位数 {figures[key.replace('_s', '_median_s')]:.3f}，最大 "
                              f"{figures[key.replace('_s', '_max_s')]:.3f}）")
        self.stdout.write(f"目标：组合指标和县市区赛马各 ≤ {figures['goal_s']} 秒；{'达标' if figures['goal_met'] else '未达标'}。"
                          f"负载（1/5/15 分钟）：测前 {figures['loadavg_before']}，测后 {figures['loadavg_after']}。")
        self._clean_up(options, temp_path, lambda: f"已删除基准测试项目数据 {delete_bench_projects():,} 行")
        self.stdout.write(summary_line(figures))

    def _assessment(self, options: dict[str, Any]) -> None:
        """`newind bench assessment --scale province`: NEWIND_DATABASE_URL (its BENCHA- data is deleted afterwards
        unless --keep) or a temporary SQLite file."""
        from newind.bench import assessment as bench
        from newind.indicators.models import Indicator
        from newind.indicators.services import load_indicator_catalogue
        from newind.units.models import Unit

        if options["scale"] != "province":
            raise AppError("newind bench assessment 只有全省规模：请加 --scale province。")
        temp_path = None if os.environ.get("NEWIND_DATABASE_URL") else self._use_temporary_sqlite()
        call_command("migrate", verbosity=0, interactive=False)
        if Unit.objects.filter(code__startswith=bench.PREFIX).exists():
            raise AppError("目标数据库中已有全省考核基准测试数据（BENCHA-）：请先删除，或换一个空数据库。")
        if not Indicator.objects.exists():
            load_indicator_catalogue()
        self.stdout.write(f"数据库：{connections['default'].vendor} {connections['default'].settings_dict.get('NAME')}；"
                          f"写入 {bench.CITIES} 个市州、{bench.COUNTIES} 个县市区、{bench.PARKS} 个园区、"
                          f"{bench.DEPARTMENTS} 个部门、{bench.FIRMS:,} 家企业和 {bench.APPEALS + bench.TASKS:,} 件事项（示例数据）……")
        t = time.perf_counter()
        written = bench.write_records(bench.build_units())
        self.stdout.write(f"写入用时 {time.perf_counter() - t:.1f} 秒：{written}；测量（{options['runs']} 次）……")
        figures = {**bench.measure(runs=int(options["runs"]), progress=self.stdout.write), "written": written}
        self.stdout.write(f"目标：三个方案的年度考核合计 ≤ {figures['goal_s']} 秒；{'达标' if figures['goal_met'] else '未达标'}。"
                          f"负载（1/5/15 分钟）：测前 {figures['loadavg_before']}，测后 {figures['loadavg_after']}。")
        self._clean_up(options, temp_path, lambda: f"已删除基准测试数据 {bench.delete_bench_data():,} 行")
        self.stdout.write(bench.summary_line(figures))

    def _clean_up(self, options: dict[str, Any], temp_path: str | None, delete: Callable[[], str]) -> None:
        """After a benchmark: delete its rows from NEWIND_DATABASE_URL (`delete` does it and says how many) or the
        temporary SQLite file, unless --keep."""
        if options["keep"]:
            if temp_path is not None:
                self.stdout.write(f"数据保留在 {temp_path}")
            return
        if temp_path is None:
            self.stdout.write(f"{delete()}；保留请加 --keep。")
            return
        connections["default"].close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{temp_path}{suffix}").unlink(missing_ok=True)
        self.stdout.write("已删除临时数据库文件；保留请加 --keep。")

    def _use_temporary_sqlite(self) -> str:
        """Point the default connection at a fresh temporary SQLite file (nothing has connected yet)."""
        fd, path = tempfile.mkstemp(prefix="newind-bench-", suffix=".sqlite3")
        os.close(fd)
        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = path
        connections["default"].settings_dict["NAME"] = path
        return path
