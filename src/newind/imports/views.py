from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def upload_page(request: HttpRequest) -> HttpResponse:
    # Placeholder until the import page lands (issue 2, item 5).
    return render(request, "core/home.html", {})
