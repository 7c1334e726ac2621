"""The case engine's scale benchmark (issue 11 item 6): N synthetic cases (default 100,000) in 30 departments,
then the overdue list's first page and the metrics per department, category and month, timed as the pages
and the API compute them (`newind bench cases`; bench/cases_metrics.py runs the same from a script).

The cases are written set-wise (bulk_create in batches; one deadline computation per distinct day of
receipt, not per case) and labelled 示例数据; `delete_bench_cases` removes them (code prefix BENCH).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from collections.abc import Callable
from typing import Any

GOAL_S = 1.0
CODE_PREFIX = "BENCH"
DEPARTMENTS = 30
CATEGORY_CODES = ["financing", "land", "labour", "approval", "utilities", "logistics", "environment", "policy", "other"]
NOW = dt.datetime(2017, 12, 31, 12, 0)  # the count's moment (Shanghai): the end of the cases' year


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover (no load average on this platform)
        return []


def generate_cases(n: int, *, seed: int = 2017, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write n cases (and their category tags) unless BENCH cases exist already; returns what it wrote."""
    from newind.cases.models import Case, CaseCategory
    from newind.cases.sla import TZ, load_profile, working_days_to_close
    from newind.units.models import Unit

    # Working days to close as services.apply_action stores them, once per (day received, day closed) pair.
    pairs: dict[tuple[dt.date, dt.date], int] = {}

    def _days_to_close(received: dt.datetime, closed: dt.datetime) -> int:
        key = (received.date(), closed.date())
        if key not in pairs:
            pairs[key] = working_days_to_close(received, closed)
        return pairs[key]

    rng = random.Random(seed)
    departments = [Unit.objects.get_or_create(code=f"BENCH-D{i:02d}", defaults={
        "name": f"示例部门{i:02d}", "kind": "department", "is_synthetic": True})[0] for i in range(DEPARTMENTS)]
    if Case.objects.filter(code__startswith=CODE_PREFIX).exists():
        return {"written": 0, "load_s": 0.0}
    profile = load_profile("zhongshan")
    start = dt.datetime(2017, 1, 3, 9, 0, tzinfo=TZ)
    t0 = time.perf_counter()
    # One profile computation per distinct day of receipt, not per case.
    per_day = {d: profile.close_deadline(start + dt.timedelta(days=d)) for d in range(360)}
    batch: list[Case] = []
    for i in range(n):
        day = rng.randrange(360)
        received = start + dt.timedelta(days=day, minutes=rng.randrange(480))
        deadline = per_day[day]
        state = rng.choices(["in_progress", "redo", "closed", "evaluated", "archived"], [2, 0.2, 1, 3, 4])[0]
        closed = received + dt.timedelta(days=rng.randrange(1, 20)) if state not in ("in_progress", "redo") else None
        rating = rng.choice(["", "satisfied", "basically_satisfied", "unsatisfied"]) if closed else ""
        batch.append(Case(code=f"{CODE_PREFIX}{i:07d}", title="示例事项", sla_profile="zhongshan", received_at=received,
                          close_deadline=deadline, original_close_deadline=deadline, state=state, closed_at=closed,
                          lead_unit=departments[rng.randrange(DEPARTMENTS)], is_synthetic=True, rating=rating,
                          unsatisfied_reason_kind=rng.choice(["subjective", "objective"]) if rating == "unsatisfied"
                          else "", redo_count=int(state == "redo" or rng.random() < 0.03),
                          extensions_approved=int(rng.random() < 0.1),
                          working_days_to_close=_days_to_close(received, closed) if closed else None))
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
            if progress and (i + 1) % 20000 == 0:
                progress(f"  已写入 {i + 1:,} 件事项（{time.perf_counter() - t0:.1f} 秒）")
    Case.objects.bulk_create(batch)
    ids = list(Case.objects.filter(code__startswith=CODE_PREFIX).values_list("id", flat=True))
    CaseCategory.objects.bulk_create(
        [CaseCategory(case_id=i, category=c) for i in ids for c in rng.sample(CATEGORY_CODES, rng.choice([1, 1, 2]))],
        batch_size=5000)
    return {"written": n, "load_s": round(time.perf_counter() - t0, 1)}


