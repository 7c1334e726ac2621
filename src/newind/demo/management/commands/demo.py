import subprocess
import sys

from django.core.management import call_command

from newind.audit.commands import AuditedCommand
from newind.demo.services import prepare_demo


class Command(AuditedCommand):
    help = ("准备演示数据库（参考单位、指标目录、湖南真实统计数据、岳阳示例数据），然后在 http://127.0.0.1:8000 "
            "启动平台及其后台任务。")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--no-serve", action="store_true", help="只准备数据库，不启动服务")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        prepare_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据库已准备好。"))
        if options["no_serve"]:
            return
        # The background jobs run beside the server, in their own process, as in production (one command
        # still: Ctrl+C reaches both, and the worker is stopped when the server stops).
        worker = subprocess.Popen([sys.executable, "-m", "newind.cli", "worker"])
        try:
            call_command("serve", addr=options["addr"])
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
