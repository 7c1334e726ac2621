"""The cast and units of the case tests, the clock, and the heads of the city and two departments."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.cases.conftest import attachments_dir, clock, login, people, units  # noqa: F401 (fixtures)
from tests.reports.conftest import demo_figures  # noqa: F401 (fixture)


@pytest.fixture
def heads(people, units):  # type: ignore[no-untyped-def]  # noqa: F811
    from newind.supervision.models import UnitHead
    from newind.units.models import Unit

    city = Unit.objects.filter(kind="city").first() or Unit.objects.create(code="430600-T", name="岳阳市（测试）",
                                                                           kind="city", is_synthetic=True)
    return SimpleNamespace(
        mayor=UnitHead.objects.create(unit=city, name="示例市长", post="市长", user=people.leader, is_principal=True),
        fgw=UnitHead.objects.create(unit=units.fgw, name="示例局长甲", post="主任", is_principal=True),
        zrzy=UnitHead.objects.create(unit=units.zrzy, name="示例局长乙", post="局长", is_principal=True))
