"""A hand-made set of projects for the portfolio and 赛马 tests (definitions: projects.calc, section
"portfolio and league"). Amounts in 万元. Three counties, each with a park of its own:

岳阳县 430621 (park P430609, other provincial park: quota ≥ 1 industrial ≥ 50,000万元)
  A1 total 120,000, contract 110,000, industrial, fortune500; signed 2017-03-10; 开工 planned 2017-04-01,
     actual 2017-04-20; 投产 planned 2017-12-01; plan 2017 40,000; 1—6月 ytd 20,000, funds 50,000
  A2 total 8,000, no contract amount, industrial, china500 + private500 (one project); signed 2017-05-05;
     开工 planned 2017-06-10, not started (overdue at 2017-06-30); plan 4,000; 1—5月 ytd 1,000 (no June row)
  A3 total 30,000, not industrial, falsified, no park; signed 2016-08-01; 开工 planned 2016-10-01, actual
     2016-11-01; 投产 planned 2017-05-01 and only the 投产 row has its actual date 2017-05-20;
     plan 10,000; 1—6月 ytd 9,000, funds 25,000
  A4 total 5,000, not industrial, no stage row at all (谋划储备)
临湘市 430682 (park P430605, other provincial park)
  B1 total 60,000, contract 60,000, industrial; signed 2017-02-15; 开工 planned 2017-03-01, actual 2017-03-15;
     投产 planned 2017-06-01, not reached; plan 30,000; 1—6月 ytd 30,000, funds 60,000
  B2 total 15,000, not industrial, private500; signed 2017-06-30 (the period's last day); 开工 planned 2017-09-01
  B3 total 2,500 (below every band), industrial; signed 2017-01-01 (the first day); 开工 planned 2016-12-01,
     not started (overdue)
云溪区 430603 (park P430603, key park: quota ≥ 1 industrial ≥ 100,000万元)
  C1–C6 total 3,000 each (the 0.3亿 lower bound), industrial, fortune500; signed 2017-04-01;
     C1 plan 1,000 and 1—6月 ytd 600
  C7 total 100,000 (the 10亿 lower bound) but not industrial; signed 2017-02-01
  C8 total 10,000 (the 1亿 lower bound), industrial; signed 2017-03-01
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from newind.projects.models import Project, ProjectProgress, ProjectStage, ProjectYearPlan
from newind.units.models import Unit

D = dt.date


def _project(code: str, county: str, park: str | None, total: int, *, contract: int | None = None,
             industrial: bool = True, flags: list[str] | None = None, falsified: bool = False) -> Project:
    units = {u.code: u for u in Unit.objects.filter(code__in=[county, park])}
    return Project.objects.create(code=code, name=f"项目{code}", county=units[county],
                                  park=units.get(park) if park else None, total_investment=Decimal(total),
                                  contract_amount=None if contract is None else Decimal(contract),
                                  is_industrial=industrial, investor_flags=flags or [], is_falsified=falsified,
                                  falsified_reason="虚报开工" if falsified else "")


def _stage(p: Project, stage: str, planned: dt.date | None = None, actual: dt.date | None = None) -> None:
    ProjectStage.objects.create(project=p, stage=stage, planned_on=planned, actual_on=actual)


def _progress(p: Project, month: int, ytd: int, funds: int | None = None) -> None:
    ProjectProgress.objects.create(project=p, year=2017, month=month, month_investment=Decimal(0),
                                   ytd_investment=Decimal(ytd), since_start_investment=Decimal(ytd),
                                   funds_in_place=None if funds is None else Decimal(funds), is_current=True)


def _plan(p: Project, amount: int) -> None:
    ProjectYearPlan.objects.create(project=p, year=2017, planned_investment=Decimal(amount))


def make_projects() -> dict[str, Project]:
    a1 = _project("A1", "430621", "P430609", 120000, contract=110000, flags=["fortune500"])
    _stage(a1, "signed", actual=D(2017, 3, 10))
    _stage(a1, "started", planned=D(2017, 4, 1), actual=D(2017, 4, 20))
    _stage(a1, "producing", planned=D(2017, 12, 1))
    _plan(a1, 40000)
    _progress(a1, 6, 20000, 50000)
    a2 = _project("A2", "430621", "P430609", 8000, flags=["china500", "private500"])
    _stage(a2, "signed", actual=D(2017, 5, 5))
    _stage(a2, "started", planned=D(2017, 6, 10))
    _plan(a2, 4000)
    _progress(a2, 5, 1000)
    a3 = _project("A3", "430621", None, 30000, industrial=False, falsified=True)
    _stage(a3, "signed", actual=D(2016, 8, 1))
    _stage(a3, "started", planned=D(2016, 10, 1), actual=D(2016, 11, 1))
    _stage(a3, "producing", planned=D(2017, 5, 1), actual=D(2017, 5, 20))
    _plan(a3, 10000)
    _progress(a3, 6, 9000, 25000)
    a4 = _project("A4", "430621", None, 5000, industrial=False)
    b1 = _project("B1", "430682", "P430605", 60000, contract=60000)
    _stage(b1, "signed", actual=D(2017, 2, 15))
    _stage(b1, "started", planned=D(2017, 3, 1), actual=D(2017, 3, 15))
    _stage(b1, "producing", planned=D(2017, 6, 1))
    _plan(b1, 30000)
    _progress(b1, 6, 30000, 60000)
    b2 = _project("B2", "430682", "P430605", 15000, industrial=False, flags=["private500"])
    _stage(b2, "signed", actual=D(2017, 6, 30))
    _stage(b2, "started", planned=D(2017, 9, 1))
    b3 = _project("B3", "430682", "P430605", 2500)
    _stage(b3, "signed", actual=D(2017, 1, 1))
    _stage(b3, "started", planned=D(2016, 12, 1))
    out = {"A1": a1, "A2": a2, "A3": a3, "A4": a4, "B1": b1, "B2": b2, "B3": b3}
    for i in range(1, 7):
        c = _project(f"C{i}", "430603", "P430603", 3000, contract=3000, flags=["fortune500"])
        _stage(c, "signed", actual=D(2017, 4, 1))
        out[c.code] = c
    _plan(out["C1"], 1000)
    _progress(out["C1"], 6, 600)
    c7 = _project("C7", "430603", "P430603", 100000, industrial=False)
    _stage(c7, "signed", actual=D(2017, 2, 1))
    c8 = _project("C8", "430603", "P430603", 10000)
    _stage(c8, "signed", actual=D(2017, 3, 1))
    out.update({"C7": c7, "C8": c8})
    return out
