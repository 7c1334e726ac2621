"""`newind bench spine --scale city|province [--keep]`: the scale benchmark of the data spine.

The database is NEWIND_DATABASE_URL when set (it must hold no observations yet), otherwise a temporary
SQLite file that is deleted afterwards unless --keep. The command migrates the target database itself
(cli.py does not auto-migrate for `bench`). The last output line is one JSON object with the figures.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

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
        parser.add_argument("target", choices=["spine"], help="基准测试对象：spine（数据主干）")
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

    def handle(self, *args: object, **options: object) -> None:
        scale = SCALES[str(options["scale"])]
        overrides = {k: options[k] for k in ("enterprises", "indicators", "years") if options.get(k)}
        if overrides:
            scale = replace(scale, **overrides)  # type: ignore[arg-type]
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

    def _use_temporary_sqlite(self) -> str:
        """Point the default connection at a fresh temporary SQLite file (nothing has connected yet)."""
        fd, path = tempfile.mkstemp(prefix="newind-bench-", suffix=".sqlite3")
        os.close(fd)
        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = path
        connections["default"].settings_dict["NAME"] = path
        return path
