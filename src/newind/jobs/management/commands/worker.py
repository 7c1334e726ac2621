"""`newind worker`: run the background jobs (huey consumer) and their schedule, until stopped."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newind.core.errors import AppError


class Command(BaseCommand):
    help = ("运行后台任务：截止前催报、数据发布或导入后重算派生数据、夜间备份、停用长期未登录账号等定时任务。"
            "与 Web 服务一起常驻运行（make demo 会同时启动）；按 Ctrl+C 停止。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=None, help="同时运行任务的线程数，默认 NEWIND_WORKER_THREADS（2）")
        parser.add_argument("--no-periodic", action="store_true",
                            help="不运行定时任务（另有一个 worker 负责定时任务时使用）")

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        from newind.jobs.queue import ensure_queue_ready, storage_description
        from newind.jobs.registry import jobs, lock_name

        if HUEY.immediate:
            raise AppError("当前配置为即时执行（NEWIND_JOBS_IMMEDIATE=1），任务在发起的进程内运行，无需单独的后台任务进程。")
        ensure_queue_ready()
        registered = jobs()
        self.stdout.write(f"后台任务已启动（队列：{storage_description()}），共 {len(registered)} 项任务：")
        for job in registered:
            self.stdout.write(f"  {job.label}：{job.schedule_label or '按需运行'}")
        workers = options["workers"] or settings.HUEY["consumer"]["workers"]
        # Locks left by a worker that died mid-job would block that job forever: clear them at start.
        call_command("run_huey", workers=workers, periodic=not options["no_periodic"], flush_locks=True,
                     extra_locks=",".join(lock_name(j.name) for j in registered), disable_autoload=True)
