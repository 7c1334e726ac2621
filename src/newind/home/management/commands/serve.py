"""`newind serve`: the production server (gunicorn, several worker processes; DEBUG off; static files by
whitenoise); `newind serve --dev` keeps Django's development server. See docs/deploy.md."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newind.core.errors import AppError


def default_workers() -> int:
    """NEWIND_WEB_WORKERS, else gunicorn's rule of thumb (2 × cores + 1), at most 8."""
    configured = os.environ.get("NEWIND_WEB_WORKERS")
    if configured:
        return max(1, int(configured))
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_options(addr: str, workers: int) -> dict[str, Any]:
    """gunicorn's settings for newind (the values are explained in docs/deploy.md)."""
    return {
        "bind": addr,
        "workers": workers,
        # Threads let one process wait on the database or render a report while its others answer.
        "worker_class": "gthread",
        "threads": int(os.environ.get("NEWIND_WEB_THREADS", 4)),
        # A monthly report's PDF can take tens of seconds on a small server.
        "timeout": int(os.environ.get("NEWIND_WEB_TIMEOUT", 120)),
        "graceful_timeout": 30,
        # Django, pandas and the catalogue load once in the master; the workers share those pages.
        "preload_app": True,
        # Recycle a worker now and then, so memory a long-lived pandas process holds is given back.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": os.environ.get("NEWIND_LOG_LEVEL", "info").lower(),
        # X-Forwarded-* are believed only from the reverse proxy on this host.
        "forwarded_allow_ips": os.environ.get("NEWIND_PROXY_IPS", "127.0.0.1,::1"),
        "proc_name": "newind",
        # gunicorn's control socket ($HOME/.gunicorn/gunicorn.ctl) is not used, and two instances on one
        # host would fight over it.
        "control_socket_disable": True,
    }


class Command(BaseCommand):
    help = ("启动平台：默认为生产服务器 gunicorn（多进程，DEBUG 关闭，静态文件由 whitenoise 提供）；"
            "--dev 使用 Django 开发服务器（单进程，仅供开发）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=None,
                            help="工作进程数，默认 NEWIND_WEB_WORKERS 或 2×CPU核数+1（最多8）")
        parser.add_argument("--dev", action="store_true", help="使用 Django 开发服务器（单进程，仅供开发）")

    def handle(self, *args: Any, **options: Any) -> None:
        from newind.accounts.keys import check_serving_keys

        check_serving_keys()
        if settings.NEWIND_DEMO:
            self.stdout.write("演示模式：使用 var 目录中自动生成的密钥，只适合演示，不要用于正式数据。")
        elif not settings.NEWIND_HTTPS:
            self.stdout.write("提示：未设置 NEWIND_HTTPS=1。正式环境应经 HTTPS 访问，并设置它以启用 Secure Cookie 和 HSTS。")
        addr = options["addr"]
        if options["dev"]:
            self.stdout.write(f"开发服务器已启动：http://{addr}/  （按 Ctrl+C 停止）")
            call_command("runserver", addr, use_reloader=False)
            return
        if settings.DEBUG:
            raise AppError("生产服务器不能在调试模式下运行：请去掉环境变量 NEWIND_DEBUG，或改用 newind serve --dev。")
        from django.core.wsgi import get_wsgi_application
        from django.db import connections
        from gunicorn.app.base import BaseApplication

        application = get_wsgi_application()
        connections.close_all()  # no database connection may cross the fork into the workers
        workers = options["workers"] or default_workers()

        class Server(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
            def load_config(self) -> None:
                for key, value in gunicorn_options(addr, workers).items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"平台已启动：http://{addr}/  （gunicorn，{workers} 个工作进程；按 Ctrl+C 停止）")
        self.stdout.flush()
        Server().run()
