"""`revise_observation` carries the version the user saw: a figure changed since is a 409, on both databases."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from newind.core.errors import AppError
from newind.indicators import services
from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period
from newind.indicators.services import (
    REVISION_CONFLICT,
    candidate_frame,
    plan_observations,
    revise_observation,
)
from newind.units.models import Unit

MARCH = Period.month(2017, 3)


@pytest.fixture
def figure(reference_data):  # type: ignore[no-untyped-def]
    """岳阳县 工业税收 2017年1—3月 = 4.4 (version 1)."""
    tax, unit = Indicator.objects.get(code="industrial_tax"), Unit.objects.get(code="430621")
    plan = plan_observations(candidate_frame([{
        "indicator_id": tax.id, "unit_id": unit.id, "year": 2017, "period_kind": "M", "period_n": 3,
        "value": Decimal("4.4"), "measure_unit": tax.measure_unit, "price_basis": tax.price_basis,
        "release": "flash", "source": "快报"}]))
    services.apply_observation_plan(plan, None)
    return tax, unit


def _history(tax, unit) -> list[tuple[int, Decimal, bool]]:  # type: ignore[no-untyped-def]
    return list(Observation.objects.filter(indicator=tax, unit=unit).order_by("version")
                .values_list("version", "value", "is_current"))


@pytest.mark.django_db
def test_a_revision_from_a_stale_page_is_a_409_and_writes_nothing(figure):  # type: ignore[no-untyped-def]
    tax, unit = figure
    revise_observation(tax, unit.id, MARCH, Decimal("4.7"), source="税务局", reason="复核", expected_version=1)
    with pytest.raises(AppError) as excinfo:  # a second user who also saw version 1
        revise_observation(tax, unit.id, MARCH, Decimal("4.8"), source="税务局", reason="复核", expected_version=1)
    assert excinfo.value.status == 409 and excinfo.value.message == REVISION_CONFLICT
    assert _history(tax, unit) == [(1, Decimal("4.4"), False), (2, Decimal("4.7"), True)]
    revise_observation(tax, unit.id, MARCH, Decimal("4.8"), source="税务局", reason="再复核", expected_version=2)
    assert _history(tax, unit)[-1] == (3, Decimal("4.8"), True)


@pytest.mark.django_db
def test_a_reason_over_300_characters_is_refused_not_cut(figure):  # type: ignore[no-untyped-def]
    tax, unit = figure
    with pytest.raises(AppError, match="修改原因有301个字，超过300字"):
        revise_observation(tax, unit.id, MARCH, Decimal("4.7"), source="税务局", reason="因" * 301)
    assert len(_history(tax, unit)) == 1


@pytest.mark.django_db
def test_a_rival_taking_the_same_version_number_is_the_same_409(figure, monkeypatch):  # type: ignore[no-untyped-def]
    tax, unit = figure
    real = services.bulk_insert_observations

    def rival_first(rows):  # type: ignore[no-untyped-def]
        real(rows.assign(batch_id=None))
        real(rows)

    monkeypatch.setattr(services, "bulk_insert_observations", rival_first)
    with pytest.raises(AppError) as excinfo:
        revise_observation(tax, unit.id, MARCH, Decimal("4.7"), source="税务局", reason="复核")
    assert excinfo.value.status == 409 and excinfo.value.message == REVISION_CONFLICT
    assert _history(tax, unit) == [(1, Decimal("4.4"), True)]


@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_revisions_take_turns(figure):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("只在 PostgreSQL 上运行：SQLite 的测试库在内存中，几个连接不能同时写入。")
    tax, unit = figure
    start = threading.Barrier(3, timeout=20)
    outcomes: list[object] = []

    def revise(value: str) -> None:
        try:
            start.wait()
            revise_observation(tax, unit.id, MARCH, Decimal(value), source="税务局", reason="同时", expected_version=1)
            outcomes.append("ok")
        except AppError as error:
            outcomes.append(error.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=revise, args=(v,)) for v in ("4.7", "4.8", "4.9")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes, key=str) == [409, 409, "ok"]
    history = _history(tax, unit)
    assert [(v, c) for v, _, c in history] == [(1, False), (2, True)]
