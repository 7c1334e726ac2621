"""The jobs page: recent runs with state and error, the schedule, and buttons to run a job or re-run a failure."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newind.accounts.access import JOBS_PAGE, page_required
from newind.jobs import queries, services
from newind.jobs.queue import storage_description


@page_required(JOBS_PAGE)
@never_cache
def runs_view(request: HttpRequest) -> HttpResponse:
    runs = list(queries.runs_for(request.user))
    rows = [{"run": r, "arguments": queries.arguments_text(r.arguments)} for r in runs]
    return render(request, "jobs/runs.html", {
        "rows": rows, "schedule": queries.schedule_for(request.user), "stale": queries.stale_queue(request.user),
        "storage": storage_description(),
    })


@page_required(JOBS_PAGE)
@require_POST
def run_now_view(request: HttpRequest, name: str) -> HttpResponse:
    run = services.run_now(name, request.user, request=request)
    messages.success(request, f"已将「{run.label}」放入队列，稍后刷新本页查看结果。")
    return redirect("jobs:runs")


@page_required(JOBS_PAGE)
@require_POST
def run_again_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = services.run_again(run_id, request.user, request=request)
    messages.success(request, f"已重新运行「{run.label}」，稍后刷新本页查看结果。")
    return redirect("jobs:runs")
