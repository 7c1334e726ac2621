"""Benchmark: the monthly dispatch report (Word + PDF + Excel) for a city of 13 units and 40 indicators.

    .venv/bin/python bench/report_bench.py [--period 2017-03] [--runs 3] [--keep] [--no-backtest]

Builds the scale in a temporary SQLite database (unless NEWIND_DATABASE_URL is set): the reference units,
the catalogue (16 monthly indicators) with the demo's synthetic monthly figures (13 counties/zones, 11 parks, the city,
the 14 市州 and the province), 24 more synthetic monthly level indicators for the 13 units and the city
(40 indicators in all), the demo's 2017 targets, and the forecasts' backtest (stored, as the office runs it
monthly; not timed). Then it times `monthly_overview` + content with charts + the three renderings, once
cold (first call in the process: imports, font loading) and `--runs` times warm, and prints one JSON line.
Limit: 5 s for the three documents (issue 4).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 5.0
STEPS = ("overview", "content_and_charts", "docx", "pdf", "xlsx")
TOTAL_INDICATORS = 40  # monthly indicators in all: the catalogue's plus synthetic ones


def _setup_django(db_path: Path | None) -> None:
    if not os.environ.get("NEWIND_DATABASE_URL"):
        assert db_path is not None
        os.environ["NEWIND_DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newind.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _extra_indicators(seed: int = 7) -> int:
    """Synthetic monthly level indicators (up to 40 monthly in all) with cumulative figures 2012–2017 for the
    13 units and the city."""
    from decimal import Decimal

    import numpy as np
    import pandas as pd

    from newind.indicators.models import Indicator
    from newind.indicators.services import (
        apply_observation_plan,
        candidate_frame,
        make_batch,
        plan_observations,
    )
    from newind.units.models import PeerGroupMember, Unit

    codes = list(PeerGroupMember.objects.filter(group__code="yueyang-counties-zones")
                 .values_list("unit__code", flat=True))
    units = dict(Unit.objects.filter(code__in=[*codes, "430600"]).values_list("code", "id"))
    rng = np.random.default_rng(seed)
    rows = []
    existing = Indicator.objects.filter(frequency="monthly").exclude(code__startswith="bench_").count()
    for k in range(1, TOTAL_INDICATORS - existing + 1):
        ind, _ = Indicator.objects.get_or_create(code=f"bench_level_{k:02d}", defaults={
            "name": f"示例指标{k:02d}", "name_en": f"Bench level {k}", "measure_unit": "亿元",
            "frequency": "monthly", "cumulative": True, "price_basis": "current", "value_kind": "level",
            "additive": True, "decimals": 2, "source_department": "示例", "sort_order": 100 + k})
        base = rng.uniform(2, 60, len(codes))
        growth = rng.normal(0.08, 0.05, len(codes))
        season = np.linspace(0.7, 1.3, 12)
        season = season / season.sum()
        total = {code: 0.0 for code in codes}
        for year in range(2012, 2018):
            annual = base * (1 + growth) ** (year - 2016) * rng.lognormal(0, 0.03, len(codes))
            cum = np.cumsum(annual[:, None] * season[None, :] * rng.lognormal(0, 0.05, (len(codes), 12)), axis=1)
            for n in range(2, 13 if year < 2017 else 12):
                for i, code in enumerate(codes):
                    value = round(float(cum[i, n - 1]), 2)
                    total[code] = value
                    rows.append({"indicator_id": ind.id, "unit_id": units[code], "year": year, "period_kind": "M",
                                 "period_n": n, "value": value, "measure_unit": "亿元", "price_basis": "current",
                                 "release": "official", "source": "示例数据（基准测试）", "is_synthetic": True})
                rows.append({"indicator_id": ind.id, "unit_id": units["430600"], "year": year, "period_kind": "M",
                             "period_n": n, "value": round(sum(total.values()), 2), "measure_unit": "亿元",
                             "price_basis": "current", "release": "official", "source": "示例数据（基准测试）",
                             "is_synthetic": True})
    frame = pd.DataFrame(rows)
    frame["value"] = [Decimal(f"{v:.2f}") for v in frame["value"]]
    candidates = candidate_frame(frame.to_dict("records"))
    plan = plan_observations(candidates)
    apply_observation_plan(plan, make_batch("基准测试：示例指标", "", None, "bench", plan), None, "基准测试")
    return len(candidates)


def _build(backtest: bool) -> dict[str, object]:
    from django.core.management import call_command

    from newind.demo.services import prepare_demo
    from newind.indicators.models import Indicator, Observation

    started = time.perf_counter()
    prepare_demo(io.StringIO())  # reference data, catalogue, the demo's figures and targets
    extra = _extra_indicators()
    built = time.perf_counter() - started
    backtest_s = None
    if backtest:
        started = time.perf_counter()
        call_command("forecast", "backtest", stdout=io.StringIO())
        backtest_s = round(time.perf_counter() - started, 2)
    scale: dict[str, object] = {
        "units": 13, "parks": 11, "indicators": Indicator.objects.filter(frequency="monthly").count(),
        "observations": Observation.objects.count(), "extra_indicator_rows": extra,
        "build_s": round(built, 2), "backtest_s": backtest_s,
    }
    if _installed("newind.targets"):
        from newind.targets.models import Target

        scale["targets"] = Target.objects.count()
    return scale


def _installed(app: str) -> bool:
    from django.apps import apps

    return apps.is_installed(app)


def _run_once(period_text: str) -> dict[str, float]:
    from newind.indicators.periods import Period
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview
    from newind.reports.services import render_content

    period = Period.parse(period_text)
    times: dict[str, float] = {}
    # Wall-clock and this process's CPU time: on a shared machine the wall clock also counts waiting for
    # a CPU, the CPU time does not.
    t, c = time.perf_counter(), time.process_time()
    overview = monthly_overview(period)
    times["overview"], times["overview_cpu"] = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    content = build_content(overview, with_charts=True)
    times["content_and_charts"] = time.perf_counter() - t
    times["content_and_charts_cpu"] = time.process_time() - c
    for fmt in ("docx", "pdf", "xlsx"):
        t, c = time.perf_counter(), time.process_time()
        data = render_content(content, fmt)
        times[fmt], times[f"{fmt}_cpu"] = time.perf_counter() - t, time.process_time() - c
        times[f"{fmt}_kb"] = len(data) // 1024
    times["total"] = sum(times[k] for k in STEPS)
    times["total_cpu"] = sum(times[f"{k}_cpu"] for k in STEPS)
    times["key_indicators"] = len(overview.key)
    times["warnings"] = len(overview.warnings)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2017-03")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--no-backtest", action="store_true",
                        help="skip the stored backtest (forecasts then backtest on the fly: much slower)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="newind-report-bench-"))
    db_path = tmp / "bench.sqlite3"
    _setup_django(db_path)
    from django.db import connection

    print(f"准备数据（{connection.vendor}）……", file=sys.stderr)
    scale = _build(backtest=not args.no_backtest)
    print(f"规模：{scale}", file=sys.stderr)
    cold = _run_once(args.period)
    warm = [_run_once(args.period) for _ in range(max(1, args.runs))]
    keys = (*STEPS, "total")
    warm_median = {k: round(statistics.median(w[k] for w in warm), 3) for k in keys}
    warm_cpu = {k: round(statistics.median(w[f"{k}_cpu"] for w in warm), 3) for k in keys}
    result = {
        "bench": "report_monthly",
        "database": connection.vendor,
        "period": args.period,
        "scale": scale,
        "key_indicators": cold["key_indicators"],
        "warnings": cold["warnings"],
        "cold_s": {k: round(cold[k], 3) for k in keys},
        "warm_median_s": warm_median,
        "warm_median_cpu_s": warm_cpu,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "runs": len(warm),
        "sizes_kb": {f: cold[f"{f}_kb"] for f in ("docx", "pdf", "xlsx")},
        "limit_s": LIMIT_SECONDS,
        "within_limit_warm": warm_median["total"] <= LIMIT_SECONDS,
        "within_limit_warm_cpu": warm_cpu["total"] <= LIMIT_SECONDS,
        "within_limit_cold": cold["total"] <= LIMIT_SECONDS,
        "cpus": os.cpu_count(),
    }
    if args.keep:
        result["database_file"] = str(db_path)
    else:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
