from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动平台（单进程，适合演示与内网试用；生产环境请用 gunicorn 运行 newind.wsgi）。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from django.conf import settings

        from newind.accounts.keys import check_serving_keys

        check_serving_keys()
        if settings.NEWIND_DEMO:
            self.stdout.write("演示模式：使用 var 目录中自动生成的密钥，只适合演示，不要用于正式数据。")
        elif not settings.NEWIND_HTTPS:
            self.stdout.write("提示：未设置 NEWIND_HTTPS=1。正式环境应经 HTTPS 访问，并设置它以启用 Secure Cookie 和 HSTS。")
        self.stdout.write(f"平台已启动：http://{options['addr']}/  （按 Ctrl+C 停止）")
        call_command("runserver", options["addr"], use_reloader=False)
