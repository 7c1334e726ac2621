"""Park roll-ups from their firms equal hand sums; the league table and the park page; who may open them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from newind.enterprises.models import EnterpriseProfile
from newind.indicators.models import Indicator
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from newind.parks import queries
from newind.parks.models import ParkProfile
from newind.parks.services import load_park_registry
from newind.units.models import Unit
from tests.enterprises.conftest import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db

# Two more firms in 岳阳县工业园 (P430609), so the park has three; one of them deregistered.
MORE = [["91430621MA4L00000N", "岳阳县示例食品有限公司", "岳阳县", "P430609", "规上", "1331", "在产"],
        ["91430600000000001W", "", "", "", "", "", ""]]


def _figures(rows: list[tuple[str, str, int, str]], kind: str = "Y", n: int = 0) -> None:
    inds = {i.code: i for i in Indicator.objects.all()}
    units = dict(Unit.objects.values_list("code", "id"))
    data = [{"indicator_id": inds[i].id, "unit_id": units[c], "year": y, "period_kind": kind, "period_n": n,
             "value": Decimal(v), "measure_unit": inds[i].measure_unit, "price_basis": inds[i].price_basis,
             "release": "official", "source": "测试"} for c, i, y, v in rows]
    apply_observation_plan(plan_observations(candidate_frame(data)), None)


@pytest.fixture
def park_data(imported):  # type: ignore[no-untyped-def]
    from newind.enterprises.services import apply_registry_import, prepare_registry_import

    apply_registry_import(prepare_registry_import(csv_bytes([MORE[0]]), "补充.csv"))
    load_park_registry(settings.DEFINITIONS_DIR / "parks" / "yueyang-demo.yaml", synthetic=True)
    zb, sh, mr, lz, js = (r[0] for r in GOOD_ROWS)
    sp = MORE[0][0]
    _figures([
        # 岳阳县工业园: 装备 (3411) and 食品 (1331, a leading industry: 食品加工 13/14).
        (zb, "tax_paid", 2017, "300"), (zb, "land_area", 2017, "60"), (zb, "value_added", 2017, "900"),
        (zb, "sales_revenue", 2017, "4000"),
        (sp, "tax_paid", 2017, "120.5"), (sp, "land_area", 2017, "40"), (sp, "value_added", 2017, "500"),
        (sp, "sales_revenue", 2017, "6000"),
        # 绿色化工园: one firm.
        (sh, "tax_paid", 2017, "1000"), (sh, "land_area", 2017, "200"), (sh, "sales_revenue", 2017, "50000"),
        (sh, "value_added", 2017, "8000"),
        # 岳阳楼区's firm is in no park: it must not be counted anywhere.
        (lz, "tax_paid", 2017, "999"), (lz, "land_area", 2017, "1"),
    ])
    # The parks' own 技工贸总收入 (亿元): 绿色化工园 full 2016, 2017 only to 1—11月; 岳阳县工业园 full 2017.
    _figures([("P430603", "park_tgm_income", 2016, "420")], "M", 12)
    _figures([("P430603", "park_tgm_income", 2017, "410")], "M", 11)
    _figures([("P430609", "park_tgm_income", 2017, "64")], "M", 12)


def test_park_rollups_equal_the_hand_sums_of_their_firms(park_data) -> None:
    roll = queries.park_rollups(2017)
    yyx = Unit.objects.get(code="P430609").pk
    lh = Unit.objects.get(code="P430603").pk
    # 岳阳县工业园: tax 300 + 120.5 = 420.5; land 60 + 40 = 100; two firms summed.
    assert roll.at[yyx, "tax_paid"] == pytest.approx(420.5)
    assert roll.at[yyx, "land_area"] == pytest.approx(100.0)
    assert roll.at[yyx, "tax_paid_firms"] == 2
    assert roll.at[lh, "tax_paid"] == pytest.approx(1000.0)
    assert Unit.objects.get(code="430602").pk not in roll.index  # 岳阳楼区 hosts no park
    assert set(roll.index) == {yyx, lh}
    # Only 规上 firms: the same here (both are 规上).
    assert queries.park_rollups(2017, size="above").at[yyx, "tax_paid"] == pytest.approx(420.5)


def test_a_deregistered_firm_leaves_its_parks_rollup(park_data) -> None:
    EnterpriseProfile.objects.filter(credit_code=MORE[0][0]).update(status="deregistered")
    yyx = Unit.objects.get(code="P430609").pk
    assert queries.park_rollups(2017).at[yyx, "tax_paid"] == pytest.approx(300.0)


def test_the_league_table_by_hand(park_data) -> None:
    # 岳阳县工业园 leads with 食品加工 only here (the demo file also lists 机械制造 34, which would make
    # the 装备 firm leading too).
    ParkProfile.objects.filter(unit__code="P430609").update(leading_industries=[{"name": "食品加工",
                                                                                 "codes": ["13", "14"]}])
    table = queries.league_table(2017, sort="tax_per_mu", by_year=2020)
    rows = {r["unit"].code: r for r in table.rows}
    yyx, lh = rows["P430609"], rows["P430603"]
    # 亩均税收: 420.5 / 100 = 4.205; 1000 / 200 = 5.0 → 绿色化工园 first, 岳阳县工业园 second.
    assert yyx["tax_per_mu"] == pytest.approx(4.205) and lh["tax_per_mu"] == pytest.approx(5.0)
    assert (lh["rank"], yyx["rank"]) == (1, 2) and table.reported == 2
    # 亩均增加值: (900 + 500) / 100 = 14.
    assert yyx["va_per_mu"] == pytest.approx(14.0)
    # 主导产业集聚度 (食品加工 13/14 in 岳阳县工业园): 6000 / (4000 + 6000) = 60 %.
    assert yyx["concentration_pct"] == pytest.approx(60.0)
    # Progress: 岳阳县工业园 64亿 in full 2017 → 100亿 by 2020: (100/64)^(1/3) − 1 = 16.0397 %.
    assert (yyx["base"], yyx["base_year"], yyx["gap_100"]) == (64.0, 2017.0, 36.0)
    assert yyx["growth_100"] == pytest.approx(((100 / 64) ** (1 / 3) - 1) * 100)
    # 绿色化工园 has only 1—11月 of 2017 (410), so its base is 2016's full 420: past 百亿; 千亿 needs
    # (1000/420)^(1/4) − 1 a year over the four years 2016 → 2020.
    assert (lh["scale"], lh["months"], lh["base"], lh["base_year"]) == (410.0, 11.0, 420.0, 2016.0)
    assert bool(lh["crossed_100"]) and lh["gap_1000"] == 580.0
    assert lh["growth_1000"] == pytest.approx(((1000 / 420) ** (1 / 4) - 1) * 100)
    # Parks without any firm figure are listed without a rank.
    assert rows["P430601"]["rank"] is None and len(table.rows) == ParkProfile.objects.count() == 11


def test_the_league_page_and_a_park_page(client_as, park_data) -> None:  # type: ignore[no-untyped-def]
    client = client_as("leader")
    page = client.get("/parks/?year=2017&sort=va_per_mu&by=2020")
    text = page.content.decode()
    assert page.status_code == 200 and "按亩均增加值排名，2个园区有数据" in text
    assert 'id="league-table"' in text and "已跨越" in text and "（1—11月）" in text
    park = client.get("/parks/P430609/?year=2017").content.decode()
    # (Both its firms are in its leading industries 13/14 and 34 here: 100 %.)
    assert "岳阳县工业园" in park and "100.0%" in park and "投资强度 ≥ 200、亩均税收 ≥ 20、亩均产值 ≥ 300 万元/亩" in park
    # Provincial thresholds: 装备 300/60 = 5 < 20 and 食品 120.5/40 = 3.01 < 20 万元/亩 of tax; output
    # (营业收入) 4000/60 = 66.7 and 6000/40 = 150, both < 300.
    assert "亩均税收：0/2 家；亩均产值（按营业收入）：0/2 家" in park
    assert client.get("/parks/P999999/").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("yyx_rep", 200), ("auditor", 403),
                                             ("sysadmin", 403)])
def test_who_opens_the_park_league_table(client_as, park_data, who: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert client_as(who).get("/parks/").status_code == status


def test_an_enterprise_user_does_not_open_the_park_league_table(client, firm_users) -> None:  # type: ignore[no-untyped-def]
    client.force_login(firm_users["zb"])
    assert client.get("/parks/").status_code == 403


def test_loading_the_park_registry_twice_changes_nothing_and_is_audited(reference_data) -> None:
    from newind.audit.models import AuditEntry

    path = settings.DEFINITIONS_DIR / "parks" / "yueyang-demo.yaml"
    assert load_park_registry(path) == 11
    assert load_park_registry(path) == 0
    assert AuditEntry.objects.filter(action="parks.profile").count() == 11
    lh = ParkProfile.objects.get(unit__code="P430603")
    assert lh.level == "provincial" and lh.leading_codes == ["25", "26", "29", "30"]
