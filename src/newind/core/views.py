from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from newind.indicators.models import ImportBatch, Indicator
from newind.units.models import Unit


def home(request: HttpRequest) -> HttpResponse:
    stats = {
        "units": Unit.objects.count(),
        "indicators": Indicator.objects.count(),
        # Not a count of observations: at province scale that is a scan of millions of rows on every visit.
        "latest_batch": ImportBatch.objects.order_by("-created_at").only("created_at", "file_name").first(),
    }
    return render(request, "core/home.html", {"stats": stats})


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
