"""Fixtures of the monthly project progress tests: a hand-made set of projects in 岳阳县 and 云溪区, last
month's (1—2月) published figures, and a task for 2017年1—3月 (imported by the test modules)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from newind.indicators.periods import Period
from newind.projects.models import Project, ProjectProgress, ProjectYearPlan
from newind.units.models import Unit


@dataclass
class Projects:
    a: Project  # 岳阳县, outside the park, 开工; published 1—2月
    b: Project  # 岳阳县工业园 (in the park), 入库纳统
    c: Project  # 岳阳县, 谋划储备: not on the form
    d: Project  # 岳阳县, 达产 in 2016: not on the 2017 form
    e: Project  # 岳阳县, 达产 in March 2017: still on the 2017 form
    f: Project  # 云溪区, 开工


def _project(code: str, name: str, county: str, stage: str, total: str, *, park: str | None = None,
             since: dt.date | None = None, plan: str | None = None) -> Project:
    project = Project.objects.create(
        code=code, name=name, county=Unit.objects.get(code=county),
        park=Unit.objects.get(code=park) if park else None, stage=stage, stage_since=since,
        total_investment=Decimal(total))
    if plan is not None:
        ProjectYearPlan.objects.create(project=project, year=2017, planned_investment=Decimal(plan))
    return project


@pytest.fixture
def projects(cast: Any) -> Projects:
    made = Projects(
        a=_project("XM001", "岳阳县新材料项目", "430621", "started", "50000", plan="12000"),
        b=_project("XM002", "岳阳县园区电子项目", "430621", "in_stats", "8000", park="P430609", plan="3000"),
        c=_project("XM003", "岳阳县储备项目", "430621", "planning", "9000"),
        d=_project("XM004", "岳阳县老达产项目", "430621", "full_production", "7000", since=dt.date(2016, 6, 1)),
        e=_project("XM005", "岳阳县新达产项目", "430621", "full_production", "6000", since=dt.date(2017, 3, 1),
                   plan="500"),
        f=_project("XM101", "云溪区化工项目", "430603", "started", "20000", plan="5000"),
    )
    # 1—2月 of project A, published earlier (the month the checks compare with).
    ProjectProgress.objects.create(project=made.a, year=2017, month=2, month_investment=Decimal("2000"),
                                   ytd_investment=Decimal("2000"), since_start_investment=Decimal("10000"),
                                   is_current=True, published_at=timezone.now())
    return made


@pytest.fixture
def progress_task(projects: Projects, cast: Any) -> Any:
    """岳新工办统2表 for 2017年1—3月, issued to 岳阳县 and 云溪区 (not to the park)."""
    from newind.submissions.services import issue_task

    units = [Unit.objects.get(code="430621").pk, Unit.objects.get(code="430603").pk]
    return issue_task(cast.office, period=Period.month(2017, 3), unit_ids=units, form_code="monthly-projects")


def fields(project: Project, **values: str) -> dict[str, str]:
    """The form's POST fields of one project: `fields(a, month_investment="1500", …)`."""
    return {f"p{project.pk}-{k}": v for k, v in values.items()}


def fill_template(data: bytes, rows: dict[str, dict[str, Any]], edits: dict[str, Any] | None = None) -> bytes:
    """Fill a downloaded progress template: `rows` by project code → {header: value}; `edits` other cells."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["项目进度"]
    header_row = next(r for r in ws.iter_rows(min_row=1, max_row=20) if any(c.value == "项目编号" for c in r))
    columns = {c.value: c.column for c in header_row}
    code_col = columns["项目编号"]
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        code = row[code_col - 1].value
        for header, value in rows.get(str(code), {}).items():
            ws.cell(row=row[0].row, column=columns[header], value=value)
    for ref, value in (edits or {}).items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_file(data: bytes, name: str = "项目进度.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data,
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
