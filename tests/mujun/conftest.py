"""Fixtures shared with the registry tests (the five imported firms) and the stored-evaluation tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newind.enterprises.models import EnterpriseProfile
from newind.indicators.models import Indicator
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from tests.enterprises import conftest as registry_fixtures
from tests.enterprises.conftest import GOOD_ROWS

imported = registry_fixtures.imported  # the five imported firms, as a fixture here
ZB, SH, MR, LZ, JS = (r[0] for r in GOOD_ROWS)  # MR and JS are the two 规下 firms


def _write(figures: list[tuple[str, str, int, str]]) -> None:
    inds = {i.code: i for i in Indicator.objects.all()}
    units = dict(EnterpriseProfile.objects.values_list("credit_code", "unit_id"))
    rows = [{"indicator_id": inds[ind].id, "unit_id": units[code], "year": year, "period_kind": "Y", "period_n": 0,
             "value": Decimal(v), "measure_unit": inds[ind].measure_unit, "price_basis": inds[ind].price_basis,
             "release": "official", "source": "企业年报"} for code, ind, year, v in figures]
    apply_observation_plan(plan_observations(candidate_frame(rows)), None)


@pytest.fixture
def figures(imported) -> None:  # type: ignore[no-untyped-def]
    # Two 规下 firms with every input of their items; the 规上 firms have no figures (not rated).
    _write([(MR, "tax_paid", 2017, "100"), (MR, "land_area", 2017, "10"), (MR, "power_use", 2017, "50"),
            (JS, "tax_paid", 2017, "40"), (JS, "land_area", 2017, "20"), (JS, "power_use", 2017, "10")])


@pytest.fixture
def mr_user(cast, imported):  # type: ignore[no-untyped-def]
    from newind.accounts.services import create_user

    return create_user("firm_mr", "enterprise", password=cast.PASSWORD, unit_code=MR, name="汨罗示例",
                       must_change_password=False)
