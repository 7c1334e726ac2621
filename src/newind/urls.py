from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from newind.api_urls import api
from newind.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", login_not_required(core_views.healthz), name="healthz"),
    path("accounts/", include("newind.accounts.urls")),
    path("audit/", include("newind.audit.urls")),
    path("admin/", admin.site.urls),
    path("benchmark/", include("newind.benchmark.urls")),
    path("imports/", include("newind.imports.urls")),
    path("submissions/", include("newind.submissions.urls")),
    path("dashboard/", include("newind.dashboard.urls")),
    path("reports/", include("newind.reports.urls")),
    path("targets/", include("newind.targets.urls")),
    path("forecasts/", include("newind.forecasts.urls")),
    path("jobs/", include("newind.jobs.urls")),
    path("api/", api.urls),
]
