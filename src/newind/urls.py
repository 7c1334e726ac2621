from django.contrib import admin
from django.urls import include, path

from newind.api_urls import api
from newind.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("benchmark/", include("newind.benchmark.urls")),
    path("imports/", include("newind.imports.urls")),
    path("submissions/", include("newind.submissions.urls")),
    path("dashboard/", include("newind.dashboard.urls")),
    path("reports/", include("newind.reports.urls")),
    path("api/", api.urls),
]
