from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动平台（单进程，适合演示与内网试用；生产环境请用 gunicorn 运行 newind.wsgi）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(f"平台已启动：http://{options['addr']}/  （按 Ctrl+C 停止）")
        call_command("runserver", options["addr"], use_reloader=False)
