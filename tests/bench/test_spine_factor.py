"""`newind bench spine --factor F`: the same province shape with F times the cities and enterprises (the
1×, 2× and 5× points of docs/scaling.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from newind.core.errors import AppError


def test_the_factor_multiplies_enterprises_and_cities():
    env = {k: v for k, v in os.environ.items() if k != "NEWIND_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "newind.cli", "bench", "spine", "--scale", "city", "--enterprises", "5",
         "--indicators", "1", "--years", "1", "--factor", "2"],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )
    line = json.loads(done.stdout.strip().splitlines()[-1])
    # 5 enterprises × 2 = 10, × 1 indicator × 1 year × 11 cumulative periods (1—2月 … 1—12月) = 110.
    assert line["observations"] == 10 * 1 * 11
    assert line["scale"] == "city×2"
    assert line["scale_detail"]["cities"] == 2 and line["scale_detail"]["enterprises"] == 10
    assert line["scale_detail"]["counties_per_city"] == 9  # the shape of each city is unchanged
    assert line["rollup_max_abs_diff"] < 1e-6


def test_a_factor_below_one_is_refused(db):
    with pytest.raises(AppError, match="--factor"):
        call_command("bench", "spine", "--factor", "0")
