"""The demo's 2017 targets: idempotent, built from the synthetic figures, with all three lights."""

from __future__ import annotations

import io

import pytest

from newind.indicators import demo as indicators_demo
from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.targets import demo
from newind.targets.models import Target
from newind.targets.queries import decomposition, target_progress
from newind.targets.rules import schedule_basis_for
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_targets(reference_data):
    indicators_demo.load_demo(io.StringIO())
    out = io.StringIO()
    created = demo.load_demo(out)
    assert created > 40 and "示例数据" in out.getvalue()
    assert demo.load_demo(io.StringIO()) == 0  # idempotent
    assert Target.objects.filter(is_synthetic=True).count() == created
    lights = set(target_progress(Period.parse("2017-03"))["light"])
    assert {"green", "yellow", "red"} <= lights
    d = decomposition(Indicator.objects.get(code="industrial_va_above_size"), 2017, "hard",
                      Unit.objects.get(code="430600"))
    assert not d["check"].covers and d["check"].message.startswith("分解合计比全市目标少")
    assert len(d["parks"]) == 0 and d["missing"] == 0


def test_investment_follows_last_years_profile_by_default():
    assert schedule_basis_for("industrial_investment") == "last_year"
    assert schedule_basis_for("industrial_va_above_size") == "calendar"
