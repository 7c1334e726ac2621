from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from newind.api_urls import api
from newind.core import views as core_views
from newind.home import views as home_views

# Django's own PermissionDenied (e.g. the admin's model permissions) gets the platform's Chinese page.
handler403 = "newind.core.views.permission_denied"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("search/", home_views.search_page, name="search"),
    path("help/", home_views.help_page, name="help"),
    path("help/<slug:role>/", home_views.help_page, name="help_role"),
    path("bench/hello/", core_views.bench_hello, name="bench_hello"),  # 404 unless NEWIND_BENCH_HELLO
    path("healthz", login_not_required(core_views.healthz), name="healthz"),
    path("favicon.ico", login_not_required(core_views.favicon), name="favicon"),
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
    path("enterprises/", include("newind.enterprises.urls")),
    path("parks/", include("newind.parks.urls")),
    path("mujun/", include("newind.mujun.urls")),
    path("funding/", include("newind.funding.urls")),
    path("reform/", include("newind.reform.urls")),
    path("cases/", include("newind.cases.urls")),
    path("pairing/", include("newind.pairing.urls")),
    path("policies/", include("newind.policies.urls")),
    # projects: the monthly project progress (岳新工办统2表), before the other /projects/ pages
    path("projects/progress/", include("newind.projects.progress_urls")),
    # projects: problems handed to departments (/projects/<pk>/problems/new/) and the campaigns (专项活动)
    path("projects/", include("newind.projects.problems_urls")),
    path("projects/", include("newind.projects.campaigns_urls")),
    # projects: the portfolio figures and the county 赛马
    path("projects/", include("newind.projects.league_urls")),
    # projects: the registry (list, a project's page, the workbook import)
    path("projects/", include("newind.projects.urls")),
    path("supervision/", include("newind.supervision.urls")),
    # issue 13 §5: leaders' own responsibility
    path("leaders/", include("newind.leaders.urls")),
    # issue 13 §4: annual assessment and quarterly review
    path("assessment/", include("newind.assessment.urls")),
    # issue 13 §6–7: the accountability list and the alerts
    path("accountability/", include("newind.accountability.urls")),
    path("alerts/", include("newind.accountability.alerts_urls")),
    path("api/", api.urls),
]
