"""Hand-made projects for the lights, problems and campaign tests (made with the ORM: the registry's
services are another part's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from newind.projects.models import Project, ProjectProgress, ProjectStage, ProjectStoppage, ProjectYearPlan
from newind.units.models import Unit


def unit(code: str, name: str, kind: str = "county") -> Unit:
    found, _ = Unit.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "is_synthetic": True})
    return found


def project(code: str, county: Unit, *, stage: str = "planning", stages: dict[str, tuple[Any, Any]] | None = None,
            total: float = 50000, contract: float | None = None, leader: str = "张市长",
            responsible: Unit | None = None, **extra: Any) -> Project:
    """A project with its stages {stage: (planned_on, actual_on)} (ISO texts or None)."""
    p = Project.objects.create(code=code, name=f"{code}项目", county=county, total_investment=Decimal(str(total)),
                               contract_amount=Decimal(str(contract)) if contract is not None else None,
                               leader_name=leader, responsible_unit=responsible, stage=stage, is_synthetic=True,
                               **extra)
    for s, (planned, actual) in (stages or {}).items():
        ProjectStage.objects.create(project=p, stage=s, planned_on=dt.date.fromisoformat(planned) if planned else None,
                                    actual_on=dt.date.fromisoformat(actual) if actual else None)
    return p


def progress(p: Project, year: int, month: int, ytd: float, *, current: bool = True) -> ProjectProgress:
    return ProjectProgress.objects.create(project=p, year=year, month=month, month_investment=Decimal("0"),
                                          ytd_investment=Decimal(str(ytd)), since_start_investment=Decimal(str(ytd)),
                                          is_current=current, is_synthetic=True)


def plan(p: Project, year: int, amount: float) -> None:
    ProjectYearPlan.objects.create(project=p, year=year, planned_investment=Decimal(str(amount)))


def stop(p: Project, on: str, reason: str, resumed: str | None = None) -> None:
    ProjectStoppage.objects.create(project=p, stopped_on=dt.date.fromisoformat(on), reason=reason,
                                   resumed_on=dt.date.fromisoformat(resumed) if resumed else None)
