"""Units for the case tests: two departments, a co-handling department and two firms."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from newind.cases.sla import TZ


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def units(db):  # type: ignore[no-untyped-def]
    from newind.units.models import Unit

    def make(code: str, name: str, kind: str) -> Unit:
        return Unit.objects.create(code=code, name=name, kind=kind, is_synthetic=True)

    return SimpleNamespace(
        fgw=make("D-FGW", "市发展和改革委员会", "department"),
        zrzy=make("D-ZRZY", "市自然资源和规划局", "department"),
        rsj=make("D-RSJ", "市人力资源和社会保障局", "department"),
        firm=make("91430600MA4L000001", "岳阳示例化工有限公司", "enterprise"),
        other_firm=make("91430600MA4L000002", "岳阳示例纺织有限公司", "enterprise"),
    )
