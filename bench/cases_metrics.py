"""Time the case metrics and the overdue list over N synthetic cases (default 100,000); one JSON line last.

    NEWIND_DATABASE_URL=sqlite:////tmp/cases-bench.sqlite3 .venv/bin/python bench/cases_metrics.py [N]

Use an empty database of its own: the script adds cases (示例数据) and the departments they are assigned to.
A first measurement ahead of issue 11's benchmark command (item 6), which will replace it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newind.settings")


def main(n: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from newind.cases.models import Case, CaseCategory
    from newind.cases.queries import metrics, overdue
    from newind.cases.sla import TZ, load_profile, working_days_to_close
    from newind.units.models import Unit

    rng = random.Random(2017)
    departments = [Unit.objects.get_or_create(code=f"BENCH-D{i:02d}", defaults={
        "name": f"示例部门{i:02d}", "kind": "department", "is_synthetic": True})[0] for i in range(30)]
    profile = load_profile("zhongshan")
    codes = ["financing", "land", "labour", "approval", "utilities", "logistics", "environment", "policy", "other"]
    start = dt.datetime(2017, 1, 3, 9, 0, tzinfo=TZ)
    t0 = time.perf_counter()
    if not Case.objects.filter(code__startswith="BENCH").exists():
        # One profile computation per distinct day of receipt, not per case.
        per_day = {d: profile.close_deadline(start + dt.timedelta(days=d)) for d in range(360)}
        batch: list[Case] = []
        for i in range(n):
            day = rng.randrange(360)
            received = start + dt.timedelta(days=day, minutes=rng.randrange(480))
            deadline = per_day[day]
            state = rng.choices(["in_progress", "closed", "evaluated", "archived"], [2, 1, 3, 4])[0]
            closed = received + dt.timedelta(days=rng.randrange(1, 20)) if state != "in_progress" else None
            batch.append(Case(code=f"BENCH{i:07d}", title="示例事项", sla_profile="zhongshan", received_at=received,
                              close_deadline=deadline, original_close_deadline=deadline, state=state, closed_at=closed,
                              lead_unit=departments[rng.randrange(30)], is_synthetic=True,
                              rating=rng.choice(["", "satisfied", "basically_satisfied", "unsatisfied"]) if closed else "",
                              extensions_approved=int(rng.random() < 0.1),
                              working_days_to_close=working_days_to_close(received, closed) if closed else None))
            if len(batch) == 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)
        ids = list(Case.objects.filter(code__startswith="BENCH").values_list("id", flat=True))
        CaseCategory.objects.bulk_create(
            [CaseCategory(case_id=i, category=c) for i in ids for c in rng.sample(codes, rng.choice([1, 1, 2]))],
            batch_size=5000)
    load_s = time.perf_counter() - t0
    now = dt.datetime(2017, 12, 31, 12, 0, tzinfo=TZ)
    figures: dict[str, object] = {"cases": Case.objects.count(), "categories": CaseCategory.objects.count(),
                                  "database": connection.vendor, "load_s": round(load_s, 1)}
    for by in ("department", "category", "month"):
        t = time.perf_counter()
        frame = metrics(by, now=now)
        figures[f"metrics_{by}_s"] = round(time.perf_counter() - t, 3)
        figures[f"metrics_{by}_rows"] = len(frame)
    t = time.perf_counter()
    lists = overdue(now=now)
    page = list(lists["still_open"][:50])
    figures["overdue_first_page_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    figures["overdue_still_open"] = lists["still_open"].count()
    figures["overdue_done_late"] = lists["done_late"].count()
    figures["overdue_counts_s"] = round(time.perf_counter() - t, 3)
    figures["overdue_page_rows"] = len(page)
    return figures


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(json.dumps(result, ensure_ascii=False))
