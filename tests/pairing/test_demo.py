"""The demo's pairings and visits: key firms paired five to an official, December with gaps, some appeals."""

from __future__ import annotations

import io

import pytest

from newind.cases.models import Case
from newind.pairing import queries
from newind.pairing.models import Official, Pairing, Visit, VisitProblem

pytestmark = pytest.mark.django_db


def test_the_demo_pairs_the_key_firms_and_loads_once(reference_data) -> None:
    from newind.enterprises.demo import load_demo as load_registry
    from newind.pairing.demo import ACCOUNTS, PAIRED_SHARE, load_demo

    load_registry(io.StringIO())
    out = io.StringIO()
    load_demo(out)
    keys = queries.key_firm_ids()
    pairings = Pairing.objects.filter(is_synthetic=True)
    assert pairings.count() == round(len(keys) * PAIRED_SHARE)
    assert set(pairings.values_list("firm_id", flat=True)) <= keys
    # Five firms to an official (the quota), the last one takes the rest; three officials have accounts.
    loads = sorted(queries.official_load(Official.objects.all(), queries.calc.month_bounds(2017, 12)[0]).values())
    assert loads[-1] == 5 and loads[0] >= 1 and sum(loads) == pairings.count()
    assert Official.objects.filter(user__username__in=[a[0] for a in ACCOUNTS]).count() == 3
    gaps = queries.month_gaps(Pairing.objects.all(), 2017, 12)
    november = queries.month_gaps(Pairing.objects.all(), 2017, 11)
    assert gaps.counts["pairings"] == pairings.count()
    assert gaps.counts["pairings_short"] > 2 * november.counts["pairings_short"] > 0
    assert gaps.counts["key_firms_unpaired"] == len(keys) - pairings.count()
    assert Visit.objects.filter(is_synthetic=True, date__year=2017).count() == Visit.objects.count()
    appealed = VisitProblem.objects.exclude(case=None)
    assert 0 < appealed.count() <= 12 and Case.objects.filter(channel="visit", is_synthetic=True).count() == appealed.count()
    assert "示例数据" in out.getvalue()
    load_demo(out)
    assert Pairing.objects.count() == pairings.count() and "已存在" in out.getvalue()
