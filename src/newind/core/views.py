from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
