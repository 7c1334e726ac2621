"""The five registry firms of tests/enterprises with 2017 figures, and three policies over them.

- ZB 岳阳县装备 (规上, 3411, 岳阳县工业园): 营业收入 2,300万元, 研发 92万元 (4%) → qualifies for 研发
- SH 云溪石化 (规上, 2511): 营业收入 2,300万元, 研发 27.6万元 (1.2%) → misses 研发 by one criterion
- LQ 楼区食品 (规上, 1331, 停产): 营业收入 3,000万元, no 研发 figure → "?" for 研发, never a miss
- ML 汨罗再生资源, JS 君山药业 (规下): 营业收入 800 and 500万元 → miss the 规上 criterion and the revenue
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.enterprises.conftest import GOOD_ROWS, imported  # noqa: F401 (fixture)

ZB, SH, ML, LQ, JS = (row[0] for row in GOOD_ROWS)
FIGURES = {ZB: {"sales_revenue": 2300, "rd_spending": 92, "tax_paid": 80},
           SH: {"sales_revenue": 2300, "rd_spending": 27.6, "tax_paid": 60},
           LQ: {"sales_revenue": 3000, "tax_paid": 40},
           ML: {"sales_revenue": 800, "rd_spending": 5},
           JS: {"sales_revenue": 500}}
RD = [{"field": "above_size", "op": "is"},
      {"field": "sales_revenue", "op": "ge", "value": 2000},
      {"field": "rd_spending", "op": "ratio", "of": "sales_revenue", "value": 3, "label": "研发投入占比"},
      {"field": "dishonest", "op": "not"}]


def policy_values(code: str, title: str, criteria: list, department: str = "") -> dict:
    return {"code": code, "title": title, "issuer": "岳阳市人民政府", "doc_number": "岳政发〔2017〕5号", "level": "municipal",
            "category": "tech", "criteria": criteria, "department_name": department}


@pytest.fixture
def firms(imported):  # type: ignore[no-untyped-def]  # noqa: F811
    """The five firms with their 2017 annual figures (as the spine holds them)."""
    from newind.indicators.models import Indicator, Observation
    from newind.units.models import Unit

    inds = {i.code: i for i in Indicator.objects.filter(code__in=["sales_revenue", "rd_spending", "tax_paid"])}
    units = dict(Unit.objects.filter(code__in=list(FIGURES)).values_list("code", "id"))
    Observation.objects.bulk_create([
        Observation(indicator=inds[code], unit_id=units[firm], year=2017, period_kind="Y", period_n=0,
                    value=Decimal(str(v)), measure_unit="万元", source="测试")
        for firm, values in FIGURES.items() for code, v in values.items()])
    return units


@pytest.fixture
def policies(firms):  # type: ignore[no-untyped-def]
    """研发 (published, executed by 市工信局), 高企 (published, needs a certificate), 石化 (a draft of 市统计局)."""
    from newind.accounts.access import COMMAND_LINE
    from newind.policies import services
    from newind.units.models import Unit

    gxj = Unit.objects.get(code="D430600-GXJ")
    tjj = Unit.objects.get(code="D430600-TJJ")
    rd = services.save_policy({**policy_values("t-rd", "研发投入后补助", RD), "department_id": gxj.pk},
                              user=COMMAND_LINE)
    hitech = services.save_policy({**policy_values("t-hitech", "高新技术企业认定奖励", [
        RD[2], {"op": "supply", "label": "高新技术企业证书"}]), "department_id": gxj.pk}, user=COMMAND_LINE)
    draft = services.save_policy({**policy_values("t-draft", "石化企业奖励（草稿）", [
        {"field": "industry", "op": "in", "value": ["25"]}]), "department_id": tjj.pk}, user=COMMAND_LINE)
    for p in (rd, hitech):
        services.transition(p, "publish", user=COMMAND_LINE, year=2017)
    rd.refresh_from_db()
    hitech.refresh_from_db()
    return {"rd": rd, "hitech": hitech, "draft": draft}


@pytest.fixture
def people(cast, firms):  # type: ignore[no-untyped-def]
    """Two firm users (装备 ZB, 石化 SH) and a 市工信局 department user (the 研发 policy's executor)."""
    from newind.accounts.services import create_user

    def make(username: str, role: str, unit: str):  # type: ignore[no-untyped-def]
        return create_user(username, role, password=cast.PASSWORD, unit_code=unit, name=username,
                           must_change_password=False)

    return {"zb": make("firm_zb", "enterprise", ZB), "sh": make("firm_sh", "enterprise", SH),
            "gxj": make("dept_gxj", "department", "D430600-GXJ"), "tjj": make("dept_tjj", "department", "D430600-TJJ")}
