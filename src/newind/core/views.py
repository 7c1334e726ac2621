from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.indicators.models import Indicator, Observation
from newind.units.models import Unit


def home(request: HttpRequest) -> HttpResponse:
    stats = {
        "units": Unit.objects.count(),
        "indicators": Indicator.objects.count(),
        "observations": Observation.objects.count(),
    }
    return render(request, "core/home.html", {"stats": stats})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
