"""Time the pairing gaps of a month over N synthetic pairings (default 20,000, with 12 months of visits and
calls: about 2 × 12 × N contacts); one JSON line last.

    NEWIND_DATABASE_URL=sqlite:////tmp/pairing-bench.sqlite3 .venv/bin/python bench/pairing_gaps.py [N]

Use an empty database of its own: the script adds firms, officials, pairings and visits (示例数据), every
firm marked as a key firm and 5% of them left unpaired.
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
    from newind.pairing import queries
    from newind.pairing.models import KeyFirmFlag, Official, Pairing, Visit
    from newind.units.models import Unit

    rng = random.Random(2017)
    t0 = time.perf_counter()
    if not Unit.objects.filter(code__startswith="BENCHF").exists():
        firms = int(n / 0.95)
        Unit.objects.bulk_create([Unit(code=f"BENCHF{i:07d}", name=f"示例企业{i:07d}", kind="enterprise",
                                       is_synthetic=True) for i in range(firms)], batch_size=5000)
        ids = list(Unit.objects.filter(code__startswith="BENCHF").order_by("code").values_list("id", flat=True))
        KeyFirmFlag.objects.bulk_create([KeyFirmFlag(firm_id=i, reason="bench", is_synthetic=True) for i in ids],
                                        batch_size=5000)
        Official.objects.bulk_create([Official(name=f"干部{i:05d}", phone=f"139{i:08d}", unit_name="示例部门",
                                               is_synthetic=True) for i in range(-(-n // 5))], batch_size=5000)
        officials = list(Official.objects.order_by("id").values_list("id", flat=True))
        Pairing.objects.bulk_create([Pairing(official_id=officials[i // 5], firm_id=ids[i],
                                             start_date=dt.date(2017, 1, 1), is_synthetic=True) for i in range(n)],
                                    batch_size=5000)
        pairings = list(Pairing.objects.values_list("id", "official_id", "firm_id"))
        batch: list[Visit] = []
        for month in range(1, 13):
            for pid, oid, fid in pairings:
                for kind, share in (("visit", 0.9), ("call", 0.92)):
                    if rng.random() < share:
                        batch.append(Visit(pairing_id=pid, official_id=oid, firm_id=fid, kind=kind,
                                           date=dt.date(2017, month, rng.randrange(1, 29)), participants="示例",
                                           discussed="示例数据", is_synthetic=True))
                if len(batch) >= 20000:
                    Visit.objects.bulk_create(batch)
                    batch = []
        Visit.objects.bulk_create(batch)
    load = time.perf_counter() - t0
    timings: dict[str, float] = {}
    for label, call in (("pairing_counts", lambda: queries.pairing_counts(Pairing.objects.all(), 2017, 12)),
                        ("month_gaps", lambda: queries.month_gaps(Pairing.objects.all(), 2017, 12)),
                        ("gaps_page_rows", lambda: queries.gap_detail(
                            queries.month_gaps(Pairing.objects.all(), 2017, 12), 300)),
                        ("officials_for_firms_1000", lambda: queries.officials_for_firms(
                            list(Pairing.objects.values_list("firm_id", flat=True)[:1000]), on=dt.date(2017, 12, 1)))):
        best = None
        for _ in range(3):
            t = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - t
            best = elapsed if best is None else min(best, elapsed)
        timings[label] = round(best or 0.0, 3)
        if label == "month_gaps":
            counts = result.counts  # type: ignore[attr-defined]
    out = {"bench": "pairing_gaps", "database": connection.vendor, "pairings": Pairing.objects.count(),
           "visits": Visit.objects.count(), "load_s": round(load, 1), **{f"{k}_s": v for k, v in timings.items()},
           "counts": counts}
    print(f"包联走访缺口：{out['pairings']} 对包联、{out['visits']} 条走访和电话；2017年12月缺口 {counts}。")
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
