"""Views every installation serves whatever apps it has: the Chinese 403 page, the health check, the icon."""

from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from newind.core.errors import AppError
from newind.core.middleware import render_app_error


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own 403s (the admin's model permissions, CSRF aside) as the platform's Chinese error page."""
    error = AppError("您没有权限打开此页面：顶部菜单只列出您可以使用的功能，请从菜单进入；如需访问，"
                     "请联系市新型工业化领导小组办公室开通权限。", status=403, code="forbidden")
    return render_app_error(request, error)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


FAVICON = Path(__file__).resolve().parent / "static" / "core" / "favicon.ico"


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The vendored icon at /favicon.ico, where browsers ask for it on a first visit (no login needed)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
