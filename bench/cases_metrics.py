"""Time the case metrics and the overdue list over N synthetic cases (default 100,000); one JSON line last.

    NEWIND_DATABASE_URL=sqlite:////tmp/cases-bench.sqlite3 .venv/bin/python bench/cases_metrics.py [N]

The same generator and measurements as `newind bench cases` (newind.bench.cases), which is the benchmark
command of issue 11; this script keeps its data (use an empty database of its own).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newind.settings")


def main(n: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from newind.bench.cases import generate_cases, measure

    written = generate_cases(n)
    return {**measure(), "load_s": written["load_s"]}


if __name__ == "__main__":
    from newind.bench.cases import summary_line

    print(summary_line(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
