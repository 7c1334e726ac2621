"""The targets import and the shared upload rules: limits, size, hidden rows and columns (issue 7)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from newind.indicators.models import Indicator
from newind.targets.models import Target
from newind.units.models import Unit
from tests.upload_files import SheetXml, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(cast):  # type: ignore[no-untyped-def]
    va = Indicator.objects.get(code="industrial_va_above_size")
    Target.objects.create(indicator=va, unit=Unit.objects.get(code="430621"), year=2017, kind="hard",
                          value=Decimal("133.1"))


def targets() -> list[tuple[object, ...]]:
    return list(Target.objects.order_by("pk").values_list("indicator__code", "unit__code", "kind", "value"))


def post(client, data: bytes, name: str = "targets.xlsx", **fields):  # type: ignore[no-untyped-def]
    f = io.BytesIO(data)
    f.name = name
    return client.post("/targets/import/", {"file": f, "year": 2017, **fields})


def test_a_workbook_beyond_the_row_limit_is_refused(existing, client_as):
    before = targets()
    far = workbook(SheetXml("目标任务", b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                        b'<row r="200000"><c r="A200000"><v>1</v></c></row>'))
    response = post(client_as("office"), far)
    assert response.status_code == 413
    assert "工作表「目标任务」的内容延伸到第200000行，超过每张表 100000 行的上限" in response.content.decode()
    assert targets() == before


def test_an_oversized_file_is_refused_by_the_same_check(existing, client_as, settings):
    settings.NEWIND_IMPORT_MAX_BYTES = 1024
    before = targets()
    response = post(client_as("office"), b"x" * 3000, "targets.csv")
    assert response.status_code == 413
    assert "文件过大（3 KB），超过上传上限 1 KB：请拆分为较小的文件后再上传。" in response.content.decode()
    assert targets() == before
