"""Pairing lists for the tests: two officials paired with the registry tests' five firms."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from tests.enterprises import conftest as registry_fixtures
from tests.enterprises.conftest import GOOD_ROWS

imported = registry_fixtures.imported  # the five imported firms (ZB, SH, LZ 规上; MR, JS 规下)
firm_users = registry_fixtures.firm_users  # firm_zb (装备) and firm_sh (石化)
ZB, SH, MR, LZ, JS = (r[0] for r in GOOD_ROWS)
NAMES = {r[0]: r[1] for r in GOOD_ROWS}
HEADER = ["包联干部", "干部单位", "联系电话", "平台账号", "企业名称", "统一社会信用代码", "开始日期"]
ZHANG = ["张三", "市工业和信息化局", "13907300001", "yyx_rep"]
LI = ["李四", "市发展和改革委员会", "13907300002", ""]
LIST_ROWS = [
    [*ZHANG, NAMES[ZB], ZB, "2017-01-01"],
    [*ZHANG, NAMES[SH], SH, "2017-01-01"],
    [*LI, NAMES[LZ], LZ, "2017-01-01"],
    [*LI, NAMES[MR], MR, "2017/3/1"],
]


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None, *, sheet: str = "包联名单",
               title: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TODAY = dt.date(2017, 12, 20)


@pytest.fixture
def paired(cast, imported):  # type: ignore[no-untyped-def]
    """The four pairings of LIST_ROWS imported by the command line (张三 has the account yyx_rep)."""
    from newind.pairing.models import Pairing
    from newind.pairing.services import apply_pairing_import, prepare_pairing_import

    preview = prepare_pairing_import(xlsx_bytes(LIST_ROWS), "包联名单.xlsx", None, today=TODAY)
    apply_pairing_import(preview, None, today=TODAY)
    by_code = {p.firm.credit_code: p for p in Pairing.objects.select_related("firm", "official")}
    return by_code
