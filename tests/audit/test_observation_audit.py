"""Every write of figures is audited: one entry per unit of an import batch, and each revision before → after."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.audit.models import AuditEntry
from newind.audit.services import verify_chain
from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.indicators.services import (
    apply_observation_plan,
    candidate_frame,
    make_batch,
    plan_observations,
    revise_observation,
)
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


def _row(ind: Indicator, unit: Unit, n: int, value: str) -> dict[str, object]:
    return {"indicator_id": ind.id, "unit_id": unit.id, "year": 2017, "period_kind": "M", "period_n": n,
            "value": Decimal(value), "measure_unit": ind.measure_unit, "price_basis": ind.price_basis,
            "release": "flash", "source": "测试"}


def test_an_import_batch_leaves_one_entry_per_unit_and_a_revision_its_before_and_after(cast) -> None:  # type: ignore[no-untyped-def]
    ind = Indicator.objects.filter(frequency="monthly").order_by("code").first()
    assert ind is not None
    yyx, yx = Unit.objects.get(code="430621"), Unit.objects.get(code="430603")
    plan = plan_observations(candidate_frame([_row(ind, yyx, 3, "10"), _row(ind, yyx, 4, "12"),
                                              _row(ind, yx, 3, "7")]))
    batch = make_batch("测试导入", "", cast.office, "file", plan, [])
    apply_observation_plan(plan, batch, cast.office, "")
    entries = AuditEntry.objects.filter(action="observations.write").order_by("unit_code")
    assert [(e.unit_code, e.after["added"], e.after["batch"]) for e in entries] == [
        ("430603", 1, batch.id), ("430621", 2, batch.id)]
    assert all(e.actor == "office" for e in entries)

    revise_observation(ind, yyx.id, Period.month(2017, 3), Decimal("11"), source="更正", reason="核对原始台账",
                       user=cast.office)
    entry = AuditEntry.objects.filter(action="observation.revise").get()
    assert entry.unit_code == "430621" and entry.object_id == ind.code
    assert Decimal(entry.before["value"]) == Decimal("10") and Decimal(entry.after["value"]) == Decimal("11")
    assert entry.after["reason"] == "核对原始台账"
    assert verify_chain().ok
