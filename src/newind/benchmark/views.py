from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def benchmark_page(request: HttpRequest) -> HttpResponse:
    # Placeholder until the benchmarking page lands (issue 2, item 7).
    return render(request, "core/home.html", {})
