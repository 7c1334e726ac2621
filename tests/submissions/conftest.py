"""Fixtures of the submission workflow: last year's figures, an issued task, and Excel helpers."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.indicators.services import apply_observation_plan, candidate_frame, make_batch, plan_observations
from newind.units.models import Unit

# Last year's (2016年1—3月) figures of 岳阳县 and 云溪区, and a report for 2017年1—3月 that passes every check.
LAST_YEAR = {
    "industrial_output_above_size": Decimal("180.5"), "industrial_va_above_size": Decimal("45.2"),
    "industrial_va_above_size_growth_pct": Decimal("7.9"), "main_business_revenue": Decimal("175.0"),
    "industrial_profit": Decimal("9.8"), "industrial_tax": Decimal("4.1"), "industrial_electricity": Decimal("3.2"),
    "above_size_enterprises": Decimal("121"), "industrial_investment_growth_pct": Decimal("12.0"),
}
GOOD = {
    "industrial_output_above_size": "195.3", "industrial_va_above_size": "48.6",
    "industrial_va_above_size_growth_pct": "7.4", "main_business_revenue": "188.2",
    "industrial_profit": "10.3", "industrial_tax": "4.4", "industrial_electricity": "3.4",
    "above_size_enterprises": "126", "industrial_investment_growth_pct": "15.1",
}
FORM_HALF = list(GOOD)[:5]
EXCEL_HALF = list(GOOD)[5:]


@pytest.fixture
def last_year(cast: Any) -> None:
    period = Period.month(2016, 3)
    rows = []
    for unit_code in ("430621", "430603"):
        unit = Unit.objects.get(code=unit_code)
        for code, value in LAST_YEAR.items():
            ind = Indicator.objects.get(code=code)
            rows.append({"indicator_id": ind.id, "unit_id": unit.id, "year": period.year,
                         "period_kind": period.kind.value, "period_n": period.n, "value": value,
                         "measure_unit": ind.measure_unit, "price_basis": ind.price_basis, "release": "official",
                         "source": "测试：2016年1—3月统计月报", "original": "", "is_synthetic": False})
    plan = plan_observations(candidate_frame(rows))
    apply_observation_plan(plan, make_batch("test", "0" * 64, None, "import", plan))


@pytest.fixture
def task(cast: Any, last_year: None) -> Any:
    """2017年1—3月 monthly report issued by the office to the 13 counties and zones."""
    from newind.submissions.services import issue_task
    from newind.units.queries import peer_group_by_code, peer_group_units

    units = peer_group_units(peer_group_by_code("yueyang-counties-zones"))
    return issue_task(cast.office, period=Period.month(2017, 3), unit_ids=[u.pk for u in units])


@pytest.fixture
def yyx_sub(task: Any) -> Any:
    return task.submissions.get(unit__code="430621")


@pytest.fixture
def yx_sub(task: Any) -> Any:
    return task.submissions.get(unit__code="430603")


def fill_template(data: bytes, values: dict[str, str], *, edits: dict[str, Any] | None = None,
                  explanations: dict[str, str] | None = None) -> bytes:
    """Fill the F (value) and G (explanation) cells of a downloaded template; `edits` sets other cells."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["月报"]
    for row in ws.iter_rows(min_row=7):
        code = row[1].value
        if code in values:
            row[5].value = float(values[code])
        if explanations and code in explanations:
            row[6].value = explanations[code]
    for ref, value in (edits or {}).items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client: Any, sub: Any, data: bytes, name: str = "月报.xlsx") -> Any:
    return client.post(f"/submissions/{sub.pk}/upload/", {"file": io_file(data, name)})


def io_file(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def form_post(values: dict[str, str], action: str = "save", explanations: dict[str, str] | None = None,
              filled_by: str = "张填报") -> dict[str, str]:
    body = {f"v_{k}": v for k, v in values.items()}
    body.update({f"e_{k}": v for k, v in (explanations or {}).items()})
    body["action"] = action
    body["filled_by"] = filled_by
    return body