CPU: dict[str, list[float]] = {}  # this process's CPU time per measurement (the wall time waits for others too)


def _timed(fn: Callable[[], Any], runs: int, name: str = "") -> tuple[list[float], Any]:
    times, cpu, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(round(time.perf_counter() - t, 3))
        cpu.append(round(time.process_time() - c, 3))
    if name:
        CPU[name] = cpu
    return times, result


def measure(*, runs: int = 3) -> dict[str, Any]:
    """Time what the pages compute: the overdue list's first page (both counts and 50 rows), the metrics per
    department, category and month, all cases and one department's; then the two pages through the client."""
    from django.db import connection

    from newind.cases.models import Case, CaseCategory
    from newind.cases.queries import case_filter, metrics, overdue_counts, overdue_rows
    from newind.cases.sla import TZ
    from newind.core.bulk import refresh_planner_statistics
    from newind.units.models import Unit

    # As after any bulk load: the planner's statistics (and PostgreSQL's visibility map) of the fresh rows.
    refresh_planner_statistics(Case)
    refresh_planner_statistics(CaseCategory)
    now = NOW.replace(tzinfo=TZ)
    figures: dict[str, Any] = {"bench": "cases", "database": connection.vendor, "cases": Case.objects.count(),
                               "categories": CaseCategory.objects.count(), "loadavg_before": loadavg()}

    def first_page(where: dict[str, Any]) -> Any:
        return overdue_counts(now=now, where=where), overdue_rows("still_open", now=now, where=where, limit=50)

    everything = case_filter()
    figures["overdue_first_page_s"], (counts, rows) = _timed(lambda: first_page(everything), runs,
                                                              "overdue_first_page_s")
    figures["overdue_still_open"], figures["overdue_done_late"] = counts["still_open"], counts["done_late"]
    figures["overdue_page_rows"] = len(rows)
    for by in ("department", "category", "month"):
        def grouped(by: str = by) -> Any:
            return metrics(by, now=now, where=everything)

        figures[f"metrics_{by}_s"], frame = _timed(grouped, runs, f"metrics_{by}_s")
        figures[f"metrics_{by}_rows"] = len(frame)
    one = Unit.objects.filter(code=f"{CODE_PREFIX}-D00").values_list("pk", flat=True).first()
    if one is not None:
        own = case_filter(units={one}, year=2017)
        figures["one_department_overdue_first_page_s"], _ = _timed(lambda: first_page(own), runs,
                                                                   "one_department_overdue_first_page_s")
        figures["one_department_metrics_month_s"], _ = _timed(lambda: metrics("month", now=now, where=own), runs,
                                                              "one_department_metrics_month_s")
    figures.update(_pages(runs))
    figures["cpu_s"] = dict(CPU)
    figures["loadavg_after"] = loadavg()
    timed = [max(v) if isinstance(v, list) else v for k, v in figures.items()
             if k in ("overdue_first_page_s", "metrics_department_s")]
    figures["goal_s"] = GOAL_S
    figures["goal_met"] = all(t <= GOAL_S for t in timed)
    return figures


def _pages(runs: int) -> dict[str, Any]:
    """The overdue page and the department metrics page rendered for an office user (the test client)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from newind.accounts.models import Profile

    user = get_user_model().objects.filter(username="bench_cases_office").first()
    if user is None:
        user = get_user_model().objects.create_user("bench_cases_office", first_name="基准测试")
        Profile.objects.create(user=user, role="office", must_change_password=False)
    client = Client()
    client.force_login(user)
    out: dict[str, Any] = {}
    for name, url in (("page_overdue_s", "/cases/overdue/?at=2017-12-31"),
                      ("page_metrics_department_s", "/cases/metrics/?by=department&at=2017-12-31")):
        def get(url: str = url) -> int:
            response = client.get(url, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (url, response.status_code)
            return response.status_code

        out[name], _ = _timed(get, runs, name)
    return out


def delete_bench_cases() -> int:
    from newind.cases.models import Case
    from newind.units.models import Unit

    deleted, _ = Case.objects.filter(code__startswith=CODE_PREFIX).delete()
    Unit.objects.filter(code__startswith=f"{CODE_PREFIX}-D", kind="department").delete()
    return deleted


def summary_line(figures: dict[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False)
